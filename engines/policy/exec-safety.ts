// What L5 knows about programs, in one table: those nothing may run, those that run another
// program named among their arguments (wrappers and launchers), interpreters (code given as an
// argument or a file), and options that write files or run commands. Each entry has a test in
// exec-safety.test.ts; docs/decisions/0010-exec-safety.md explains the rules.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { canonicalPath, isInside } from './resources.ts';

export const EXEC_TABLE = {
  /** Never run, however asked: they change users, privileges or the machine itself. */
  blocked: [
    'sudo',
    'su',
    'doas',
    'pkexec',
    'passwd',
    'chpasswd',
    'mkfs',
    'shutdown',
    'reboot',
    'poweroff',
    'halt',
    'init',
    'visudo',
    'runuser',
    'setpriv',
    'chroot',
    'mount',
    'umount',
    'insmod',
    'modprobe',
  ],
  /** Run the program that follows them, unchanged: every later word may name what really runs. */
  wrappers: [
    'env',
    'nice',
    'nohup',
    'timeout',
    'stdbuf',
    'ionice',
    'chrt',
    'taskset',
    'setsid',
    'time',
    'command',
    'prlimit',
    'setarch',
    'flock',
    'unbuffer',
  ],
  /** Run commands built from their input or a string, or under another identity or namespace: a person decides. */
  launchers: [
    'xargs',
    'parallel',
    'watch',
    'exec',
    'builtin',
    'strace',
    'ltrace',
    'gdb',
    'valgrind',
    'nsenter',
    'unshare',
    'firejail',
    'bwrap',
    'systemd-run',
    'busybox',
    'toybox',
    'catchsegv',
    'start-stop-daemon',
    'linux32',
    'linux64',
    'script',
    'expect',
    'sg',
    'newgrp',
    'dbus-launch',
    'xdg-open',
    'open',
  ],
  /** Run code given to them: always a person's decision, never a grant's (names in lower case). */
  interpreters: [
    'sh',
    'bash',
    'dash',
    'zsh',
    'ksh',
    'mksh',
    'fish',
    'csh',
    'tcsh',
    'ash',
    'python',
    'python2',
    'python3',
    'pypy',
    'pypy3',
    'node',
    'nodejs',
    'deno',
    'bun',
    'perl',
    'ruby',
    'irb',
    'php',
    'lua',
    'luajit',
    'tclsh',
    'wish',
    'awk',
    'gawk',
    'mawk',
    'nawk',
    'osascript',
    'pwsh',
    'powershell',
    'cmd',
    'rscript',
    'r',
    'julia',
    'guile',
    'racket',
    'sbcl',
    'ghci',
    'runghc',
    'make',
    'cmake',
    'npx',
    'npm',
    'yarn',
    'pnpm',
    'pip',
    'pip3',
    'vim',
    'vi',
    'nvim',
    'emacs',
    'less',
    'more',
    'man',
    'ssh',
    'scp',
  ],
  /** Options that run a command (`exec`) or write a file (`write`), per program; `*` for any program. */
  options: {
    '*': {
      exec: [
        '--exec',
        '--command',
        '--pager',
        '--editor',
        '--shell',
        '--rsh',
        '--to-command',
        '--use-compress-program',
      ],
      write: ['--output', '--output-file', '--output-document', '--log-file', '--in-place'],
    },
    find: {
      exec: ['-exec', '-execdir', '-ok', '-okdir'],
      write: ['-fprint', '-fprint0', '-fprintf', '-fls', '-delete'],
    },
    git: {
      exec: ['-c', '--exec-path', '--upload-pack', '--receive-pack', '--config-env'],
      write: ['-o'],
    },
    tar: { exec: ['-I', '--checkpoint-action', '--info-script', '--new-volume-script'], write: [] },
    rsync: { exec: ['-e'], write: [] },
    curl: {
      exec: ['-K', '--config'],
      write: ['-o', '-O', '--remote-name', '-D', '--dump-header', '-c', '--cookie-jar'],
    },
    wget: { exec: ['-e', '--execute'], write: ['-O', '-o', '-a', '--append-output'] },
    sort: { exec: ['--compress-program'], write: ['-o'] },
    sed: { exec: [], write: ['-i'] },
    zip: { exec: ['-TT', '--unzip-command'], write: [] },
  } as Record<string, { exec: string[]; write: string[] }>,
  /** Where the programs a grant may cover live; anything else (a script in the workspace) is code. */
  systemDirs: [
    '/usr/bin',
    '/bin',
    '/usr/sbin',
    '/sbin',
    '/usr/local/bin',
    '/usr/libexec',
    '/usr/lib',
  ],
  /** The PATH the process executor runs with (engines/tools/process.ts uses the same). */
  path: ['/usr/local/bin', '/usr/bin', '/bin'],
};

