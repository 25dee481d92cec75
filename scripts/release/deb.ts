// The .deb, built offline with dpkg-deb from electron-builder's unpacked app: the app in
// /opt/Aether, `aether` on the PATH, a .desktop file and icon, the setuid sandbox helper 4755
// and root-owned, an AppArmor profile (Ubuntu 24+ limits user namespaces, which Chromium's
// sandbox needs), and every time stamp set from SOURCE_DATE_EPOCH so two builds are identical.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  cpSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const DEB_DEPENDS = [
  'libc6 (>= 2.31)',
  'libgtk-3-0t64 | libgtk-3-0',
  'libnotify4',
  'libnss3',
  'libxss1',
  'libxtst6',
  'xdg-utils',
  'libatspi2.0-0t64 | libatspi2.0-0',
  'libuuid1',
  'libsecret-1-0',
  'libasound2t64 | libasound2',
  'libgbm1',
];

type DebInput = { appDir: string; out: string; root: string; arch?: string };

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

function control(pkg: Record<string, unknown>, arch: string, installedKb: number): string {
  const author = pkg.author as { name: string; email: string };
  return [
    'Package: aether',
    `Version: ${pkg.version}`,
    'Section: utils',
    'Priority: optional',
    `Architecture: ${arch}`,
    `Maintainer: ${author.name} <${author.email}>`,
    `Installed-Size: ${installedKb}`,
    `Depends: ${DEB_DEPENDS.join(', ')}`,
    `Homepage: ${pkg.homepage}`,
    'Description: local-first desktop AI companion',
    ' Chat and talk with a companion whose language model runs on this computer,',
    ' with long-term memory you can inspect and erase. Every file, program,',
    ' network or remote-model action passes a policy gate you control, and every',
    ' decision lands in an audit log you can verify. Nothing leaves the computer',
    ' unless you allow it.',
    '',
  ].join('\n');
}

const DESKTOP = `[Desktop Entry]
Name=Aether
Comment=A local-first desktop AI companion
Exec=/opt/Aether/aether %U
Icon=aether
Terminal=false
Type=Application
Categories=Utility;
StartupWMClass=Aether
`;

// Why each remaining lintian finding is accepted (docs/decisions/0024-packaging.md).
const OVERRIDES = `# Electron apps live in /opt, like Chrome and VS Code: one self-contained folder.
aether: dir-or-file-in-opt *
# Chromium's setuid sandbox helper must be 4755 root where user namespaces are unavailable.
aether: elevated-privileges 4755 root/root [opt/Aether/chrome-sandbox]
# sherpa-onnx's prebuilt addon names its build folder as RUNPATH; it loads from its own folder.
aether: custom-library-search-path *
# node-llama-cpp's CLI modules start with #!; the app imports them and never runs them.
aether: script-not-executable *
`;

const MAN = `.TH AETHER 1 "December 2026" "Aether" "User Commands"
.SH NAME
aether \\- a local-first desktop AI companion
.SH SYNOPSIS
.B aether
[\\fB--data-dir\\fR \\fIDIR\\fR] [\\fB--model\\fR \\fIFILE\\fR]
.SH DESCRIPTION
Opens Aether's window. Its data (conversations, memory, the audit log, models) lives in
\\fI~/.config/Aether\\fR unless \\fB--data-dir\\fR says otherwise.
`;

const APPARMOR = `# Chromium's sandbox needs unprivileged user namespaces, which Ubuntu 24.04+ restricts.
abi <abi/4.0>,
include <tunables/global>

profile aether /opt/Aether/aether flags=(unconfined) {
  userns,
  include if exists <local/aether>
}
`;

function copyright(root: string): string {
  const licence = readFileSync(join(root, 'LICENSE'), 'utf8');
  return [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    'Upstream-Name: aether',
    '',
    'Files: *',
    'Copyright: 2026 the Aether authors',
    'License: MIT',
    ...licence.split('\n').map((l) => (l.trim() ? ` ${l}` : ' .')),
    '',
  ].join('\n');
}

function sizeKb(path: string): number {
  const s = lstatSync(path);
  if (!s.isDirectory()) return Math.ceil(s.size / 1024);
  return readdirSync(path).reduce((kb, e) => kb + sizeKb(join(path, e)), 1);
}

