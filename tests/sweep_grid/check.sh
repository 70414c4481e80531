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

# the Slurm backend's options need no cluster to be refused (slurm.sh runs
# the backend itself): one line, exit 2
expect_error 2 "--backend takes local or slurm" --backend pbs tiny.json
expect_error 2 "--no-wait is for --backend slurm" --no-wait tiny.json
expect_error 2 "--slurm-partition is for --backend slurm" --slurm-partition debug tiny.json
expect_error 2 "--jobs is for --backend local" --backend slurm --jobs 2 tiny.json
expect_error 2 "--slurm-max-parallel needs a number from 1" --backend slurm --slurm-max-parallel 0 tiny.json
expect_error 2 '--slurm-time needs a value of letters, digits and . _ - , : (got "1:00 x")' \
    --backend slurm --slurm-time "1:00 x" tiny.json

# an array task run by hand, as array.sbatch runs it on a node: the point on
# line $SLURM_ARRAY_TASK_ID+1 of the list, written like a local run's
cp "results/tiny/points/$point.json" point.json
rm "results/tiny/points/$point.json"
printf 'not-a-point\n%s\n' "$point" > list.txt
SLURM_ARRAY_TASK_ID=1 "$MMULAB" sweep --slurm-task list.txt tiny.json 2> err.txt || fail "array task: $(cat err.txt)"
cmp -s point.json "results/tiny/points/$point.json" || fail "the array task writes the point's report"
[ "$(count results/tiny/points '*')" -eq 4 ] || fail "the array task leaves no temporary file"
SLURM_ARRAY_TASK_ID=1 "$MMULAB" sweep --slurm-task list.txt tiny.json 2> err.txt || fail "array task on a done point"
[ ! -s err.txt ] || fail "a done point is not run again: $(cat err.txt)"
for bad_task in "0:point not-a-point: not in the SPEC any more" "2:array task 2: list.txt has 2 points" \
                "x:SLURM_ARRAY_TASK_ID is not a number"; do
    SLURM_ARRAY_TASK_ID=${bad_task%%:*} "$MMULAB" sweep --slurm-task list.txt tiny.json 2> err.txt
    [ $? -eq 2 ] || fail "task ${bad_task%%:*} exits 2"
    grep -q "${bad_task#*:}" err.txt || fail "task ${bad_task%%:*}: $(cat err.txt)"
done
(unset SLURM_ARRAY_TASK_ID; "$MMULAB" sweep --slurm-task list.txt tiny.json 2> err.txt)
grep -q "SLURM_ARRAY_TASK_ID is not set" err.txt || fail "task outside Slurm: $(cat err.txt)"
"$MMULAB" sweep --dry-run bad_preset.json | grep -o '^nope_small-[0-9a-f]*' > bad_list.txt
SLURM_ARRAY_TASK_ID=0 "$MMULAB" sweep --slurm-task bad_list.txt bad_preset.json 2> err.txt
[ $? -eq 2 ] || fail "a task whose point is misconfigured exits 2"
grep -q '^mmulab sweep: point nope_small-[0-9a-f]*: unknown preset "nope"' err.txt ||
    fail "the task says why, as the local backend does: $(cat err.txt)"

