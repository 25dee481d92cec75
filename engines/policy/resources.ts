// Canonical resources. Policy decides on these, executors act on these — never on the raw text a
// model or a user typed — so what was checked is what is touched.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { AetherError, isPrivateHost } from '../bus/index.ts';

/**
 * A path made absolute the way the kernel would walk it: component by component, following each
 * symlink before applying the next `..`, so no spelling can escape a root. Components past the
 * first one that does not exist yet (a file to write) are taken as written.
 */
export function canonicalPath(input: string, base: string): string {
  if (input.length === 0 || input.includes('\0'))
    throw new AetherError('BadRequest', 'not a usable path');
  const root = parse(input).root;
  let current = root ? realpathSync.native(root) : realpathSync.native(resolve(base));
  let exists = true;
  for (const part of input.slice(root.length).split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    if (exists && existsSync(next)) {
      current = realpathSync.native(next);
    } else {
      current = next;
      exists = false;
    }
  }
  return current;
}

/** device:inode of a file with more than one name: a hard link may be another name of a protected file. */
export function linkedKey(path: string): string | null {
  try {
    const st = statSync(path);
    return st.isFile() && st.nlink > 1 ? `${st.dev}:${st.ino}` : null;
  } catch {
    return null;
  }
}

export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Each ancestor of a canonical path, nearest first, ending with the root. */
export function ancestors(path: string): string[] {
  const out = [path];
  for (let p = dirname(path); p !== out.at(-1); p = dirname(p)) out.push(p);
  return out;
}

// Characters that mean something to a shell. Aether never runs a shell, but a command that
// contains them was probably written for one, so it needs a person's explicit yes.
const SHELL_META = /[;&|`$<>(){}\n\\*?~!#]/;

export type CanonicalCommand = { argv: string[]; shellLike: boolean };

/** Splits a command line into argv (quotes group, nothing expands) and flags shell syntax. */
export function canonicalCommand(line: string | string[]): CanonicalCommand {
  const argv = Array.isArray(line) ? [...line] : splitCommand(line);
  if (argv.length === 0 || argv.some((a) => a.includes('\0')))
    throw new AetherError('BadRequest', 'not a usable command');
  // `FOO=bar cmd` is an environment prefix in a shell: it would change what runs.
  const envPrefix = /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0]);
  const rawMeta = typeof line === 'string' && SHELL_META.test(line);
  return { argv, shellLike: envPrefix || rawMeta || argv.some((a) => SHELL_META.test(a)) };
}

function splitCommand(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || current) out.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
    }
  }
  if (quote) throw new AetherError('BadRequest', 'unclosed quote in command');
  if (started || current) out.push(current);
  return out;
}

export type CanonicalUrl = { href: string; host: string; port: number; privateAddress: boolean };

export function canonicalUrl(input: string): CanonicalUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new AetherError('BadRequest', `not a URL: ${input.slice(0, 100)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AetherError('BadRequest', 'only http and https URLs can be fetched');
  if (url.username || url.password)
    throw new AetherError('BadRequest', 'URLs with credentials are not fetched');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  url.hash = '';
  return { href: url.href, host: url.hostname, port, privateAddress: isPrivateHost(url.hostname) };
}
