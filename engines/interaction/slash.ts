// Slash commands: precise tools for the user, and a deterministic trigger for tests. Each
// becomes an action request to L5; none involves the model.
import type { CapabilityName } from '../bus/index.ts';

export type SlashAction = { capability: CapabilityName; target: string; input?: string };
export type SlashParse =
  { kind: 'action'; action: SlashAction } | { kind: 'reply'; text: string } | null;

export const SLASH_HELP = [
  'Commands (each one asks the policy gate first):',
  '/read PATH — read a file',
  '/ls [PATH] — list a folder',
  '/write PATH TEXT — write TEXT to a file (replacing it)',
  '/rm PATH — move a file to Aether’s trash',
  '/run PROGRAM ARGS… — run a program (no shell)',
  '/fetch URL — fetch a web page',
].join('\n');

/** Null when the text is not a slash command at all. */
export function parseSlash(text: string): SlashParse {
  const match = /^\/([a-z]+)(?:[ \t]+([\s\S]*))?$/.exec(text.trim());
  if (!match)
    return text.trim().startsWith('/')
      ? { kind: 'reply', text: `I don't know that command. ${SLASH_HELP}` }
      : null;
  const [, name, rest = ''] = match;
  const arg = rest.trim();
  const needs = (what: string): SlashParse => ({
    kind: 'reply',
    text: `/${name} needs ${what}. ${SLASH_HELP}`,
  });
  switch (name) {
    case 'help':
      return { kind: 'reply', text: SLASH_HELP };
    case 'read':
      return arg
        ? { kind: 'action', action: { capability: 'files.read', target: arg } }
        : needs('a path');
    case 'ls':
      return { kind: 'action', action: { capability: 'files.list', target: arg || '.' } };
    case 'rm':
      return arg
        ? { kind: 'action', action: { capability: 'files.delete', target: arg } }
        : needs('a path');
    case 'run':
      return arg
        ? { kind: 'action', action: { capability: 'process.exec', target: arg } }
        : needs('a program');
    case 'fetch':
      return arg
        ? { kind: 'action', action: { capability: 'web.fetch', target: arg } }
        : needs('a URL');
    case 'write': {
      const write = /^(\S+)[ \t]*\n?([\s\S]*)$/.exec(arg);
      return write
        ? {
            kind: 'action',
            action: { capability: 'files.write', target: write[1], input: write[2] },
          }
        : needs('a path and the text');
    }
    default:
      return { kind: 'reply', text: `I don't know /${name}. ${SLASH_HELP}` };
  }
}
