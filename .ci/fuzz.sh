#!/usr/bin/env bash
# Runs each cargo-fuzz target of server/fuzz for a bounded time.
#
#   bash .ci/fuzz.sh SECONDS [TARGET...]     (default: every target, 60 s each)
#
# FUZZ_FAST=1 (what .ci/run uses) builds the fuzz targets unoptimised and
# without the address sanitizer: a build of minutes instead of a quarter of
# an hour on two cores, for a short smoke bound. Long runs use the default.
#
# cargo-fuzz needs nightly compiler flags (-Zsanitizer, -Cpasses); on a stable
# toolchain RUSTC_BOOTSTRAP=1 unlocks them. Installs cargo-fuzz when missing.
# The kept corpus is server/fuzz/seeds/<target>/ (read, never written); new
# inputs go to server/fuzz/corpus/<target>/ (git-ignored). A finding stops the
# run with a non-zero exit and leaves the input in server/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../server"

secs="${1:-60}"
shift || true

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: installing it from crates.io"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# Build the fuzz crate in its own target dir (its flags differ from the
# workspace's: sharing one would rebuild everything twice).
export CARGO_TARGET_DIR="$PWD/fuzz/target"

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

if [ "${FUZZ_FAST:-0}" = 1 ]; then
  build=(--dev -s none)
else
  build=(-s "${FUZZ_SANITIZER:-address}")
fi

for t in "${targets[@]}"; do
  echo "== fuzz $t for ${secs}s"
  mkdir -p "fuzz/corpus/$t" "fuzz/seeds/$t"
  dict=()
  if [ -f "fuzz/dicts/$t.dict" ]; then
    dict=("-dict=fuzz/dicts/$t.dict")
  fi
  # -a: debug assertions (overflow checks) on. The address sanitizer (the
  # default; FUZZ_SANITIZER=none builds faster) also instruments the C
  # parser and catches leaks.
  cargo fuzz run -a "${build[@]}" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$secs" -max_len=4096 -timeout=20 -rss_limit_mb=4096 \
    -print_final_stats=1 "${dict[@]}"
done
echo "fuzz: ${#targets[@]} passed, 0 failed"
