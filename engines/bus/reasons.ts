// Why L5 decided as it did, in plain words: each reason code a decision row carries. Part of the
// contract so the approval card, the audit log's "why?" and L7's activity say the same thing.
const WHY: Record<string, string> = {
  'audit-unavailable':
    'the audit log cannot be written or failed verification, so Aether does nothing on your computer until that is fixed',
  'hard-block':
    'it is on the list of things Aether never touches (keys, system secrets, its own audit data)',
  'posture-local-only': 'your privacy posture keeps everything on this machine',
  'cost-cap': 'the spending cap for this provider is reached',
  'preset-denies': 'your autonomy preset does not allow it',
  'persona-denies': 'the active persona does not allow it',
  'preset-auto': 'your autonomy preset lets Aether do this on its own inside your workspace',
  'preset-draft-only': 'your autonomy preset allows only a draft of this',
  'grant-allow': 'you allowed this earlier',
  'grant-deny': 'you said no to this earlier, for good',
  'no-grant': 'nothing you allowed covers it, so Aether asked you',
  'critical-needs-a-person': 'it is critical, so a person must say yes every time',
  'shell-syntax-needs-a-person':
    'the command contains shell syntax, so a person must say yes every time',
  'interpreter-needs-a-person':
    'it runs code (a shell or an interpreter), so a person must say yes every time',
  'launcher-needs-a-person': 'it starts other programs, so a person must say yes every time',
  'runs-a-command-needs-a-person':
    'one of its options runs another command, so a person must say yes every time',
  'writes-a-file-needs-a-person':
    'one of its options writes a file, so a person must say yes every time',
  'own-program-needs-a-person':
    'it is a program of your own, not a system one, so a person must say yes every time',
  'follows-untrusted-content':
    "it comes after Aether read content from outside in this turn (a file, a page or a command's output), which may carry someone else's instructions, so it asks you again",
  'api-cannot-ask':
    'it came through the local API, which cannot show you an approval card; allow it in Aether first (a preset or a grant) if API clients should do this',
  'user-allowed': 'you allowed it',
  'user-confirmed': 'you asked for exactly this yourself',
  unattended:
    'it came from background work with nobody to ask, so it was kept as a draft for you to confirm',
  'user-denied': 'you said no',
  'user-draft': 'you asked for a draft only',
  'approval-expired': 'nobody answered in time',
  'approval-cancelled': 'all permissions were revoked while it waited',
  'bad-request': 'the request itself was not valid',
};

export function reasonText(reason: string): string {
  return WHY[reason] ?? reason;
}
