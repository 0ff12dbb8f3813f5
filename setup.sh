#!/usr/bin/env bash
# Set up a fresh machine and build the archive: corpus/ → docs/ → site/.
#
# Works with the distribution's own python3 (Debian 12, Ubuntu 24.04: "externally
# managed", PEP 668) as with any other Python first on PATH: everything goes into a
# virtual environment in the project, .venv/. The system packages it needs come from
# apt when they are missing: python3-venv (for the venv), chromium and firefox-esr
# (browser tests; never a downloaded browser), nodejs and npm (the browser tests'
# npm packages, pinned in package.json / package-lock.json: axe-core, puppeteer-core).
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\n== %s\n' "$*"; }

apt_install() {  # apt_install PACKAGE…: install what is missing, once, quietly
  command -v apt-get >/dev/null 2>&1 || { echo "setup: no apt-get; install $* yourself" >&2; return 0; }
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${APT_UPDATED:-}" ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

python_ok() { python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; }
python_ok || { echo "setup: python3 3.10 or newer is needed (found: $(python3 --version 2>&1))" >&2; exit 1; }

# A venv needs ensurepip, which Debian and Ubuntu ship apart, in python3-venv.
if [ ! -x .venv/bin/python ]; then
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    say "installing python3-venv (apt)"
    apt_install python3-venv
  fi
  say "creating .venv with $(python3 --version)"
  python3 -m venv .venv
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} (apt) for the browser tests"
  for package in "${missing[@]}"; do  # one at a time: Ubuntu has no firefox-esr, say
    apt_install "$package" || echo "setup: could not install $package; the browser tests that need it will fail" >&2
  done
fi

if command -v npm >/dev/null 2>&1; then
  say "installing the browser tests' npm packages (package-lock.json)"
  # --ignore-scripts: no install script runs (puppeteer-core downloads no browser anyway)
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

say "installing the Python packages into .venv"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

say "building the archive: corpus/ → docs/ → site/"
.venv/bin/python -m build_archive build
