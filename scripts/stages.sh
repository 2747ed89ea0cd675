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
  local rc=0 xmls=() sessions=() session xml index=0 d
  if [ -n "${PYTEST_ARGS:-}" ]; then
    sessions=("$PYTEST_ARGS")
  else
    for d in tests/unit tests/functional tests/docs tests/real; do [ -d "$REPO_ROOT/$d" ] && sessions+=("$d"); done
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

stage_sanity() {
  local log="$WORK_DIR/sanity.log" rc=0 total failed
  # Without shellcheck, ansible-test's shellcheck test passes without looking at the scripts.
  command -v shellcheck >/dev/null || install_host_packages shellcheck
  "$REPO_ROOT/scripts/ansible-test.sh" sanity 2>&1 | tee "$log" || rc=$?
  total="$(grep -c "^Running sanity test" "$log" || true)"
  failed="$(sed -nE 's/.*The ([0-9]+) sanity test\(s\) listed below \(out of ([0-9]+)\) failed.*/\1/p' "$log" | head -n 1)"
  failed="${failed:-0}"
  [ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
  record sanity "$((total - failed > 0 ? total - failed : 0))" "$failed"
  return $rc
}

stage_units() {
  local rc=0 junit="$WORK_DIR/ac/ansible_collections/local_llm/ollama/tests/output/junit"
  "$REPO_ROOT/scripts/ansible-test.sh" units || rc=$?
  if ls "$junit"/*.xml >/dev/null 2>&1; then record_junit units "$junit"/*.xml; else record units 0 1; fi
  return $rc
}

stage_lint() {
  local rc=0
  # ansible-lint puts $ANSIBLE_HOME/collections first; a home of its own keeps a stale copy of this collection in
  # ~/.ansible/collections from shadowing the working tree.
  mkdir -p "$WORK_DIR/lint-home"
  (cd "$REPO_ROOT" && ANSIBLE_HOME="$WORK_DIR/lint-home" \
    ANSIBLE_COLLECTIONS_PATH="$(self_collection_path):$COLLECTIONS_DIR" \
    "$VENV_DIR/bin/ansible-lint" --profile production --offline) || rc=$?
  if [ $rc -eq 0 ]; then record ansible-lint 1 0; else record ansible-lint 0 1; fi
  return $rc
}

molecule_scenarios() {
  local f
  for f in "$REPO_ROOT"/molecule/*/molecule.yml; do basename "$(dirname "$f")"; done
}

# Prints why the real Ollama archive or the real model is not available (empty when both are; the model is
# assembled into .work/real-model on the way). Scenario native_real needs both.
real_tier_missing() {
  local py="$VENV_DIR/bin/python" helper="$REPO_ROOT/tests/real/real_server.py"
  { "$py" "$helper" archive >/dev/null && "$py" "$helper" gguf "$WORK_DIR/real-model" >/dev/null; } 2>&1 || true
}

# Runs every scenario, or those named in $LLO_SCENARIOS (space-separated).
stage_molecule() {
  local scenarios=() s rc=0 start missing
  read -r -a scenarios <<< "${LLO_SCENARIOS:-}"
  [ ${#scenarios[@]} -gt 0 ] || mapfile -t scenarios < <(molecule_scenarios)
  ensure_docker_engine
  if [[ " ${scenarios[*]} " == *" lab "* ]]; then
    # Scenario lab boots systemd-nspawn machines in network namespaces (tests/lab/lab.sh).
    [ "$(id -u)" -eq 0 ] || { log "molecule scenario lab needs root (network namespaces, systemd-nspawn)"; return 1; }
    install_host_packages systemd-container iproute2 openssh-client
  fi
  LLO_MOLECULE_IMAGE="$("$REPO_ROOT/scripts/build-image.sh")" || return 1
  # Container names carry the checkout, so two checkouts can run the same scenario at once.
  LLO_CHECKOUT_ID="$(echo "$REPO_ROOT" | sha256sum | cut -c1-8)"
  export LLO_MOLECULE_IMAGE LLO_CHECKOUT_ID
  for s in "${scenarios[@]}"; do
    start=$SECONDS
    if [ "$s" = native_real ] && missing="$(real_tier_missing)" && [ -n "$missing" ]; then
      log "molecule scenario native_real skipped: $missing"
      continue
    fi
    if (cd "$REPO_ROOT" && molecule test -s "$s"); then
      record "molecule:$s" 1 0
      log "molecule scenario $s passed in $((SECONDS - start)) s"
    else
      record "molecule:$s" 0 1
      log "molecule scenario $s FAILED in $((SECONDS - start)) s"
      rc=1
    fi
  done
  return $rc
}


