#!/usr/bin/env bash
# make_traces.sh — regenerates the bundled real traces in traces/data/ with
# scripts/capture.sh, checks each with `mmulab trace stat`, and rewrites the
# table of traces/data/README.md from the results. Inputs are generated
# here, deterministically, so every run feeds the programs the same bytes.
set -euo pipefail

readonly SCRIPT=${0##*/}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
readonly MAX_BYTES=$((8 << 20))

usage() {
    cat <<EOF
usage: $SCRIPT [--mmulab PATH] [--out DIR] [NAME...]

Captures the bundled traces (all, or the NAMEs given: sqlite3 python3-dict
sort xz) into DIR (default traces/data) and regenerates DIR/README.md's
table. Each trace must stay within 8 MiB. Takes a few minutes: Valgrind
lackey runs about 1.5 M records/s.
EOF
}

die() {
    printf '%s: %s\n' "$SCRIPT" "$*" >&2
    exit 1
}

mmulab_bin=$REPO/build/mmulab
out_dir=$REPO/traces/data
names=()
while (($#)); do
    case $1 in
        --mmulab) (($# >= 2)) || die "--mmulab needs a path"; mmulab_bin=$2; shift 2 ;;
        --out) (($# >= 2)) || die "--out needs a directory"; out_dir=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) names+=("$1"); shift ;;
    esac
done
((${#names[@]})) || names=(sqlite3 python3-dict sort xz)
[[ -x $mmulab_bin ]] || die "mmulab binary $mmulab_bin not found; build it or give --mmulab PATH"
mkdir -p "$out_dir"

if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "$SCRIPT: sqlite3 is missing; installing it with apt-get" >&2
    sudo_cmd=()
    ((EUID == 0)) || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get install -y sqlite3 >&2 || die "could not install sqlite3"
fi

inputs=$(mktemp -d "${TMPDIR:-/tmp}/mmulab-make-traces.XXXXXX")
trap 'rm -rf "$inputs"' EXIT

# ---- inputs (awk's arithmetic is exact below 2^53; the LCG stays below 2^49)
cat >"$inputs/orders.sql" <<'EOF'
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, amount INTEGER, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)
INSERT INTO orders SELECT i, (i * 7919) % 400, (i * 104729) % 1000, 'order ' || (i * 31) FROM n;
CREATE INDEX orders_customer ON orders(customer);
SELECT customer, count(*), sum(amount) FROM orders GROUP BY customer ORDER BY sum(amount) DESC LIMIT 3;
SELECT count(*) FROM orders a JOIN orders b ON a.customer = b.customer AND a.id < b.id WHERE a.amount > 990;
EOF

# Web-server-like log lines: sort orders them, xz compresses them.
awk 'BEGIN {
    split("GET GET GET POST PUT DELETE", method, " ")
    split("item user cart order search static/css static/js", area, " ")
    split("200 200 200 200 304 404 500", status, " ")
    x = 12345
    for (i = 0; i < 20000; i++) {
        x = (x * 69069 + 1) % 4294967296; a = int(x / 65536)
        x = (x * 69069 + 1) % 4294967296; b = int(x / 65536)
        printf "10.%d.%d.%d - - [%02d:%02d:%02d] \"%s /api/%s/%d\" %s %d\n", \
            a % 256, b % 256, (a + b) % 256, (i / 3600) % 24, (i / 60) % 60, i % 60, \
            method[a % 6 + 1], area[b % 7 + 1], a % 5000, status[(a + b) % 7 + 1], b % 20000
    }
}' >"$inputs/access.log"
head -n 600 "$inputs/access.log" >"$inputs/access-600.log"

python_dict='d = {}
for i in range(5000):
    d[str(i)] = i
print(len(d), sum(d.values()))'

capture() {
    local name=$1 what=$2
    shift 2
    echo "$SCRIPT: capturing $name" >&2
    "$REPO/scripts/capture.sh" --mmulab "$mmulab_bin" --zstd --level 19 \
        --description "$what" -o "$out_dir/$name.mmt" "$@"
    local bytes
    bytes=$(stat -c %s "$out_dir/$name.mmt")
    ((bytes <= MAX_BYTES)) || die "$name.mmt is $bytes bytes, over the 8 MiB limit"
    "$mmulab_bin" trace stat "$out_dir/$name.mmt" >&2
}

for name in "${names[@]}"; do
    case $name in
        sqlite3)
            capture sqlite3 "sqlite3: build a 4000-row table and an index in a new database file, then a GROUP BY and an indexed self-join" \
                --stdin "$inputs/orders.sql" sqlite3 orders.db ;;
        python3-dict)
            capture python3-dict "CPython 3 (Debian's /usr/bin/python3, -S): start up, then build a 5000-entry str->int dict" \
                /usr/bin/python3 -S -c "$python_dict" ;;
        sort)
            capture sort "GNU sort: sort 20000 generated web-server log lines (C locale, one thread)" \
                --stdin "$inputs/access.log" sort --parallel=1 ;;
        xz)
            capture xz "xz -6: compress 600 generated web-server log lines (37 KB) to stdout, one thread" \
                --stdin "$inputs/access-600.log" xz -6 -T1 -c ;;
        *) die "unknown trace $name (known: sqlite3 python3-dict sort xz)" ;;
    esac
done

# ---- the README's table, from the traces themselves
table=$(mktemp "${TMPDIR:-/tmp}/mmulab-readme.XXXXXX")
{
    echo "| file | records | instructions | 4K pages | page crossings | size (bytes) | bytes/record |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for f in "$out_dir"/*.mmt; do
        # shellcheck disable=SC2016  # a Python program, not shell
        "$mmulab_bin" trace stat --json "$f" | /usr/bin/python3 -c '
import json, os, sys
s = json.load(sys.stdin)
print("| `%s` | %d | %d | %d | %d | %d | %.3f |" % (os.path.basename(s["file"]), s["records"],
      s["instructions"], s["pages"]["4k"], s["page_crossings"], s["file_bytes"],
      s["bytes_per_record"]))'
    done
} >"$table"
readme=$out_dir/README.md
if [[ -f $readme ]] && grep -q '^<!-- table -->$' "$readme"; then
    awk -v table="$table" '
        /^<!-- table -->$/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
        /^<!-- end table -->$/ { skip = 0 }
        !skip' "$readme" >"$readme.tmp"
    mv "$readme.tmp" "$readme"
    echo "$SCRIPT: updated the table in $readme" >&2
else
    echo "$SCRIPT: $readme has no '<!-- table -->' marker; the table is:" >&2
    cat "$table" >&2
fi
rm -f "$table"
