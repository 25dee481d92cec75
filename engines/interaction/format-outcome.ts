// An action's outcome as the assistant's reply in the chat.
import type { ActionOutcome } from '../bus/index.ts';

const MAX_SHOWN = 8000;

function fenced(text: string): string {
  const shown =
    text.length > MAX_SHOWN
      ? `${text.slice(0, MAX_SHOWN)}\n… (${text.length - MAX_SHOWN} more characters)`
      : text;
  return `\n\n\`\`\`\n${shown.replaceAll('```', '`\u200b``')}\n\`\`\``;
}

export function formatOutcome(outcome: ActionOutcome): string {
  const result = outcome.result as { summary?: string; output?: string } | undefined;
  switch (outcome.status) {
    case 'done':
      return `Done — ${result?.summary ?? 'finished'}.${result?.output ? fenced(result.output) : ''}`;
    case 'draft':
      return `Draft only — nothing was changed. ${result?.summary ?? ''}${result?.output ? fenced(result.output) : ''}`;
    case 'denied':
      return `I did not do it. ${outcome.explanation}`;
    case 'failed':
      return `That did not work: ${outcome.error?.message ?? outcome.reason}.`;
  }
}
