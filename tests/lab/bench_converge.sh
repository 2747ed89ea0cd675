#!/usr/bin/env bash
# Benchmark (printed, not asserted): wall time of the lab converge (tests/lab/playbooks/converge.yml) on 1 machine
# and on 3 machines, each on freshly booted machines. Usage: tests/lab/bench_converge.sh [counts...] (default 1 3)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LAB_WORK="${LAB_WORK:-$(cd "$HERE/../.." && pwd)/.work/lab}"
declare -a RESULTS=()
for count in "${@:-1 3}"; do
  for n in $count; do
    out="$(LAB_PREFIX="${LAB_PREFIX:-llobench}" "$HERE/run_scenario.sh" "$n" 2>&1)" || { echo "$out" | tail -n 20; exit 1; }
    seconds="$(echo "$out" | sed -nE 's/.*times: .*converge ([0-9]+) s idempotence ([0-9]+) s.*/\1 \2/p')"
    RESULTS+=("$n host(s): converge $(echo "$seconds" | cut -d' ' -f1) s, no-op re-run $(echo "$seconds" | cut -d' ' -f2) s")
  done
done
printf 'converge wall time (%s cores, load %s):\n' "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '  %s\n' "${RESULTS[@]}"
