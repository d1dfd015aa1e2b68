# shellcheck shell=bash
# Sourced by .ci/run (as root, CI=true, no stdin, set -euo pipefail): Debian's chromium for the real-browser
# tests (tests/test_web_browser.py drives it with Playwright's Python driver; no browser download).
# Installs only when /usr/bin/chromium is missing; every command is guarded so that a failed install makes
# the browser tests skip (saying why) and never aborts CI. Running it twice changes nothing.
if [ ! -x /usr/bin/chromium ]; then
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium </dev/null >/dev/null 2>&1; then
        echo "chromium.sh: installed Debian's chromium" >&2
    else
        echo "chromium.sh: could not install chromium; the browser tests will skip" >&2
    fi
fi
if [ -x /usr/bin/chromium ]; then
    export CLAIMLEDGER_CHROMIUM=/usr/bin/chromium
fi
true
