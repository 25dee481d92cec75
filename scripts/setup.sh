#!/usr/bin/env bash
# Sets up a fresh machine for Aether: npm packages (Node 22 comes with them as a dev
# dependency), and with --tests the system packages the UI tests need (Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
  echo "setup: npm is missing; install Node.js (20 or newer) first." >&2
  exit 1
fi

if [ "${1:-}" = "--tests" ] && [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    echo "setup: installing Debian's chromium for the UI tests…"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: the UI tests need Chromium at /usr/bin/chromium (or set CHROMIUM_PATH)." >&2
  fi
fi

# Lifecycle scripts are allowed per package in package.json (allowScripts): node@22 installs its
# binary; the others ship prebuilt binaries and need no scripts.
# `npm install` (not `npm ci`): npm records only this platform's optional binaries of node-llama-cpp in
# the lock file and `npm ci` then refuses it as out of sync; install still honours the locked versions.
npm install --no-fund --no-audit
