#!/usr/bin/env bash
# plot.sh — draws the paper figures of a sweep: makes the Python venv
# build/venv (Debian's python3-venv is installed if venv is missing),
# installs scripts/requirements.txt into it once (again when the file
# changes), then runs scripts/plot.py with the arguments given, e.g.
#   scripts/plot.sh results/NAME/results.csv --one-pass onepass.csv --out figs/
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${MMULAB_VENV:-$root/build/venv}"
requirements="$root/scripts/requirements.txt"

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "plot.sh: installing Debian's python3-venv" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends python3-venv >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "plot.sh: creating $venv" >&2
  python3 -m venv "$venv"
fi
# the stamp holds the requirements it was installed from
stamp="$venv/.mmulab-requirements"
if ! cmp -s "$requirements" "$stamp"; then
  echo "plot.sh: installing $(grep -v '^#' "$requirements" | tr '\n' ' ')into $venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$stamp"
fi
exec "$venv/bin/python" "$root/scripts/plot.py" "$@"
