#!/usr/bin/env bash
# `make test`: every stage CI runs, each timed, then one plain "N passed, N failed" line.
# Usage: scripts/test.sh [stage ...]   (stages: pytest sanity units smoke lint molecule; default: all)
# sanity, units and smoke run once per ansible-core version (nox sessions, noxfile.py); molecule once per Debian
# release for the scenarios in MOLECULE_MATRIX_SCENARIOS (scripts/lib.sh).
# With molecule and other stages, molecule's two lanes run in the background from the start while the other stages
# run one after another beside them (they share no state: other folders, other ports); each stage's output is then
# printed whole when it ends, so the lines of stages running at once do not interleave.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/docker-engine.sh"
source "$(dirname "$0")/stages.sh"

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(pytest sanity units smoke lint molecule)
for stage in "${stages[@]}"; do
  case "$stage" in
    pytest|sanity|units|smoke|lint|molecule) ;;
    *) die "unknown stage '$stage' (use pytest, sanity, units, smoke, lint or molecule)" ;;
  esac
done

mkdir -p "$WORK_DIR"
: > "$RESULTS_FILE"
total_start=$SECONDS
# shellcheck disable=SC2016  # the inner script expands $0 itself
run_stage setup bash -c 'source "$0/lib.sh"; set -e; ensure_venv; ensure_collections' "$(dirname "$0")" || {
  echo "0 passed, 1 failed"; exit 1; }
activate_env

status=0
molecule_pid=""
with_molecule=0
foreground=()
for stage in "${stages[@]}"; do
  if [ "$stage" = molecule ]; then with_molecule=1; else foreground+=("$stage"); fi
done
if [ "$with_molecule" -eq 1 ]; then
  if [ ${#foreground[@]} -gt 0 ]; then
    run_stage molecule stage_molecule &
    molecule_pid=$!
  else
    run_stage molecule stage_molecule || status=1
  fi
fi
for stage in "${foreground[@]}"; do
  if [ -n "$molecule_pid" ]; then
    run_stage_quietly "$stage" "stage_$stage" || status=1
  else
    run_stage "$stage" "stage_$stage" || status=1
  fi
done
if [ -n "$molecule_pid" ]; then wait "$molecule_pid" || status=1; fi

log "per stage (passed/failed):"
awk '{printf "    %-28s %4d passed %4d failed\n", $1, $2, $3}' "$RESULTS_FILE" >&2
log "total time $((SECONDS - total_start)) s"
read -r passed failed < <(awk '{p += $2; f += $3} END {print p + 0, f + 0}' "$RESULTS_FILE")
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
