# shellcheck shell=bash
# The stages of `make test`. Each stage appends "<stage> <passed> <failed>" to $RESULTS_FILE. Source after lib.sh.

RESULTS_FILE="${RESULTS_FILE:-$WORK_DIR/results.txt}"

record() { echo "$1 $2 $3" >> "$RESULTS_FILE"; }

# Records a stage's counts from pytest junit XML files.
record_junit() {
  local stage="$1" passed failed; shift
  read -r passed failed < <(junit_counts "$@")
  record "$stage" "$passed" "$failed"
}

# Prints "passed failed" counted from pytest junit XML files.
junit_counts() {
  "$VENV_DIR/bin/python" - "$@" <<'PY'
import sys
import xml.etree.ElementTree as ET
passed = failed = 0
for path in sys.argv[1:]:
    for case in ET.parse(path).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            failed += 1
        elif "skipped" not in kinds:
            passed += 1
print(passed, failed)
PY
}

# Each test folder is its own pytest session: tests/unit and tests/functional both mirror plugins/, so file names
# repeat. PYTEST_ARGS, when set, replaces the folders with one session on exactly those arguments.
stage_pytest() {
  local rc=0 xmls=() sessions=() session xml index=0 d deselect
  # getfacl/setfacl for tests/functional/test_ollama_native_models_dir.py (root only: it skips without root).
  [ "$(id -u)" -ne 0 ] || command -v setfacl >/dev/null || install_host_packages acl
  if [ -n "${PYTEST_ARGS:-}" ]; then
    sessions=("$PYTEST_ARGS")
  else
    # tests/unit runs in stage units, under every ansible-core (ansible-test units), not here a second time; the
    # smoke tests (tests/smoke.txt) run in stage smoke, under every ansible-core, the newest included.
    # tests/smoke.txt read as noxfile.py reads it: one node id a line, comments and blank lines skipped.
    deselect="$(grep -Ev '^[[:space:]]*(#|$)' "$REPO_ROOT/tests/smoke.txt" | sed 's/^/ --deselect /' | tr -d '\n')"
    for d in tests/functional tests/docs tests/real; do
      [ -d "$REPO_ROOT/$d" ] || continue
      if [ "$d" = tests/functional ]; then sessions+=("$d$deselect"); else sessions+=("$d"); fi
    done
  fi
  for session in "${sessions[@]}"; do
    index=$((index + 1))
    xml="$WORK_DIR/pytest-$index.xml"
    rm -f "$xml"
    # A session is a shell-quoted list of pytest arguments, so -k 'a and b' stays one argument.
    eval "set -- $session"
    (cd "$REPO_ROOT" && "$VENV_DIR/bin/python" -m pytest -p no:cacheprovider --junitxml="$xml" "$@") || rc=$?
    [ -f "$xml" ] && xmls+=("$xml")
  done
  # pytest exits 5 when it collected nothing; that is a failure of the suite, not a pass.
  if [ ${#xmls[@]} -gt 0 ]; then record_junit pytest "${xmls[@]}"; else record pytest 0 1; fi
  return $rc
}

# ---- the ansible-core matrix: nox sessions <kind>-<version> (noxfile.py), the versions side by side ----

# The ansible-core versions stage <kind> runs under: LLO_CORE_VERSIONS (space-separated) for every stage, else the
# stage's default in lib.sh (CORE_VERSIONS_SANITY, _UNITS, _SMOKE).
core_versions() {
  if [ -n "${LLO_CORE_VERSIONS:-}" ]; then tr ' ' '\n' <<< "$LLO_CORE_VERSIONS"; return; fi
  local -n defaults="CORE_VERSIONS_${1^^}"
  printf '%s\n' "${defaults[@]}"
}

# Runs nox session <kind>-<version> for every version at once, each into .work/<kind>-<version>.log, then prints
# the logs one after another and each version's time (written by the session's own subshell when it ends, since the
# versions are waited for in order). Returns 1 when a session failed.
run_nox_matrix() {
  local kind="$1" v rc=0 pids=() versions=() i took
  mapfile -t versions < <(core_versions "$kind")
  [ ${#versions[@]} -gt 0 ] || { log "noxfile.py lists no ansible-core versions"; return 1; }
  for v in "${versions[@]}"; do
    (
      start=$SECONDS
      cd "$REPO_ROOT" && nice -n 5 "$VENV_DIR/bin/nox" --no-color -s "$kind-$v" >"$WORK_DIR/$kind-$v.log" 2>&1
      status=$?
      echo $((SECONDS - start)) > "$WORK_DIR/$kind-$v.seconds"
      exit $status
    ) &
    pids+=($!)
  done
  for i in "${!versions[@]}"; do
    v="${versions[$i]}"
    if wait "${pids[$i]}"; then
      log "$kind under ansible-core $v: ok in $(cat "$WORK_DIR/$kind-$v.seconds") s"
    else
      took="$(cat "$WORK_DIR/$kind-$v.seconds" 2>/dev/null || echo '?')"
      log "$kind under ansible-core $v: FAILED in $took s (log: $WORK_DIR/$kind-$v.log)"
      rc=1
    fi
  done
  for v in "${versions[@]}"; do
    printf '\n----- %s, ansible-core %s -----\n' "$kind" "$v" >&2
    cat "$WORK_DIR/$kind-$v.log" >&2
  done
  return $rc
}

stage_sanity() {
  local log rc=0 total failed v
  # Without shellcheck, ansible-test's shellcheck test passes without looking at the scripts.
  command -v shellcheck >/dev/null || install_host_packages shellcheck
  run_nox_matrix sanity || rc=1
  for v in $(core_versions sanity); do
    log="$WORK_DIR/sanity-$v.log"
    total="$(grep -c "Running sanity test" "$log" || true)"
    failed="$(sed -nE 's/.*The ([0-9]+) sanity test\(s\) listed below \(out of ([0-9]+)\) failed.*/\1/p' "$log" | head -n 1)"
    failed="${failed:-0}"
    # A session that failed without ansible-test's own count (its install, say) counts as one failure.
    grep -q "Session sanity-$v was successful" "$log" || [ "$failed" -gt 0 ] || failed=1
    record "sanity:$v" "$((total - failed > 0 ? total - failed : 0))" "$failed"
  done
  return $rc
}

stage_units() {
  local rc=0 v junit
  for v in $(core_versions units); do rm -rf "$WORK_DIR/ac-$v/ansible_collections/local_llm/ollama/tests/output/junit"; done
  run_nox_matrix units || rc=1
  for v in $(core_versions units); do
    junit="$WORK_DIR/ac-$v/ansible_collections/local_llm/ollama/tests/output/junit"
    if ls "$junit"/*.xml >/dev/null 2>&1; then record_junit "units:$v" "$junit"/*.xml; else record "units:$v" 0 1; fi
  done
  return $rc
}

# The functional smoke under CORE_VERSIONS_SMOKE: an ollama_model create and re-run, and site.yml --check, against
# the emulator (noxfile.py SMOKE_TESTS).
stage_smoke() {
  local rc=0 v xml
  for v in $(core_versions smoke); do rm -f "$WORK_DIR/smoke-$v.xml"; done
  run_nox_matrix smoke || rc=1
  for v in $(core_versions smoke); do
    xml="$WORK_DIR/smoke-$v.xml"
    if [ -f "$xml" ]; then record_junit "smoke:$v" "$xml"; else record "smoke:$v" 0 1; fi
  done
  return $rc
}

# Python style (pyproject.toml): ruff format and ruff check, read-only, and the one header form
# (scripts/check_headers.py); then ansible-lint. Each is one result.
stage_lint() {
  local rc=0 lint_rc=0 name
  local -A checks=(
    [ruff-format]="ruff format --check --diff ."
    [ruff-check]="ruff check ."
    [python-headers]="python scripts/check_headers.py ."
  )
  for name in ruff-format ruff-check python-headers; do
    # shellcheck disable=SC2086  # each check is a command line
    if (cd "$REPO_ROOT" && "$VENV_DIR"/bin/${checks[$name]}); then record "$name" 1 0; else record "$name" 0 1; rc=1; fi
  done
  # ansible-lint puts $ANSIBLE_HOME/collections first; a home of its own keeps a stale copy of this collection in
  # ~/.ansible/collections from shadowing the working tree.
  mkdir -p "$WORK_DIR/lint-home"
  (cd "$REPO_ROOT" && ANSIBLE_HOME="$WORK_DIR/lint-home" \
    ANSIBLE_COLLECTIONS_PATH="$(self_collection_path):$COLLECTIONS_DIR" \
    "$VENV_DIR/bin/ansible-lint" --profile production --offline) || lint_rc=$?
  if [ "${lint_rc:-0}" -eq 0 ]; then record ansible-lint 1 0; else record ansible-lint 0 1; rc=1; fi
  return $rc
}

# The molecule scenarios, and two container tests that are not molecule scenarios but run in a lane beside them:
# "fresh" (tests/fresh/first_run.sh, the first `make provision` on a fresh container of each release) and "ee"
# (tests/ee/ee_test.sh: make ee, then jobs run the way AWX runs them, docs/awx.md).
molecule_scenarios() {
  local f
  for f in "$REPO_ROOT"/molecule/*/molecule.yml; do basename "$(dirname "$f")"; done
  echo fresh
  echo ee
}

# Whether <item> is one of the container tests of molecule_scenarios that molecule does not run.
container_test() { [ "$1" = fresh ] || [ "$1" = ee ]; }

# Prints why the real Ollama archive or the real model is not available (empty when both are; the model is
# assembled into .work/real-model on the way). Scenario native_real needs both.
real_tier_missing() {
  local py="$VENV_DIR/bin/python" helper="$REPO_ROOT/tests/real/real_server.py"
  { "$py" "$helper" archive >/dev/null && "$py" "$helper" gguf "$WORK_DIR/real-model" >/dev/null; } 2>&1 || true
}

# The Debian releases a scenario runs on: LLO_RELEASES (space-separated; make molecule RELEASE=...) when set, else
# all of MOLECULE_RELEASES for MOLECULE_MATRIX_SCENARIOS and the first release for the others.
scenario_releases() {
  local s="$1" r
  if [ -n "${LLO_RELEASES:-}" ]; then
    for r in "${MOLECULE_RELEASES[@]}"; do [[ " $LLO_RELEASES " == *" $r "* ]] && echo "$r"; done
    return 0
  fi
  if [ "$s" = fresh ] || [[ " ${MOLECULE_MATRIX_SCENARIOS[*]} " == *" $s "* ]]; then
    for r in "${MOLECULE_RELEASES[@]}"; do echo "$r"; done
  else
    echo "${MOLECULE_RELEASES[0]}"
  fi
}

# The ansible-core (major.minor) the controller's lock pins (requirements/constraints.txt), the one .venv has.
venv_core() {
  sed -nE 's/^ansible-core==([0-9]+\.[0-9]+)\..*/\1/p' "$REPO_ROOT/requirements/constraints.txt"
}

# The ansible-core molecule runs <scenario> <release> under: LLO_MOLECULE_CORE when set, else the version of .venv
# for the runs in MOLECULE_NEWEST_CORE_RUNS and MOLECULE_CORE for the others (lib.sh).
molecule_core() {
  if [ -n "${LLO_MOLECULE_CORE:-}" ]; then echo "$LLO_MOLECULE_CORE"; return; fi
  if [[ " ${MOLECULE_NEWEST_CORE_RUNS[*]} " == *" $1@$2 "* ]]; then venv_core; else echo "$MOLECULE_CORE"; fi
}

# Prints the bin folder of the virtualenv with molecule and ansible-core <version>: .venv for its own version, else
# nox session molecule-<version>'s, created on first use (one creator at a time: both lanes may ask at once).
molecule_bin() {
  local core="$1"
  if [ "$core" = "$(venv_core)" ]; then echo "$VENV_DIR/bin"; return 0; fi
  if ! (cd "$REPO_ROOT" && flock "$WORK_DIR/.molecule-$core.lock" "$VENV_DIR/bin/nox" --no-color \
      -s "molecule-$core" --install-only) >"$WORK_DIR/molecule-env-$core.log" 2>&1; then
    log "the molecule virtualenv for ansible-core $core could not be made; see $WORK_DIR/molecule-env-$core.log"
    return 1
  fi
  echo "$WORK_DIR/nox/molecule-${core//./-}/bin"
}

# One scenario on one release, its output into .work/molecule/<scenario>@<release>.log, printed whole when it ends
# (two lanes run at once; their lines would interleave). Records molecule:<scenario>@<release>.
run_scenario() {
  local s="$1" release="$2" image start rc=0 out="$WORK_DIR/molecule/$1@$2.log" missing bin what
  if [ "$s" = native_real ] && missing="$(real_tier_missing)" && [ -n "$missing" ]; then
    log "molecule scenario native_real skipped: $missing"
    return 0
  fi
  image="${MOLECULE_IMAGES[$release]}"
  start=$SECONDS
  if [ "$s" = fresh ]; then
    # make provision installs its own .venv in the container, with the newest ansible-core.
    what="molecule scenario $s on $image"
    log "$what: start"
    "$REPO_ROOT/tests/fresh/first_run.sh" "$release" "$out.provision" >"$out" 2>&1 || rc=$?
  elif [ "$s" = ee ]; then
    what="execution environment test (tests/ee/ee_test.sh) on $image"
    log "$what: start"
    "$REPO_ROOT/tests/ee/ee_test.sh" >"$out" 2>&1 || rc=$?
  else
    bin="$(molecule_bin "$(molecule_core "$s" "$release")")" || { record "molecule:$s@$release" 0 1; return 1; }
    what="molecule scenario $s on $image under ansible-core $("$bin/python" -c 'import ansible.release as r; print(r.__version__)')"
    log "$what: start"
    (cd "$REPO_ROOT" && PATH="$bin:$PATH" LLO_MOLECULE_IMAGE="$image" LLO_MOLECULE_RELEASE="$release" \
      molecule test -s "$s") >"$out" 2>&1 || rc=$?
  fi
  printf '\n----- %s -----\n' "$what" | print_whole - "$out"
  if [ $rc -eq 0 ]; then
    record "molecule:$s@$release" 1 0
    log "$what passed in $((SECONDS - start)) s"
  else
    record "molecule:$s@$release" 0 1
    log "$what FAILED in $((SECONDS - start)) s"
  fi
  return $rc
}

# Prints the "<scenario>@<release>" items given, those under the newest ansible-core first, one a line.
newest_core_first() {
  local item newest
  newest="$(venv_core)"
  for item in "$@"; do
    if ! container_test "${item%@*}" && [ "$(molecule_core "${item%@*}" "${item#*@}")" = "$newest" ]; then echo "$item"; fi
  done
  for item in "$@"; do
    if container_test "${item%@*}" || [ "$(molecule_core "${item%@*}" "${item#*@}")" != "$newest" ]; then echo "$item"; fi
  done
}

# Runs "<scenario>@<release>" items one after another; returns 1 when one failed.
run_lane() {
  local item rc=0
  for item in "$@"; do run_scenario "${item%@*}" "${item#*@}" || rc=1; done
  return $rc
}

# Runs every scenario, or those named in $LLO_SCENARIOS (space-separated), on each of its Debian releases, in two
# lanes side by side (MOLECULE_DIND_LANE in lib.sh); results are named <scenario>@<release>, each log names the image.
stage_molecule() {
  local scenarios=() s rc=0 release dind=() host=() pid_dind pid_host core item envs=() pid
  # The image scripts/build-image.sh built for each release, before the lanes start (run_scenario reads it).
  local -A MOLECULE_IMAGES=()
  if [ -n "${LLO_MOLECULE_CORE:-}" ] && ! (cd "$REPO_ROOT" && "$VENV_DIR/bin/nox" -l 2>/dev/null) \
      | grep -qE "^[-*] molecule-${LLO_MOLECULE_CORE//./\\.} "; then
    log "no molecule under ansible-core '$LLO_MOLECULE_CORE' (CORE, LLO_MOLECULE_CORE): noxfile.py's MOLECULE_CORES" \
      "lists the versions molecule runs under (molecule 26 refuses 2.17)"
    record molecule 0 1
    return 1
  fi
  read -r -a scenarios <<< "${LLO_SCENARIOS:-}"
  [ ${#scenarios[@]} -gt 0 ] || mapfile -t scenarios < <(molecule_scenarios)
  ensure_docker_engine
  if [[ " ${scenarios[*]} " == *" lab "* ]]; then
    # Scenario lab boots systemd-nspawn machines in network namespaces (tests/lab/lab.sh).
    [ "$(id -u)" -eq 0 ] || { log "molecule scenario lab needs root (network namespaces, systemd-nspawn)"; return 1; }
    install_host_packages systemd-container iproute2 openssh-client
  fi
  # The collection under test is this working tree (molecule's prerun is off: .config/molecule/config.yml).
  ANSIBLE_COLLECTIONS_PATH="$(self_collection_path):$COLLECTIONS_DIR"
  export ANSIBLE_COLLECTIONS_PATH
  # Container names carry the checkout, so two checkouts can run the same scenario at once.
  LLO_CHECKOUT_ID="$(echo "$REPO_ROOT" | sha256sum | cut -c1-8)"
  export LLO_CHECKOUT_ID
  mkdir -p "$WORK_DIR/molecule"
  for release in "${MOLECULE_RELEASES[@]}"; do
    for s in "${scenarios[@]}"; do
      scenario_releases "$s" | grep -qx "$release" || continue
      if [ -z "${MOLECULE_IMAGES[$release]:-}" ]; then
        MOLECULE_IMAGES[$release]="$("$REPO_ROOT/scripts/build-image.sh" "$release")" \
          || { log "the $release image could not be built"; record "molecule:image@$release" 0 1; rc=1; continue 2; }
      fi
      if [[ " ${MOLECULE_DIND_LANE[*]} " == *" $s "* ]]; then dind+=("$s@$release"); else host+=("$s@$release"); fi
    done
  done
  # The runs under the newest ansible-core first in each lane, while the other versions' virtualenvs are made.
  mapfile -t dind < <(newest_core_first "${dind[@]}")
  mapfile -t host < <(newest_core_first "${host[@]}")
  for core in $(for item in "${dind[@]}" "${host[@]}"; do
      container_test "${item%@*}" || molecule_core "${item%@*}" "${item#*@}"; done | sort -u); do
    molecule_bin "$core" >/dev/null &
    envs+=($!)
  done
  log "molecule lane dind: ${dind[*]:-none}"
  log "molecule lane host: ${host[*]:-none}"
  run_lane "${dind[@]}" & pid_dind=$!
  run_lane "${host[@]}" & pid_host=$!
  wait "$pid_dind" || rc=1
  wait "$pid_host" || rc=1
  for pid in "${envs[@]}"; do wait "$pid" || true; done
  return $rc
}
