#!/usr/bin/env bash
# Make sure the system libraries WeasyPrint (the PDF prep sheet) loads are installed:
# Pango from Debian, and a font to set the text in. Installs them through apt-get when
# missing and the user is root; exits non-zero when they are missing and cannot be.
set -uo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} for the PDF prep sheet..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null && exit 0
fi
echo "Missing ${missing[*]} (WeasyPrint's Pango and a font); install them with apt-get as root." >&2
exit 1
