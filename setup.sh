#!/usr/bin/env bash
# Set up a fresh machine and build the archive: corpus/ → docs/ → site/.
# Installs Debian's chromium (for the browser tests; never a downloaded browser)
# and the Python packages, then runs the build.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq chromium >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
python3 -m build_archive build
