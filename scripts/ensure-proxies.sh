#!/usr/bin/env bash
# Installs Debian's nginx and Caddy, when missing, for the forward-auth tests (test/e2e/forward-auth-proxies.test.ts).
# Only the binaries are used: the test starts each proxy itself on loopback with a config in a temporary directory.
set -euo pipefail
missing=()
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/caddy ] || missing+=(caddy)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y "${missing[@]}"
/usr/sbin/nginx -v
/usr/bin/caddy version
