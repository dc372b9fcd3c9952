#!/usr/bin/env bash
# Neovim end-to-end test of talknotes-ls: a headless Neovim (0.7.2 or later)
# starts the server on the fixture workspace next to this script and checks
# diagnostics (and, with TALKNOTES_NVIM_FULL=1, completion and definition).
#
# Usage: editors/neovim/test/run.sh PATH/TO/talknotes-ls
# Env:   TALKNOTES_NVIM_FULL=1         also check completion and definition
#        TALKNOTES_NVIM_TIMEOUT=90     overall limit in seconds (default 90)
#        TALKNOTES_NVIM_WAIT_MS=10000  limit for each step in milliseconds
#        NVIM=nvim                     the Neovim to run
# Exit:  0 passed, 1 a check failed or timed out, 2 setup error, 3 script error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 PATH/TO/talknotes-ls" >&2
  exit 2
fi

server=$1
if [[ "$server" != */* ]]; then
  # A bare name: look it up on PATH, as Neovim would.
  server=$(type -P -- "$server" || true)
  if [ -z "$server" ]; then
    echo "FAIL setup: '$1' is not on PATH" >&2
    exit 2
  fi
fi
if [ ! -f "$server" ] || [ ! -x "$server" ]; then
  echo "FAIL setup: '$server' is not an executable file (build it with: cargo build --release -p talknotes-ls)" >&2
  exit 2
fi
server=$(cd "$(dirname "$server")" && pwd)/$(basename "$server")

nvim=${NVIM:-nvim}
if ! command -v "$nvim" >/dev/null 2>&1; then
  echo "FAIL setup: '$nvim' not found (Debian/Ubuntu: apt-get install -y neovim)" >&2
  exit 2
fi

limit=${TALKNOTES_NVIM_TIMEOUT:-90}
echo "== neovim e2e: $("$nvim" --version | head -n 1), server $server, limit ${limit}s, full=${TALKNOTES_NVIM_FULL:-0}"

export TALKNOTES_LS=$server
export TALKNOTES_NVIM_WORKSPACE=$here/workspace
# No index cache: a test run writes nothing in the user's cache folder.
export TALKNOTES_NO_INDEX_CACHE=1

# -u NONE: no user config or plugins; -i NONE: no shada; -n: no swap files
# (nothing is written into the fixture workspace).
set +e
timeout --kill-after=5 "$limit" \
  "$nvim" --headless -u NONE -i NONE -n -c "luafile $here/e2e.lua" </dev/null
rc=$?
set -e

case $rc in
  0) echo "== neovim e2e: PASS" ;;
  124 | 137)
    echo "== neovim e2e: FAIL (timed out after ${limit}s)"
    rc=1
    ;;
  *) echo "== neovim e2e: FAIL (exit $rc)" ;;
esac
exit "$rc"
