#!/usr/bin/env bash
# The HTML report in a real browser: renders the report of examples/notes
# with the talknotes-ls binary, opens it in Debian's Chromium (headless,
# driven by playwright-core, which downloads no browser) and checks it
# (tests/report/report.test.mjs). Screenshots are kept in
# $REPORT_OUT (default target/report-test/) as test artifacts.
#
#   bash tests/report/run.sh [path/to/talknotes-ls]
#
# Installs what it needs on a fresh machine (chromium with apt-get as root,
# playwright-core with npm ci). Skips, with a message and exit 0, only when
# Chromium cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

skip() {
  echo "report browser test: SKIPPED: $*"
  exit 0
}

# -- Chromium -----------------------------------------------------------------
chromium_bin() {
  command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null || true
}
CHROMIUM="${CHROMIUM:-$(chromium_bin)}"
if [ -z "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium (Debian)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }; then
      skip "chromium could not be installed with apt-get"
    fi
    CHROMIUM="$(chromium_bin)"
  fi
  [ -n "$CHROMIUM" ] || skip "no chromium, and it cannot be installed here (needs root and apt-get)"
fi
echo "== browser: $("$CHROMIUM" --version 2>/dev/null | head -1)"

# -- Node and playwright-core ---------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "== installing nodejs and npm (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
(cd tests/report && npm ci --no-audit --no-fund --loglevel=error)

# -- The report -----------------------------------------------------------------
bin="${1:-}"
if [ -z "$bin" ]; then
  cargo build -q -p talknotes-ls
  bin="${CARGO_TARGET_DIR:-$root/target}/debug/talknotes-ls"
fi
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac

out="${REPORT_OUT:-$root/target/report-test}"
mkdir -p "$out"
rm -f "$out"/*.png "$out/report.html"
set +e
(cd examples/notes && "$bin" report . -o "$out/report.html")
code=$?
set -e
# The sample holds one mistake of every kind: exit 1, as --check.
if [ "$code" -ne 1 ]; then
  echo "talknotes-ls report exited $code (expected 1)"
  exit 1
fi

echo "== report in the browser"
REPORT_HTML="$out/report.html" REPORT_OUT="$out" CHROMIUM="$CHROMIUM" \
  node --test --test-reporter=spec tests/report/report.test.mjs
echo "screenshots: $(cd "$out" && ls *.png | tr '\n' ' ')(in $out)"