export type CommandFacts = {
  /** Every program that may run: the first one, and with a wrapper or exec option, every later word. */
  programs: string[];
  /** Every argument and option value, as a canonical path (hard blocks are checked on these). */
  argPaths: string[];
  /** Why this command needs a person each time, or null. */
  critical: string | null;
  /** The last argument that a prefix grant may not cover (writes, runs, or points outside the workspace); -1 if none. */
  lastUnsafeArg: number;
};

const nameOf = (word: string) => basename(word).toLowerCase();
const optionName = (arg: string) => (arg.startsWith('--') ? arg.split('=', 1)[0] : arg.slice(0, 2));

/** The value an argument carries: itself, what follows `=`, or what is glued to a short option. */
function valueOf(arg: string): string | null {
  if (!arg.startsWith('-')) return arg;
  if (arg.includes('=')) return arg.slice(arg.indexOf('=') + 1);
  if (!arg.startsWith('--') && arg.length > 2 && /[/.~]/.test(arg.slice(2))) return arg.slice(2);
  return null;
}

const pathLike = (value: string) =>
  value.includes('/') || value.startsWith('.') || value.startsWith('~');

/** Where argv[0] really lives: a path made canonical, or the first match on the executor's PATH. */
export function resolveProgram(program: string, workspace: string): string | null {
  if (program.includes('/')) return canonicalPath(program, workspace);
  for (const dir of EXEC_TABLE.path) {
    const candidate = join(dir, program);
    if (existsSync(candidate)) return realpathSync.native(candidate);
  }
  return null;
}

function isOption(arg: string, list: string[]): boolean {
  if (!arg.startsWith('-')) return false;
  return (
    list.includes(arg) ||
    list.includes(optionName(arg)) ||
    (arg.startsWith('--') && list.includes(arg.split('=', 1)[0]))
  );
}

const isExecutableFile = (path: string) => {
  try {
    const st = statSync(path);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
};

export function commandFacts(argv: string[], workspace: string): CommandFacts {
  const first = nameOf(argv[0]);
  const programs = [first];
  const runs: string[] = [argv[0]];
  const wrapped = EXEC_TABLE.wrappers.includes(first) || EXEC_TABLE.launchers.includes(first);
  // Behind a wrapper any program may follow, so every program's options count.
  const tables = wrapped
    ? Object.values(EXEC_TABLE.options)
    : [EXEC_TABLE.options[first] ?? { exec: [], write: [] }, EXEC_TABLE.options['*']];
  const execs = tables.flatMap((t) => t.exec);
  const writes = tables.flatMap((t) => t.write);
  const scanWords = wrapped || argv.some((a) => isOption(a, execs));
  let critical: string | null = EXEC_TABLE.launchers.includes(first)
    ? 'launcher-needs-a-person'
    : null;
  const note = (why: string) => {
    critical ??= why;
  };

  const argPaths: string[] = [];
  let lastUnsafeArg = -1;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (scanWords) {
      // Any word may be (or spell) the program that really runs: `env su`, `find -exec sudo`, `git -c core.pager=su`.
      for (const word of arg.split(/[\s=!;'"|&]+/)) if (word) programs.push(nameOf(word));
      if (!arg.startsWith('-')) runs.push(arg);
    }
    if (isOption(arg, execs)) {
      note('runs-a-command-needs-a-person');
      lastUnsafeArg = i;
    }
    if (isOption(arg, writes)) {
      note('writes-a-file-needs-a-person');
      lastUnsafeArg = i;
    }
    const value = valueOf(arg);
    if (!value) continue;
    const path = canonicalPath(value, workspace);
    argPaths.push(path);
    if (pathLike(value) && !isInside(path, workspace)) lastUnsafeArg = i;
  }
  for (const word of runs) {
    const resolved = resolveProgram(word, workspace);
    if (!resolved) continue;
    programs.push(nameOf(resolved));
    if (isExecutableFile(resolved) && !EXEC_TABLE.systemDirs.some((d) => isInside(resolved, d)))
      note('own-program-needs-a-person');
  }
  if (programs.some((p) => EXEC_TABLE.interpreters.includes(p)))
    critical = 'interpreter-needs-a-person';
  return { programs: [...new Set(programs)], argPaths, critical, lastUnsafeArg };
}
