#!/usr/bin/env bash
# capture.sh — runs a real program under Valgrind lackey and streams its
# memory accesses straight into a native mmulab trace (no lackey text on
# disk). The run is made repeatable: ASLR off, a fixed minimal environment,
# a fixed empty working directory, stdin/stdout/stderr redirected. With
# --cachegrind the same run goes through cachegrind instead, so the
# cross-check (docs/validation.md) compares two runs made the same way.
set -euo pipefail

readonly SCRIPT=${0##*/}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
# The environment every captured program sees, and nothing else.
readonly CAPTURE_ENV=(PATH=/usr/bin:/bin LC_ALL=C PYTHONHASHSEED=0)

usage() {
    cat <<EOF
usage: $SCRIPT [options] PROGRAM [ARGS...]

Runs PROGRAM under valgrind --tool=lackey --trace-mem=yes and converts the
access stream on the fly with 'mmulab trace convert --from lackey'.

  -o OUTPUT            trace to write (default: PROGRAM's base name + .mmt)
  --zstd               zstd-compressed trace (default gzip)
  --level N            compression level: 1-9 (gzip), 1-19 (zstd); default the converter's
  --mmulab PATH        the mmulab binary (default: build/mmulab in the repository)
  --max-records N      stop after N access records (valgrind is then stopped)
  --description TEXT   text for the trace header; the capture command is always added
  --stdin FILE         the program's standard input (default /dev/null)
  --stdout FILE        keep the program's standard output in FILE
  --workdir DIR        the empty working directory to run in (default
                       \${TMPDIR:-/tmp}/mmulab-capture/cwd, emptied first; captures
                       using the default wait for each other)
  --any-status         accept any exit status of PROGRAM (default: non-zero fails)
  --valgrind-opt OPT   extra option for valgrind (repeatable)
  --cachegrind FILE    instead of a trace, run the same way under
                       valgrind --tool=cachegrind --cache-sim=yes and write its
                       output file to FILE (give --I1/--D1/--LL with --valgrind-opt)
  -h, --help           this text

The program runs as
  setarch \$(uname -m) -R env -i ${CAPTURE_ENV[*]} valgrind ... PROGRAM ARGS
in the working directory, with stdin, stdout and stderr redirected. A
PROGRAM without a slash is looked up in /usr/bin:/bin. Valgrind's own '=='
lines go to a log, shown if the capture fails. Processes the program starts
run untraced (Valgrind's default). valgrind is installed with apt-get when
missing.
EOF
}

die() {
    printf '%s: %s\n' "$SCRIPT" "$*" >&2
    exit 1
}

ORIG_ARGV=("$@")
output='' zstd='' level='' mmulab_bin='' max_records='' description=''
stdin_file=/dev/null stdout_file='' workdir='' any_status='' cachegrind_out=''
valgrind_opts=()
while (($#)); do
    case $1 in
        -o) (($# >= 2)) || die "-o needs a file name"; output=$2; shift 2 ;;
        --zstd) zstd=1; shift ;;
        --level)
            (($# >= 2)) || die "--level needs a number"
            [[ $2 =~ ^[1-9][0-9]?$ ]] || die "--level: \"$2\" is not a level (1-19)"
            level=$2; shift 2 ;;
        --mmulab) (($# >= 2)) || die "--mmulab needs a path"; mmulab_bin=$2; shift 2 ;;
        --max-records)
            (($# >= 2)) || die "--max-records needs a number"
            [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--max-records: \"$2\" is not a positive integer"
            max_records=$2; shift 2 ;;
        --description) (($# >= 2)) || die "--description needs text"; description=$2; shift 2 ;;
        --stdin) (($# >= 2)) || die "--stdin needs a file"; stdin_file=$2; shift 2 ;;
        --stdout) (($# >= 2)) || die "--stdout needs a file"; stdout_file=$2; shift 2 ;;
        --workdir) (($# >= 2)) || die "--workdir needs a directory"; workdir=$2; shift 2 ;;
        --any-status) any_status=1; shift ;;
        --valgrind-opt) (($# >= 2)) || die "--valgrind-opt needs an option"; valgrind_opts+=("$2"); shift 2 ;;
        --cachegrind) (($# >= 2)) || die "--cachegrind needs a file"; cachegrind_out=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) break ;;
    esac
done
(($#)) || { usage >&2; exit 2; }

# The recorded command line: this script's arguments, shell-quoted, minus the
# description (it is the header's own text) and the output paths (the
# converter records its own), with --stdin reduced to the file's base name
# (its digest is recorded next to it).
recorded_args() {
    local skip_next='' base_next='' a
    local out=()
    for a in "${ORIG_ARGV[@]}"; do
        if [[ -n $skip_next ]]; then skip_next=; continue; fi
        if [[ -n $base_next ]]; then base_next=; a=${a##*/}; fi
        case $a in
            --description|-o|--mmulab|--stdout|--workdir) skip_next=1; continue ;;
            --stdin) base_next=1 ;;
        esac
        out+=("$(printf '%q' "$a")")
    done
    printf '%s' "${out[*]}"
}

program=$1
shift
if [[ $program != */* ]]; then
    resolved=$(PATH=/usr/bin:/bin type -P -- "$program") || die "$program: not found in /usr/bin:/bin"
    program=$resolved
fi
[[ $program == /* ]] || program=$PWD/$program  # the program runs in another directory
[[ -x $program && -f $program ]] || die "$program: not an executable file"
[[ -r $stdin_file ]] || die "--stdin $stdin_file: cannot read it"

if ! command -v valgrind >/dev/null 2>&1; then
    echo "$SCRIPT: valgrind is missing; installing it with apt-get" >&2
    sudo_cmd=()
    ((EUID == 0)) || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get install -y valgrind >&2 || die "could not install valgrind (apt-get install valgrind)"
fi
valgrind_version=$(valgrind --version)

if [[ -z $cachegrind_out ]]; then
    [[ -n $output ]] || output=${program##*/}.mmt
    [[ -n $mmulab_bin ]] || mmulab_bin=$REPO/build/mmulab
    [[ -x $mmulab_bin ]] || die "mmulab binary $mmulab_bin not found; build it or give --mmulab PATH"
else
    [[ -z $output && -z $zstd && -z $level && -z $max_records && -z $description ]] ||
        die "--cachegrind writes no trace: -o, --zstd, --level, --max-records and --description do not apply"
fi

# Scratch space for the logs and the FIFO; the working directory is fixed
# by default, so that captures of one program see the same getcwd().
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mmulab-capture.XXXXXX")
valgrind_pid=
cleanup() {
    if [[ -n $valgrind_pid ]] && kill -0 "$valgrind_pid" 2>/dev/null; then
        kill "$valgrind_pid" 2>/dev/null || true
        wait "$valgrind_pid" 2>/dev/null || true
    fi
    rm -rf "$scratch"
    if [[ -n ${owned_workdir:-} ]]; then rm -rf "$owned_workdir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z $workdir ]]; then
    lock_root=${TMPDIR:-/tmp}/mmulab-capture
    mkdir -p "$lock_root"
    exec 9>"$lock_root/lock"
    flock 9
    workdir=$lock_root/cwd
    rm -rf "$workdir"
    mkdir "$workdir"
    owned_workdir=$workdir
elif [[ -e $workdir ]]; then
    [[ -d $workdir && -z $(ls -A "$workdir") ]] || die "--workdir $workdir: not an empty directory"
else
    mkdir -p "$workdir"
    owned_workdir=$workdir
fi
workdir=$(cd "$workdir" && pwd)

vg_log=$scratch/valgrind.log
prog_out=$scratch/stdout
prog_err=$scratch/stderr
launch=(setarch "$(uname -m)" -R env -i "${CAPTURE_ENV[@]}" valgrind)

show_logs() {
    local f
    for f in "$vg_log" "$prog_err"; do
        if [[ -s $f ]]; then
            printf '%s: last lines of %s:\n' "$SCRIPT" "$([[ $f == "$vg_log" ]] && echo "valgrind's log" || echo "the program's stderr")" >&2
            tail -n 8 "$f" | sed 's/^/    /' >&2
        fi
    done
}

keep_stdout() {
    if [[ -n $stdout_file ]]; then cp "$prog_out" "$stdout_file"; fi
}

# ---- cachegrind: the same run, counted by cachegrind's cache simulator
if [[ -n $cachegrind_out ]]; then
    cg_file=$scratch/cachegrind.out
    set +e
    (cd "$workdir" && exec "${launch[@]}" --tool=cachegrind --cache-sim=yes \
        --cachegrind-out-file="$cg_file" --log-file="$vg_log" "${valgrind_opts[@]}" \
        "$program" "$@") <"$stdin_file" >"$prog_out" 2>"$prog_err"
    status=$?
    set -e
    if ((status != 0)) && [[ -z $any_status ]]; then
        show_logs
        die "${program##*/} exited with status $status under cachegrind"
    fi
    [[ -s $cg_file ]] || { show_logs; die "cachegrind wrote no output file"; }
    cp "$cg_file" "$cachegrind_out"
    keep_stdout
    exit 0
fi

# ---- lackey: stream the trace through a FIFO into the converter
fifo=$scratch/lackey.fifo
mkfifo "$fifo"
stdin_note=/dev/null
if [[ $stdin_file != /dev/null ]]; then
    stdin_note="${stdin_file##*/} sha256:$(sha256sum <"$stdin_file" | cut -c1-16)"
fi
header="captured by scripts/capture.sh $(recorded_args) [${valgrind_version} lackey, setarch -R, env -i ${CAPTURE_ENV[*]}, empty cwd, stdin ${stdin_note}]"
[[ -n $description ]] && header="$description; $header"

(cd "$workdir" && exec "${launch[@]}" --tool=lackey --trace-mem=yes --log-fd=3 \
    "${valgrind_opts[@]}" "$program" "$@") 3>"$fifo" <"$stdin_file" >"$prog_out" 2>"$prog_err" &
valgrind_pid=$!

convert=("$mmulab_bin" trace convert --from lackey --description "$header")
[[ -n $zstd ]] && convert+=(--zstd)
[[ -n $level ]] && convert+=(--level "$level")
convert+=(- "$output")

# Valgrind writes its own messages and lackey's trace to the same log
# descriptor: '==' lines go to the log file, the rest to the converter. The
# filter exits with status 3 once --max-records records have passed.
set +e
awk -v max="${max_records:-0}" -v logfile="$vg_log" '
    /^==/ { print > logfile; next }
    { print; if (max && ++n >= max) exit 3 }
' <"$fifo" | "${convert[@]}"
pipe_status=("${PIPESTATUS[@]}")
set -e
filter_status=${pipe_status[0]} convert_status=${pipe_status[1]}

stopped_early=
if ((filter_status == 3)); then
    stopped_early=1
    kill "$valgrind_pid" 2>/dev/null || true
fi
set +e
wait "$valgrind_pid"
status=$?
set -e
valgrind_pid=

if ((convert_status != 0)); then
    show_logs
    die "mmulab trace convert failed (status $convert_status); $output not written"
fi
if ((filter_status != 0 && filter_status != 3)); then
    rm -f "$output"
    die "the log filter failed (status $filter_status); $output removed"
fi
if [[ -z $stopped_early ]] && ((status != 0)) && [[ -z $any_status ]]; then
    show_logs
    rm -f "$output"
    die "${program##*/} exited with status $status under lackey; $output removed (--any-status keeps it)"
fi
keep_stdout
if [[ -n $stopped_early ]]; then
    echo "$SCRIPT: stopped ${program##*/} after $max_records records; wrote $output" >&2
else
    echo "$SCRIPT: ${program##*/} exited with status $status; wrote $output" >&2
fi
