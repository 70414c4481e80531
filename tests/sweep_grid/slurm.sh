#!/bin/sh
# slurm.sh MMULAB WORKDIR — `mmulab sweep --backend slurm` against a real
# Slurm (docs/sweeps-grid.md, "Slurm"): installs Debian's slurm-wlm and
# munge when missing, starts munged, slurmctld and slurmd as a one-node
# cluster on localhost from a slurm.conf in a temporary directory, runs a
# 2 presets x 2 traces SPEC through it and checks that results.csv is byte
# for byte the local backend's, that a rerun submits nothing, --no-wait
# and a later collecting run, the throttle and partition options, a
# failing point and sbatch/squeue errors. The daemons are always stopped.
# Needs root; exit 77 (skipped) only when Slurm cannot be installed.
set -u
MMULAB=$1
WORK=$2
PATH=$PATH:/usr/sbin:/sbin
export PATH
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
skip() { echo "SKIP: $*" >&2; exit 77; }
# count DIR PATTERN: how many files in DIR match the glob PATTERN
count() {
    n=0
    for f in "$1"/$2; do
        [ -e "$f" ] && n=$((n + 1))
    done
    echo $n
}

[ "$(id -u)" -eq 0 ] || skip "needs root to run munged, slurmctld and slurmd"
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1

# ---- Slurm and munge from Debian -----------------------------------------
have_slurm() {
    for tool in sbatch squeue sinfo scontrol scancel slurmctld slurmd munged; do
        command -v $tool > /dev/null 2>&1 || return 1
    done
}
if ! have_slurm; then
    echo "installing slurm-wlm and munge" >&2
    apt_log=$WORK/apt.log
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends slurm-wlm munge > "$apt_log" 2>&1 ||
        { apt-get update -qq >> "$apt_log" 2>&1 &&
          apt-get install -y -qq --no-install-recommends slurm-wlm munge >> "$apt_log" 2>&1; } ||
        skip "apt-get cannot install slurm-wlm and munge: $(tail -n 1 "$apt_log")"
    have_slurm || skip "slurm-wlm installed but its tools are not on PATH"
fi

# ---- a one-node cluster in a temporary directory ----------------------------
# /tmp, not WORK: socket paths must stay under 108 bytes
C=$(mktemp -d /tmp/mmulab-slurm.XXXXXX) || exit 1
chmod 755 "$C"
# alive PID: running and not a zombie (the container's init may never reap
# the daemons, which detach from this shell)
alive() {
    state=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -c1)
    [ -n "$state" ] && [ "$state" != Z ]
}
stop_cluster() {
    if [ -f "$C/slurmctld.pid" ]; then
        scancel --quiet --user=root > /dev/null 2>&1
    fi
    for daemon in slurmd slurmctld munged; do
        pid=$(cat "$C/$daemon.pid" 2> /dev/null) || continue
        kill "$pid" 2> /dev/null || continue
        tries=0
        while alive "$pid" && [ $tries -lt 50 ]; do
            sleep 0.1
            tries=$((tries + 1))
        done
        kill -KILL "$pid" 2> /dev/null
    done
    rm -rf "$C"
}
trap stop_cluster EXIT
trap 'exit 1' INT TERM HUP

# two free TCP ports for slurmctld and slurmd, so runs never collide
port_busy() {
    hex=$(printf ':%04X ' "$1")
    grep -qi "$hex" /proc/net/tcp /proc/net/tcp6 2> /dev/null
}
port=$((20000 + $$ % 20000))
while port_busy $port || port_busy $((port + 1)); do
    port=$((port + 2))
    [ $port -lt 65000 ] || port=20000
done

dd if=/dev/urandom of="$C/munge.key" bs=128 count=1 2> /dev/null && chmod 400 "$C/munge.key"
# --force: munged refuses root and a socket in /tmp otherwise
munged --force --key-file="$C/munge.key" --socket="$C/munge.socket" --pid-file="$C/munged.pid" \
    --log-file="$C/munged.log" --seed-file="$C/munged.seed" 2> "$C/munged.err" ||
    { cat "$C/munged.err" "$C/munged.log" >&2; echo "munged does not start" >&2; exit 1; }

