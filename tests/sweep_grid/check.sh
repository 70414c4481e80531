#!/bin/sh
# check.sh MMULAB WORKDIR — end-to-end test of `mmulab sweep SPEC`
# (docs/sweeps-grid.md). Every check prints what it expected on failure.
set -u
MMULAB=$1
WORK=$2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect_error STATUS PATTERN ARG...: `mmulab sweep ARG...` exits STATUS
# and its stderr matches PATTERN
expect_error() {
    want=$1
    pattern=$2
    shift 2
    "$MMULAB" sweep "$@" 2> err.txt
    got=$?
    if [ $got -ne "$want" ] || ! grep -q -- "$pattern" err.txt; then
        fail "sweep $*: status $got (want $want), stderr: $(cat err.txt)"
    fi
}
# count DIR PATTERN: how many files in DIR match the glob PATTERN
count() {
    n=0
    for f in "$1"/$2; do
        [ -e "$f" ] && n=$((n + 1))
    done
    echo $n
}

rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cd "$WORK" || exit 1
"$MMULAB" trace gen mix --records 200000 --seed 7 small.mmt 2>/dev/null || { echo "trace gen failed" >&2; exit 1; }

cat > tiny.json <<'SPEC'
{
  "name": "tiny",
  "presets": ["skylake", "champsim"],
  "grid": {"l2tlb.entries": [1024, 2048], "l2tlb.ways": 8},
  "traces": ["small*.mmt"]
}
SPEC

# --dry-run: 4 points, none done, nothing written
"$MMULAB" sweep --dry-run tiny.json > dry.txt || fail "dry run exit status"
[ "$(grep -c "	pending	mmulab run --json --no-progress --preset" dry.txt)" = 4 ] || fail "dry run lists 4 pending points"
grep -q -- "--preset champsim --set l2tlb.entries=2048 --set l2tlb.ways=8 small.mmt" dry.txt ||
    fail "dry run shows a point's run arguments"
[ ! -e results/tiny ] || fail "dry run writes nothing"

# the sweep
"$MMULAB" sweep --jobs 2 tiny.json 2> run1.err || fail "sweep exit status: $(cat run1.err)"
grep -q "4 points (4 run now)" run1.err || fail "first sweep runs 4 points"
csv=results/tiny/results.csv
[ -f "$csv" ] || { fail "no $csv"; exit 1; }
[ "$(wc -l < "$csv")" -eq 5 ] || fail "results.csv has a header and 4 rows"
header=$(head -n 1 "$csv")
case "$header" in
    preset,l2tlb.entries,l2tlb.ways,trace,*) ;;
    *) fail "header starts with preset, the grid keys, trace: $header" ;;
esac
for column in instructions l1dtlb.load.misses l1dtlb.load.miss_rate l2tlb.total.mpki walks.count \
              walks.pte_reads_per_walk walks.latency.mean walks.latency.p50 walks.latency.p99 \
              walks.latency.max walk_cache.levels.l1.hit_rate cycles.translation_total; do
    echo ",$header," | grep -q ",$column," || fail "column $column missing"
done
ncols=$(echo "$header" | awk -F, '{print NF}')
[ "$(awk -F, -v n="$ncols" 'NF != n' "$csv" | wc -l)" -eq 0 ] || fail "every row has $ncols fields"
[ "$(cut -d, -f1-4 "$csv" | tail -n 4 | tr '\n' ' ')" = \
  "skylake,1024,8,small.mmt skylake,2048,8,small.mmt champsim,1024,8,small.mmt champsim,2048,8,small.mmt " ] ||
    fail "rows in SPEC order: $(cut -d, -f1-4 "$csv" | tr '\n' ' ')"
[ "$(count results/tiny/points '*.json')" -eq 4 ] || fail "4 point files"
[ "$(count results/tiny/points '*')" -eq 4 ] || fail "no temporary files left"

# a CSV cell equals the point's report: walks.count of champsim/2048
col=$(echo "$header" | tr ',' '\n' | grep -n '^walks\.count$' | cut -d: -f1)
csv_walks=$(sed -n 5p "$csv" | cut -d, -f"$col")
point=$(grep "preset champsim --set l2tlb.entries=2048" dry.txt | cut -f1)
json_walks=$(tr -d ' \n' < "results/tiny/points/$point.json" | sed 's/.*"walks":{"count":\([0-9]*\).*/\1/')
if [ -z "$csv_walks" ] || [ "$csv_walks" != "$json_walks" ]; then
    fail "walks.count $csv_walks = report's $json_walks"
fi

# a rerun runs nothing and writes the same bytes; a lost point is rerun alone
cp "$csv" first.csv
"$MMULAB" sweep tiny.json 2> run2.err || fail "rerun exit status"
grep -q "4 points (0 run now)" run2.err || fail "rerun runs nothing: $(cat run2.err)"
cmp -s first.csv "$csv" || fail "rerun gives a byte-identical results.csv"
rm "results/tiny/points/$point.json"
"$MMULAB" sweep tiny.json 2> run3.err || fail "third run exit status"
grep -q "4 points (1 run now)" run3.err || fail "only the lost point runs: $(cat run3.err)"
cmp -s first.csv "$csv" || fail "the lost point comes back identical"

