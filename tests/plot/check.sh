#!/usr/bin/env bash
# check.sh MMULAB [TRACE] — draws every figure of scripts/plot.py from small
# real inputs: a generated trace run through a two-point sweep, its one-pass
# CSV and, when the lockstep harness is built and TRACE is given, a
# cross-check table of a bundled trace. Fails unless each expected figure
# exists as a PDF with embedded TrueType fonts and a non-empty PNG, and unless
# plot.py rejects an input that is none of its CSVs with one line naming it.
set -euo pipefail
mm="$1"
trace="${2:+$(realpath "$2")}"
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "plot check: $*" >&2; exit 1; }
cd "$work"

"$mm" trace gen mix --records 150000 --seed 5 mix.mmt >/dev/null
cat > spec.json <<'JSON'
{"name": "plotcheck", "presets": ["skylake"],
 "grid": {"pwc.design": ["split", "pte"], "pwc.entries": 32},
 "traces": ["mix.mmt"], "out": "sweep"}
JSON
"$mm" sweep --no-progress --jobs 2 spec.json >/dev/null
"$mm" sweep --one-pass --csv --out onepass.csv mix.mmt
inputs=(sweep/results.csv onepass.csv)
expect=(onepass_miss_rate walk_latency walk_cache_hit_rate translation_cycles walk_latency_cdf)
if [ -n "$trace" ] && [ -x "$(dirname "$mm")/mmulab-cosim" ]; then
  "$mm" cosim --preset rocket-sv39 --set walker.merge_slots=4 --max-records 20000 \
    --csv agreement.csv "$trace" >/dev/null
  [ "$(wc -l < agreement.csv)" -eq 2 ] || fail "agreement.csv: a header and one row expected"
  inputs+=(agreement.csv)
  expect+=(agreement)
fi

bash "$root/scripts/plot.sh" "${inputs[@]}" --out figs > written.txt
for name in "${expect[@]}"; do
  pdf="figs/$name.pdf" png="figs/$name.png"
  [ -s "$pdf" ] && [ -s "$png" ] || fail "$name: no PDF or PNG ($(tr '\n' ' ' < written.txt))"
  grep -q "$pdf" written.txt || fail "$name: plot.py did not list $pdf"
  # /FontFile2: an embedded TrueType font program (pdf.fonttype 42);
  # Type 3 fonts, which paper sites reject, have none
  grep -aq "/FontFile2" "$pdf" || fail "$pdf embeds no TrueType font"
  if grep -aq "/Type3" "$pdf"; then fail "$pdf uses Type 3 fonts"; fi
done

# the same CSVs draw the same bytes (no creation date in the PDFs)
bash "$root/scripts/plot.sh" "${inputs[@]}" --out figs-again > /dev/null
for f in figs/*; do
  cmp -s "$f" "figs-again/$(basename "$f")" || fail "$(basename "$f") differs when drawn again"
done

# an input that is none of the known CSVs: one line naming it, exit 1
printf 'a,b\n1,2\n' > other.csv
if bash "$root/scripts/plot.sh" other.csv --out figs2 2> err.txt; then
  fail "plot.py accepted other.csv"
fi
[ "$(wc -l < err.txt)" -eq 1 ] && grep -q "other.csv" err.txt || fail "bad-input message: $(cat err.txt)"
echo "plot check: ${#expect[@]} figures, TrueType fonts embedded"
