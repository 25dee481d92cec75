#!/usr/bin/env bash
# Sets up a fresh machine for Aether: npm packages (Node 22 comes with them as a dev
# dependency), and with --tests the system packages the tests need: Debian's Chromium for the UI,
# flite and sox for test speech, espeak-ng's data for the generated test voice, pocketsphinx
# to check what the embedded voice says (VOICE-FACTS), and lintian for the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
  echo "setup: npm is missing; install Node.js (20 or newer) first." >&2
  exit 1
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v flite >/dev/null || missing+=(flite)
command -v sox >/dev/null || missing+=(sox)
[ -n "$(ls -d /usr/lib/*/espeak-ng-data /usr/share/espeak-ng-data 2>/dev/null)" ] || missing+=(espeak-ng-data)
command -v pocketsphinx_continuous >/dev/null || missing+=(pocketsphinx pocketsphinx-en-us)
# Packaging: the .deb is built with dpkg-deb and checked with lintian; shared objects are stripped.
command -v lintian >/dev/null || missing+=(lintian)
command -v strip >/dev/null || missing+=(binutils)
if [ "${1:-}" = "--tests" ] && [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    echo "setup: installing ${missing[*]} for the tests…"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: the tests need ${missing[*]} (Chromium at /usr/bin/chromium, or set CHROMIUM_PATH)." >&2
  fi
fi

# Lifecycle scripts are allowed per package in package.json (allowScripts): node@22 installs its
# binary; the others ship prebuilt binaries and need no scripts.
# `npm install` (not `npm ci`): npm records only this platform's optional binaries of node-llama-cpp in
# the lock file and `npm ci` then refuses it as out of sync; install still honours the locked versions.
npm install --no-fund --no-audit