# following a recorded job with a stand-in squeue: an error keeps the
# record; a job gone from the queue is collected and its lost points named
mkdir -p results/tiny/slurm/logs fake
printf '42;cluster\n' > results/tiny/slurm/job
printf 'not-a-point\n%s\ntimed-out\nvanished\n' "$point" > results/tiny/slurm/points.txt
printf 'mmulab sweep: point not-a-point: it went wrong\n' > results/tiny/slurm/logs/42_0.out
printf 'slurmstepd: error: *** JOB 44 CANCELLED DUE TO TIME LIMIT ***\n\n' > results/tiny/slurm/logs/42_2.out
PATH=/nonexistent "$MMULAB" sweep tiny.json 2> err.txt
[ $? -eq 1 ] || fail "no squeue exits 1"
grep -q '^mmulab sweep: cannot run squeue: No such file or directory$' err.txt || fail "no squeue: $(cat err.txt)"
grep -q 'Slurm job 42 stays recorded in results/tiny/slurm/job' err.txt || fail "record kept: $(cat err.txt)"
printf '#!/bin/sh\necho "slurm_load_jobs error: Invalid job id specified" >&2\nexit 1\n' > fake/squeue
chmod +x fake/squeue
PATH="$WORK/fake:$PATH" "$MMULAB" sweep tiny.json 2> err.txt
[ $? -eq 1 ] || fail "a job that lost a point exits 1"
[ "$(cat err.txt)" = "mmulab sweep: point not-a-point: it went wrong
mmulab sweep: point timed-out: Slurm task 42_2 left no report: slurmstepd: error: *** JOB 44 CANCELLED DUE TO TIME LIMIT ***
mmulab sweep: point vanished: Slurm task 42_3 left no report and no log (results/tiny/slurm/logs/42_3.out)" ] ||
    fail "each lost point named with its log's last line: $(cat err.txt)"
[ ! -e results/tiny/slurm/job ] || fail "a job gone from the queue is forgotten"
"$MMULAB" sweep tiny.json 2> err.txt || fail "sweep after the job: $(cat err.txt)"
grep -q "4 points (0 run now)" err.txt || fail "nothing left to run: $(cat err.txt)"
cmp -s first.csv "$csv" || fail "results.csv unchanged by the array task"

# the whole Slurm flow with stand-ins for sbatch and squeue, the array
# tasks run by hand as Slurm would run array.sbatch
sed 's/"name": "tiny",/"name": "tiny", "out": "out\/fake",/' tiny.json > fake.json
printf '#!/bin/sh\necho "$@" > "$0.args"\necho "77;fakecluster"\n' > fake/sbatch
printf '#!/bin/sh\nprintf "RUNNING\\nPENDING\\n"\n' > fake/squeue
chmod +x fake/sbatch fake/squeue
PATH="$WORK/fake:$PATH" "$MMULAB" sweep --backend slurm --no-wait --slurm-max-parallel 3 \
    --slurm-partition short --slurm-time 10 fake.json 2> err.txt || fail "fake submission: $(cat err.txt)"
grep -q '^mmulab sweep: Slurm job 77: 4 points as array tasks 0-3 of out/fake/slurm/array.sbatch$' err.txt ||
    fail "fake submission: $(cat err.txt)"
[ "$(cat fake/sbatch.args)" = "--parsable out/fake/slurm/array.sbatch" ] || fail "sbatch args: $(cat fake/sbatch.args)"
for line in '--array=0-3%3' '--partition=short' '--time=10' "--chdir=\"$WORK\"" \
            "--output=\"$WORK/out/fake/slurm/logs/%A_%a.out\""; do
    grep -qxF "#SBATCH $line" out/fake/slurm/array.sbatch || fail "array.sbatch has #SBATCH $line"
done
[ "$(cat out/fake/slurm/job)" = 77 ] || fail "job 77 recorded"
PATH="$WORK/fake:$PATH" "$MMULAB" sweep --backend slurm --no-wait fake.json 2> err.txt || fail "second --no-wait"
grep -q '^mmulab sweep: Slurm job 77 is not finished: 0 of its 4 points done (1 running, 1 queued); `mmulab sweep fake.json` again collects$' err.txt ||
    fail "job in flight: $(cat err.txt)"
for task in 0 1 2 3; do
    SLURM_ARRAY_TASK_ID=$task sh out/fake/slurm/array.sbatch || fail "array task $task"
done
printf '#!/bin/sh\n' > fake/squeue
PATH="$WORK/fake:$PATH" "$MMULAB" sweep fake.json 2> err.txt || fail "collecting: $(cat err.txt)"
grep -q "4 points (0 run now) -> out/fake/results.csv" err.txt || fail "collected: $(cat err.txt)"
cmp -s first.csv out/fake/results.csv || fail "results.csv of the array tasks equals the local one"
[ ! -e out/fake/slurm/job ] || fail "collected job forgotten"

# more lost points than are named; bad records; sbatch without a job id
seq 1 12 | sed 's/^/lost-/' > out/fake/slurm/points.txt
echo 5 > out/fake/slurm/job
PATH="$WORK/fake:$PATH" "$MMULAB" sweep fake.json 2> err.txt
[ "$(grep -c 'left no report and no log' err.txt)" -eq 10 ] || fail "10 lost points named: $(cat err.txt)"
grep -q '^mmulab sweep: 2 more points of Slurm job 5 left no report (logs in out/fake/slurm/logs)$' err.txt ||
    fail "the rest counted: $(cat err.txt)"
echo junk > out/fake/slurm/job
"$MMULAB" sweep fake.json 2> err.txt
grep -q '^mmulab sweep: out/fake/slurm/job holds no job id; delete it' err.txt || fail "junk record: $(cat err.txt)"
echo 6 > out/fake/slurm/job
rm out/fake/slurm/points.txt
"$MMULAB" sweep fake.json 2> err.txt
grep -q '^mmulab sweep: cannot read out/fake/slurm/points.txt: No such file' err.txt || fail "no list: $(cat err.txt)"
rm out/fake/slurm/job out/fake/points/*.json
printf '#!/bin/sh\necho "Submitted batch job 12"\n' > fake/sbatch
PATH="$WORK/fake:$PATH" "$MMULAB" sweep --backend slurm fake.json 2> err.txt
[ $? -eq 1 ] || fail "sbatch without a job id exits 1"
grep -q '^mmulab sweep: sbatch printed no job id: "Submitted batch job 12"$' err.txt || fail "no id: $(cat err.txt)"
printf '#!/bin/sh\nexit 3\n' > fake/sbatch
PATH="$WORK/fake:$PATH" "$MMULAB" sweep --backend slurm fake.json 2> err.txt
grep -q '^mmulab sweep: sbatch: failed without a message$' err.txt || fail "silent sbatch: $(cat err.txt)"
mkdir -p 'q"dir' && cp small.mmt tiny.json 'q"dir/'
(cd 'q"dir' && PATH="$WORK/fake:$PATH" "$MMULAB" sweep --backend slurm tiny.json 2> ../err.txt)
[ $? -eq 2 ] || fail "a directory an #SBATCH line cannot carry exits 2"
grep -q "^mmulab sweep: chdir cannot go on an #SBATCH line" err.txt || fail "quote in the path: $(cat err.txt)"
SLURM_ARRAY_TASK_ID=0 "$MMULAB" sweep --slurm-task no-list.txt tiny.json 2> err.txt
[ $? -eq 1 ] || fail "a task without its list exits 1"
grep -q '^mmulab sweep: cannot read no-list.txt' err.txt || fail "task without list: $(cat err.txt)"

[ $failures -eq 0 ] && echo "sweep_grid: all checks passed"
exit $((failures != 0))
