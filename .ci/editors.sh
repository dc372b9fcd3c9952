#!/usr/bin/env bash
# Checks the editor integrations in editors/ on a fresh machine.
#
# Usage: bash .ci/editors.sh [PATH/TO/talknotes-ls]
#
#   VS Code  npm ci, tsc --noEmit, eslint, esbuild bundle, node --test,
#            vsce package (offline) → prints the .vsix path; with a server
#            binary as argument also test/server.test.ts against it (the
#            extension's settings at initialize and in didChangeConfiguration,
#            the "Indexing notes" progress)
#   Helix    languages.toml parses and says what its README promises
#   Neovim   with a server binary as argument: installs Debian's neovim if
#            nvim is missing, checks the test harness and the shipped configs
#            against the stand-in server (fake_server.py), then runs the
#            end-to-end test against the real binary, completion and
#            definition included (TALKNOTES_NVIM_FULL=0 leaves them out).
#            Without an argument the Neovim self-checks still run when nvim
#            is already installed.
#
#   pre-commit  with a server binary: `pre-commit try-repo` runs this
#            repository's hook on a copy of examples/notes
#
# Needs node >= 20 with npm, python3 >= 3.11; apt-get (as root, or sudo) to
# install neovim. Exit status 1 if any step failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
server=${1:-}
if [ -n "$server" ]; then
  if [ ! -f "$server" ] || [ ! -x "$server" ]; then
    echo "not an executable file: $server" >&2
    exit 2
  fi
  server=$(cd "$(dirname "$server")" && pwd)/$(basename "$server")
fi

results=()
passed=0
failed=0
skipped=0

# step NAME COMMAND...: runs one command, records PASS/FAIL and its time.
step() {
  local name=$1
  shift
  echo
  echo "── $name"
  local start=$SECONDS status=0
  "$@" || status=$?
  local took=$((SECONDS - start))
  if [ "$status" -eq 0 ]; then
    results+=("PASS  $name (${took}s)")
    passed=$((passed + 1))
  else
    results+=("FAIL  $name (exit $status, ${took}s)")
    failed=$((failed + 1))
  fi
  return "$status"
}

skip() {
  echo
  echo "── $1: skipped ($2)"
  results+=("SKIP  $1 ($2)")
  skipped=$((skipped + 1))
}

in_dir() {
  local dir=$1
  shift
  (cd "$dir" && "$@")
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  else
    sudo "$@"
  fi
}

# ── VS Code ────────────────────────────────────────────────────────────────
vscode=editors/vscode
vsix=""
node_ok=true
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  node_ok=false
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  node_ok=false
fi

