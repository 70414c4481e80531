#!/usr/bin/env bash
# fuzz.sh SECONDS — builds every fuzz/fuzz_*.cc target with clang's libFuzzer,
# ASan and UBSan in build-fuzz/ (the model instrumented too) and runs each one
# for SECONDS. Seeds come from fuzz/corpus/<name without fuzz_>/ when it
# exists; new inputs go to build-fuzz/corpus/<name>/ and crashes to
# build-fuzz/artifacts/. Exits non-zero if any target finds a failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:?usage: scripts/fuzz.sh SECONDS}"
build="${MMULAB_FUZZ_BUILD_DIR:-$root/build-fuzz}"

cc=clang; cxx=clang++
if ! command -v clang >/dev/null && command -v clang-14 >/dev/null; then cc=clang-14; cxx=clang++-14; fi
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
CC=$cc CXX=$cxx cmake -S "$root" -B "$build" -DMMULAB_FUZZ=ON -DMMULAB_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$build" -j2 --target fuzz_all

mkdir -p "$build/artifacts"
failed=()
for src in "$root"/fuzz/fuzz_*.cc; do
    name="$(basename "$src" .cc)"
    short="${name#fuzz_}"
    work="$build/corpus/$short"
    mkdir -p "$work"
    dirs=("$work")
    [ -d "$root/fuzz/corpus/$short" ] && dirs+=("$root/fuzz/corpus/$short")
    echo "== $name for ${seconds}s (corpus: ${dirs[*]})"
    if ! "$build/$name" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
            -artifact_prefix="$build/artifacts/$name-" "${dirs[@]}"; then
        failed+=("$name")
    fi
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz.sh: failures in ${failed[*]} (inputs in $build/artifacts/)" >&2
    exit 1
fi
echo "fuzz.sh: no failures"
