#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (Playwright cannot
# download its own browser here). Exit non-zero when it is missing and cannot be installed.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  [ -x /usr/bin/chromium ] && exit 0
fi
echo "Chromium is missing and could not be installed (needs root and apt-get)." >&2
exit 1