/** Every entry's time stamp set to `epoch` (seconds), deepest first. */
function stamp(path: string, epoch: number): void {
  const s = lstatSync(path);
  if (s.isDirectory()) for (const e of readdirSync(path)) stamp(join(path, e), epoch);
  if (!s.isSymbolicLink()) utimesSync(path, epoch, epoch);
}

const isElf = (path: string): boolean => {
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
};

/**
 * Debian's modes: folders 0755, programs 0755 (only the top folder's), everything else 0644 —
 * libraries and addons included; shared objects are stripped of what linking does not need.
 */
function normalize(path: string, top: boolean): void {
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    const s = lstatSync(p);
    if (s.isSymbolicLink()) continue;
    if (s.isDirectory()) {
      chmodSync(p, 0o755);
      normalize(p, false);
      continue;
    }
    const library = /\.(so(\.\d+)*|node)$/.test(name);
    if (library && isElf(p)) spawnSync('strip', ['--strip-unneeded', p]);
    chmodSync(p, top && !library && s.mode & 0o100 ? 0o755 : 0o644);
  }
}

function layout(stage: string, i: DebInput, pkg: Record<string, unknown>): void {
  const opt = join(stage, 'opt', 'Aether');
  cpSync(i.appDir, opt, { recursive: true, verbatimSymlinks: true });
  normalize(opt, true);
  // electron-updater picks its DebUpdater from this file.
  writeFileSync(join(opt, 'resources', 'package-type'), 'deb');
  chmodSync(join(opt, 'chrome-sandbox'), 0o4755);
  mkdirSync(join(stage, 'usr', 'bin'), { recursive: true });
  symlinkSync('/opt/Aether/aether', join(stage, 'usr', 'bin', 'aether'));
  const share = join(stage, 'usr', 'share');
  mkdirSync(join(share, 'applications'), { recursive: true });
  writeFileSync(join(share, 'applications', 'aether.desktop'), DESKTOP);
  const icons = join(share, 'icons', 'hicolor', '512x512', 'apps');
  mkdirSync(icons, { recursive: true });
  copyFileSync(join(i.root, 'build', 'icon.png'), join(icons, 'aether.png'));
  const doc = join(share, 'doc', 'aether');
  mkdirSync(doc, { recursive: true });
  writeFileSync(join(doc, 'copyright'), copyright(i.root));
  const log = `aether (${pkg.version}) stable; urgency=medium\n\n  * Release ${pkg.version}.\n\n -- The Aether authors <aether@example.org>  Tue, 01 Dec 2026 00:00:00 +0000\n`;
  writeFileSync(join(doc, 'changelog.gz'), gzipSync(log, { level: 9 }));
  const man = join(share, 'man', 'man1');
  mkdirSync(man, { recursive: true });
  writeFileSync(join(man, 'aether.1.gz'), gzipSync(MAN, { level: 9 }));
  const overrides = join(share, 'lintian', 'overrides');
  mkdirSync(overrides, { recursive: true });
  writeFileSync(join(overrides, 'aether'), OVERRIDES);
  mkdirSync(join(stage, 'etc', 'apparmor.d'), { recursive: true });
  writeFileSync(join(stage, 'etc', 'apparmor.d', 'aether'), APPARMOR);
}

/** Builds out/aether_VERSION_ARCH.deb; returns its path. */
export function buildDeb(i: DebInput): string {
  const pkg = JSON.parse(readFileSync(join(i.root, 'package.json'), 'utf8'));
  const arch = ARCH[i.arch ?? process.arch] ?? 'amd64';
  const stage = join(i.out, 'deb-stage');
  rmSync(stage, { recursive: true, force: true });
  layout(stage, i, pkg);
  const debian = join(stage, 'DEBIAN');
  mkdirSync(debian);
  writeFileSync(join(debian, 'control'), control(pkg, arch, sizeKb(stage)));
  writeFileSync(join(debian, 'conffiles'), '/etc/apparmor.d/aether\n');
  const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? 1_796_083_200); // 2026-12-01
  stamp(stage, epoch);
  const deb = join(i.out, `aether_${pkg.version}_${arch}.deb`);
  const r = spawnSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, deb], {
    env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`dpkg-deb failed: ${r.stderr}`);
  rmSync(stage, { recursive: true, force: true });
  return deb;
}
