#!/usr/bin/env bash
# Shared set-up for scripts/dev, scripts/test and .ci/run: Bun 1.4.4 and the locked dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
BUN_VERSION=1.4.4
if ! command -v bun >/dev/null 2>&1 || [ "$(bun --version)" != "$BUN_VERSION" ]; then
  echo "setup: installing Bun $BUN_VERSION with npm" >&2
  npm install -g "bun@$BUN_VERSION" >&2
fi
if [ ! -d node_modules ] || [ bun.lock -nt node_modules ]; then
  bun install --frozen-lockfile >&2
fi
