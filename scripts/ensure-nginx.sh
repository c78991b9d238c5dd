#!/usr/bin/env bash
# Installs Debian's nginx for the forward-auth test (test/e2e/forward-auth-nginx.test.ts) when it is missing.
# Only the binary is used: the test starts its own nginx on loopback with a config in a temporary directory.
set -euo pipefail
if [ -x /usr/sbin/nginx ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y nginx
/usr/sbin/nginx -v
