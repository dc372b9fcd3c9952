#!/usr/bin/env bash
# Checks the shipped Neovim configurations (lsp/talknotes_ls.lua on 0.11+,
# legacy/talknotes_ls.lua on older versions) in a headless Neovim.
#
# Usage: editors/neovim/test/run_configs.sh [PATH/TO/talknotes-ls]
# Without an argument the stand-in fake_server.py plays the server, which
# tests the configurations alone. NVIM=... picks the Neovim to run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=${1:-$here/fake_server.py}
if [[ "$server" != */* ]]; then
  server=$(type -P -- "$server" || true)
fi
if [ -z "$server" ] || [ ! -f "$server" ] || [ ! -x "$server" ]; then
  echo "FAIL setup: '${1:-}' is not an executable file" >&2
  exit 2
fi
server=$(cd "$(dirname "$server")" && pwd)/$(basename "$server")

nvim=${NVIM:-nvim}
command -v "$nvim" >/dev/null 2>&1 || { echo "FAIL setup: '$nvim' not found" >&2; exit 2; }

# The configurations start `talknotes-ls` from PATH.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$server" "$bin/talknotes-ls"

echo "== neovim configs: $("$nvim" --version | head -n 1), server $server"
TALKNOTES_NVIM_CONFIG_DIR=$(dirname "$here")
export TALKNOTES_NVIM_CONFIG_DIR
export TALKNOTES_NVIM_WORKSPACE=$here/workspace
set +e
PATH="$bin:$PATH" timeout --kill-after=5 "${TALKNOTES_NVIM_TIMEOUT:-60}" \
  "$nvim" --headless -u NONE -i NONE -n -c "luafile $here/config_check.lua" </dev/null
rc=$?
set -e
[ "$rc" -eq 124 ] && echo "FAIL neovim configs: timed out"
exit "$rc"