mkdir -p "$C/state" "$C/spool"
cat > "$C/slurm.conf" << EOF
# no systemd and no cgroup hierarchy of our own in a container: Linux
# process tracking by /proc, no task plugin; no accounting, so no slurmdbd
ClusterName=mmulabtest
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$C/munge.socket
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmctldLogFile=$C/slurmctld.log
SlurmdLogFile=$C/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
PartitionName=held Nodes=localhost MaxTime=INFINITE State=DOWN
EOF
SLURM_CONF=$C/slurm.conf
export SLURM_CONF
daemon_logs() {
    for log in munged.log slurmctld.log slurmd.log; do
        echo "---- $log" >&2
        tail -n 15 "$C/$log" >&2 2> /dev/null
    done
}
slurmctld 2> "$C/slurmctld.err" && slurmd -N localhost 2> "$C/slurmd.err" ||
    { cat "$C"/*.err >&2; daemon_logs; echo "slurmctld or slurmd does not start" >&2; exit 1; }
tries=0
until [ "$(sinfo --noheader --partition=debug --format=%T 2> /dev/null)" = idle ]; do
    tries=$((tries + 1))
    if [ $tries -gt 60 ]; then
        sinfo >&2
        daemon_logs
        echo "the node never became idle" >&2
        exit 1
    fi
    sleep 0.5
done
echo "cluster up on ports $port and $((port + 1))" >&2

# ---- the sweep ---------------------------------------------------------------
# a space in the path: array.sbatch must quote its paths
S="$WORK/study dir"
mkdir -p "$S" && cd "$S" || exit 1
"$MMULAB" trace gen mix --records 100000 --seed 11 a.mmt 2> /dev/null &&
    "$MMULAB" trace gen zipf --records 100000 --seed 12 b.mmt 2> /dev/null ||
    { echo "trace gen failed" >&2; exit 1; }
cat > duo.json << 'SPEC'
{"name": "duo", "presets": ["skylake", "zen2"], "traces": ["a.mmt", "b.mmt"]}
SPEC
sed 's/"traces"/"out": "results\/duo-local", "traces"/' duo.json > duo-local.json
"$MMULAB" sweep --jobs 2 duo-local.json 2> local.err || fail "local sweep: $(cat local.err)"
"$MMULAB" sweep --dry-run duo.json | cut -f1 | tail -n +2 > ids.txt

slurm_dir=results/duo/slurm
"$MMULAB" sweep --backend slurm --slurm-time 00:05:00 duo.json 2> run1.err ||
    fail "slurm sweep exit status: $(cat run1.err)"
cat run1.err >&2
job=$(sed -n 's/^mmulab sweep: Slurm job \([0-9]*\): 4 points as array tasks 0-3 of .*/\1/p' run1.err)
[ -n "$job" ] || fail "the sweep submits one array of 4 tasks: $(cat run1.err)"
grep -q "^mmulab sweep: 4 points (4 run now) -> results/duo/results.csv$" run1.err ||
    fail "the sweep collects 4 points: $(cat run1.err)"
grep -q '^#SBATCH --array=0-3$' $slurm_dir/array.sbatch || fail "array.sbatch asks for tasks 0-3"
grep -q '^#SBATCH --time=00:05:00$' $slurm_dir/array.sbatch || fail "array.sbatch has --time"
cmp -s ids.txt $slurm_dir/points.txt || fail "points.txt lists the pending ids in SPEC order"
[ "$(count $slurm_dir/logs "${job}_*.out")" -eq 4 ] || fail "Slurm wrote a log for each of 4 tasks"
[ ! -e $slurm_dir/job ] || fail "a collected job is forgotten"
[ -z "$(squeue --noheader --jobs="$job" 2> /dev/null)" ] || fail "job $job left the queue"
cmp results/duo-local/results.csv results/duo/results.csv ||
    fail "results.csv from Slurm is byte for byte the local one"

# a rerun submits nothing and writes the same bytes
cp $slurm_dir/array.sbatch first.sbatch
"$MMULAB" sweep --backend slurm duo.json 2> run2.err || fail "rerun exit status: $(cat run2.err)"
grep -q "^mmulab sweep: 4 points (0 run now)" run2.err || fail "rerun runs nothing: $(cat run2.err)"
if grep -q "Slurm job" run2.err; then fail "rerun submits nothing: $(cat run2.err)"; fi
cmp -s first.sbatch $slurm_dir/array.sbatch || fail "rerun leaves array.sbatch alone"
[ "$(count $slurm_dir/logs '*.out')" -eq 4 ] || fail "rerun starts no task"
cmp -s results/duo-local/results.csv results/duo/results.csv || fail "rerun's results.csv"

# --no-wait into a partition that is down: the job waits in the queue;
# meanwhile nothing else is submitted and a squeue failure is one line
rm results/duo/points/skylake_b-*.json results/duo/points/zen2_a-*.json
grep -e '^skylake_b-' -e '^zen2_a-' ids.txt > lost.txt
"$MMULAB" sweep --backend slurm --no-wait --slurm-partition held --slurm-max-parallel 1 \
    duo.json 2> nowait.err || fail "--no-wait exit status: $(cat nowait.err)"
held=$(sed -n 's/^mmulab sweep: Slurm job \([0-9]*\): 2 points as array tasks 0-1 of .*/\1/p' nowait.err)
[ -n "$held" ] || fail "--no-wait submits the 2 lost points: $(cat nowait.err)"
grep -q "not waiting; \`mmulab sweep duo.json\` collects" nowait.err || fail "--no-wait says how to collect"
[ "$(cat $slurm_dir/job 2> /dev/null)" = "$held" ] || fail "job $held is recorded"
cmp -s lost.txt $slurm_dir/points.txt || fail "points.txt lists just the lost points"
grep -q '^#SBATCH --array=0-1%1$' $slurm_dir/array.sbatch || fail "array.sbatch throttles to 1"
grep -q '^#SBATCH --partition=held$' $slurm_dir/array.sbatch || fail "array.sbatch names the partition"
"$MMULAB" sweep --backend slurm --no-wait duo.json 2> again.err || fail "second --no-wait exit status"
grep -q "^mmulab sweep: Slurm job $held is not finished: 0 of its 2 points done (0 running, 2 queued)" again.err ||
    fail "a second --no-wait reports the job in flight: $(cat again.err)"
if grep -q "array tasks" again.err; then fail "nothing new is submitted while job $held runs"; fi
mkdir -p fake
printf '#!/bin/sh\necho "squeue: error: controller on holiday" >&2\nexit 1\n' > fake/squeue
chmod +x fake/squeue
PATH="$S/fake:$PATH" "$MMULAB" sweep duo.json 2> fake.err
[ $? -eq 1 ] || fail "a squeue failure exits 1"
grep -q "^mmulab sweep: squeue: controller on holiday$" fake.err || fail "squeue's message: $(cat fake.err)"
[ -e $slurm_dir/job ] || fail "the job stays recorded after a squeue failure"

# a later plain `mmulab sweep SPEC` (local backend) collects, with a bar
collect() { "$MMULAB" sweep duo.json 2> collect.err; echo $? > collect.rc; }
if command -v script > /dev/null 2>&1; then
    collect() { script -qec "'$MMULAB' sweep duo.json" /dev/null > collect.err 2>&1; echo $? > collect.rc; }
fi
: > collect.err
collect &
collector=$!
# release the partition once the collector has seen the job queued
tries=0
while ! grep -q "queued" collect.err && [ $tries -lt 100 ] && kill -0 $collector 2> /dev/null; do
    sleep 0.2
    tries=$((tries + 1))
done
scontrol update PartitionName=held State=UP || fail "scontrol cannot bring the partition up"
wait $collector
[ "$(cat collect.rc)" = 0 ] || fail "collecting exit status: $(cat collect.err)"
grep -q "mmulab sweep: 4 points (2 run now) -> results/duo/results.csv" collect.err ||
    fail "the later sweep collects the 2 points: $(cat collect.err)"
if grep -q "array tasks" collect.err; then fail "collecting submits nothing"; fi
if command -v script > /dev/null 2>&1; then
    grep -q "\[#*\.*\] 2/4 points  ETA --  0 running, 2 queued" collect.err ||
        fail "the bar starts at 2/4 with the queue: $(cat collect.err)"
    grep -q "\[#*\] 4/4 points  ETA 0m00s  job $held finished" collect.err ||
        fail "the bar ends at 4/4: $(cat collect.err)"
fi
[ "$(count $slurm_dir/logs "${held}_*.out")" -eq 2 ] || fail "job $held ran 2 tasks"
[ ! -e $slurm_dir/job ] || fail "the collected job is forgotten"
cmp -s results/duo-local/results.csv results/duo/results.csv || fail "collected results.csv"

# a point that fails in its array task: its own one-line message, exit 1
cat > bad.json << 'SPEC'
{"name": "bad", "presets": ["skylake", "nope"], "traces": "a.mmt"}
SPEC
"$MMULAB" sweep --backend slurm --no-progress bad.json 2> bad.err
[ $? -eq 1 ] || fail "a failed array task exits 1"
grep -q '^mmulab sweep: point nope_a-[0-9a-f]*: unknown preset "nope"' bad.err ||
    fail "the failed point's message: $(cat bad.err)"
[ "$(grep -c "^mmulab sweep: point " bad.err)" -eq 1 ] || fail "one line for the failed point: $(cat bad.err)"
[ "$(count results/bad/points 'skylake_a-*.json')" -eq 1 ] || fail "the good point is kept"
[ ! -e results/bad/results.csv ] || fail "no results.csv while a point failed"
[ ! -e results/bad/slurm/job ] || fail "the failed job is forgotten too"

# sbatch's own message, on one line
printf '{"name": "err", "presets": "skylake", "traces": "a.mmt"}' > err.json
"$MMULAB" sweep --backend slurm --slurm-partition nope err.json 2> err.txt
[ $? -eq 1 ] || fail "a refused submission exits 1"
grep -q '^mmulab sweep: sbatch: invalid partition specified: nope; Batch job submission failed: Invalid partition name specified$' err.txt ||
    fail "sbatch's message: $(cat err.txt)"
[ "$(wc -l < err.txt)" -eq 1 ] || fail "one line: $(cat err.txt)"
[ ! -e results/err/slurm/job ] || fail "no job recorded when sbatch refuses"
"$MMULAB" sweep --backend slurm --slurm-time 1:00:00x err.json 2> err.txt
grep -q '^mmulab sweep: sbatch: Invalid --time specification$' err.txt || fail "bad --time: $(cat err.txt)"
PATH=/nonexistent "$MMULAB" sweep --backend slurm err.json 2> err.txt
[ $? -eq 1 ] || fail "no sbatch exits 1"
grep -q '^mmulab sweep: cannot run sbatch: No such file or directory$' err.txt || fail "no sbatch: $(cat err.txt)"

if [ $failures -ne 0 ]; then
    daemon_logs
    exit 1
fi
echo "sweep_slurm: all checks passed"