# on a terminal (util-linux script makes one) a progress bar, unless --no-progress
if command -v script > /dev/null 2>&1; then
    rm "results/tiny/points/$point.json"
    script -qec "'$MMULAB' sweep tiny.json" /dev/null > tty.txt 2>&1 || fail "sweep on a terminal"
    grep -q "\[#*\.*\] 3/4 points  ETA --" tty.txt || fail "progress bar starts at 3/4: $(cat tty.txt)"
    grep -q "\[#*\] 4/4 points  ETA 0m00s" tty.txt || fail "progress bar ends at 4/4: $(cat tty.txt)"
    script -qec "'$MMULAB' sweep --no-progress tiny.json" /dev/null > tty.txt 2>&1
    if grep -q "points  ETA" tty.txt; then fail "--no-progress shows no bar"; fi
    cmp -s first.csv "$csv" || fail "results.csv unchanged after the terminal runs"
fi

# kill a sweep midway: what finished stays, the rerun runs only the rest
"$MMULAB" trace gen mix --records 1500000 --seed 8 big.mmt 2>/dev/null || fail "big trace"
cat > slow.json <<'SPEC'
{"name": "slow", "presets": "skylake", "grid": {"l1dtlb.entries": [16, 32, 64, 128, 256, 512]},
 "traces": "big.mmt", "out": "out/slow"}
SPEC
"$MMULAB" sweep --jobs 1 slow.json 2> /dev/null &
pid=$!
tries=0
while [ "$(count out/slow/points '*.json')" -lt 1 ] && [ $tries -lt 600 ]; do
    sleep 0.05
    tries=$((tries + 1))
done
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
sleep 0.2
kept=$(count out/slow/points '*.json')
echo "killed after $kept of 6 points" >&2
[ "$kept" -ge 1 ] || fail "a point finished before the kill"
[ ! -e out/slow/results.csv ] || [ "$kept" -eq 6 ] || fail "no results.csv from a killed sweep"
"$MMULAB" sweep slow.json 2> slow.err || fail "rerun after the kill: $(cat slow.err)"
grep -q "6 points ($((6 - kept)) run now)" slow.err || fail "kept $kept, rerun: $(cat slow.err)"
[ "$(wc -l < out/slow/results.csv)" -eq 7 ] || fail "slow results.csv has 6 rows"

# errors: one line, exit status 2
printf '{"name": "bad", "presets": ["skylake", "nope"], "traces": "small.mmt", "out": "out/bad"}' > bad_preset.json
"$MMULAB" sweep --jobs 1 bad_preset.json 2> err.txt
[ $? -eq 2 ] || fail "unknown preset exits 2"
grep -q '^mmulab sweep: point nope_small-[0-9a-f]*: unknown preset "nope"' err.txt ||
    fail "unknown preset names the point: $(cat err.txt)"
[ "$(wc -l < err.txt)" -eq 1 ] || fail "one error line: $(cat err.txt)"
[ "$(count out/bad/points 'skylake_small-*.json')" -eq 1 ] || fail "the good point is kept"
printf '{"name": "bad", "trace": "small.mmt"}' > bad_key.json
"$MMULAB" sweep bad_key.json 2> err.txt
[ $? -eq 2 ] || fail "unknown SPEC key exits 2"
grep -q '^mmulab sweep: bad_key.json: unknown key "trace"' err.txt || fail "bad key message: $(cat err.txt)"
printf '{"name": "bad", "traces": ["none-*.mmt"]}' > no_trace.json
"$MMULAB" sweep no_trace.json 2> err.txt
[ $? -eq 2 ] || fail "a glob matching nothing exits 2"
grep -q 'matches no file' err.txt || fail "no-match message: $(cat err.txt)"
printf '{"name": "bad", "traces": ["small.mmt"],\n "grid": {"l2tlb.entries": [1, 2,]}}' > syntax.json
"$MMULAB" sweep syntax.json 2> err.txt
[ $? -eq 2 ] || fail "a JSON syntax error exits 2"
grep -q '^mmulab sweep: syntax.json: line 2: ' err.txt || fail "syntax error names the line: $(cat err.txt)"
"$MMULAB" sweep --jobs 0 tiny.json 2> err.txt
[ $? -eq 2 ] || fail "--jobs 0 exits 2"
expect_error 2 "unknown option --frobnicate" --frobnicate tiny.json
expect_error 2 "one SPEC only" tiny.json slow.json
expect_error 2 "SPEC missing"
printf '{"name": "bad", "traces": "small.mmt", "out": "small.mmt/sub"}' > bad_out.json
expect_error 1 "cannot create small.mmt/sub/points" bad_out.json
"$MMULAB" sweep --help | grep -q "usage: mmulab sweep" || fail "--help prints the usage"

[ $failures -eq 0 ] && echo "sweep_grid: all checks passed"
exit $((failures != 0))