# Runs in editors/vscode. Called under `||`, where errexit is off: every
# command checks its own status.
package_vsix() {
  rm -f ./*.vsix
  npx --no-install vsce package --no-dependencies || return 1
  # The package must hold the bundle, the manifest, the icon and the license.
  python3 - ./*.vsix <<'PY' || return 1
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["extension/dist/extension.js", "extension/package.json",
        "extension/images/icon.png", "extension/LICENSE.txt"]
missing = [n for n in need if n not in names]
print("vsix contents:", ", ".join(sorted(names)))
sys.exit("missing from the vsix: " + ", ".join(missing) if missing else 0)
PY
}

if ! $node_ok; then
  echo "node >= 20 with npm is needed for the VS Code extension (found: $(node --version 2>/dev/null || echo none))"
  step "vscode: node >= 20" false || true
elif step "vscode: npm ci" in_dir "$vscode" npm ci --no-audit --no-fund; then
  step "vscode: type-check (tsc --noEmit)" in_dir "$vscode" npx --no-install tsc --noEmit || true
  step "vscode: lint (eslint)" in_dir "$vscode" npx --no-install eslint . || true
  step "vscode: bundle (esbuild)" in_dir "$vscode" node esbuild.mjs --production || true
  step "vscode: unit tests (node --test)" in_dir "$vscode" npm test || true
  if [ -n "$server" ]; then
    # The settings object the extension builds, sent to the real server.
    step "vscode: server contract vs $server" \
      in_dir "$vscode" env TALKNOTES_LS="$server" node --test out/test/server.test.js || true
  fi
  step "vscode: package (vsce)" in_dir "$vscode" package_vsix || true
  vsix=$(find "$root/$vscode" -maxdepth 1 -name '*.vsix' | head -n 1)
  [ -n "$vsix" ] && echo "vsix: $vsix"
else
  skip "vscode: checks after npm ci" "npm ci failed"
fi

# ── Helix ──────────────────────────────────────────────────────────────────
step "helix: languages.toml" python3 editors/helix/check_languages.py || true

# ── Neovim ─────────────────────────────────────────────────────────────────
nvim_tests=editors/neovim/test
install_neovim() {
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq && as_root apt-get install -y -qq neovim >/dev/null && nvim --version | head -n 1
}

if [ -n "$server" ] && ! command -v nvim >/dev/null 2>&1; then
  step "neovim: install (apt-get)" install_neovim || true
fi
if command -v nvim >/dev/null 2>&1; then
  # The stand-in server answers as specified: the harness must pass with it,
  # every check switched on, so a red run against the real server means the
  # server, not the test.
  step "neovim: e2e harness vs stand-in server" env TALKNOTES_NVIM_FULL=1 "$nvim_tests/run.sh" "$nvim_tests/fake_server.py" || true
  step "neovim: shipped configs (run_configs.sh)" "$nvim_tests/run_configs.sh" || true
  if [ -n "$server" ]; then
    # The server has completion and definition: check them too (=0: off).
    full=${TALKNOTES_NVIM_FULL:-1}
    step "neovim: e2e vs $server (full=$full)" env TALKNOTES_NVIM_FULL="$full" "$nvim_tests/run.sh" "$server" || true
  else
    skip "neovim: e2e vs talknotes-ls" "no server binary given: bash .ci/editors.sh PATH/TO/talknotes-ls"
  fi
else
  skip "neovim" "nvim not installed and no server binary given"
fi

# ── pre-commit ────────────────────────────────────────────────────────────
# The hook this repository defines (.pre-commit-hooks.yaml), run the way a
# user's three-line config runs it (`pre-commit try-repo`), with the fresh
# binary on PATH: it must report the sample's findings (exit 1 from the hook).
precommit_hook() {
  local venv tmp out status=0
  tmp=$(mktemp -d)
  venv="$tmp/venv"
  python3 -m venv "$venv" && "$venv/bin/pip" install -q pre-commit || return 1
  # try-repo needs the hook repository to be a git repository with a commit.
  git -C "$root" rev-parse HEAD >/dev/null || return 1
  mkdir -p "$tmp/notes" && cp "$root"/examples/notes/*.md "$tmp/notes/"
  (cd "$tmp/notes" && git init -q && git add . && git -c user.email=ci@example.invalid -c user.name=ci commit -qm notes) || return 1
  out=$(cd "$tmp/notes" && PATH="$(dirname "$server"):$PATH" PRE_COMMIT_HOME="$tmp/cache" \
    "$venv/bin/pre-commit" try-repo "$root" talknotes-check --all-files 2>&1) || status=$?
  echo "$out" | tail -15
  rm -rf "$tmp"
  [ "$status" -eq 1 ] && echo "$out" | grep -q "missing-speaker"
}
if [ -n "$server" ] && command -v python3 >/dev/null 2>&1 && command -v git >/dev/null 2>&1; then
  step "pre-commit: try-repo runs the hook on the sample notes" precommit_hook || true
else
  skip "pre-commit" "needs a server binary, python3 and git"
fi

# ── Summary ────────────────────────────────────────────────────────────────
echo
echo "══ editors summary"
for line in "${results[@]}"; do
  echo "  $line"
done
[ -n "$vsix" ] && echo "  vsix: $vsix"
echo "editors: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
