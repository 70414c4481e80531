#!/usr/bin/env bash
# deps.sh — installs the Debian packages mmulab builds with, if any is
# missing. Sourced by scripts/test.sh and scripts/run.sh; safe to rerun.
set -euo pipefail

MMULAB_DEBS=(build-essential cmake pkg-config libgtest-dev googletest libcjson-dev gcovr
             zlib1g-dev libzstd-dev liblzma-dev valgrind python3 verilator libsystemc-dev yosys)

mmulab_install_deps() {
  local missing=()
  for p in "${MMULAB_DEBS[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "mmulab: installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
