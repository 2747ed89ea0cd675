#!/usr/bin/env bash
# The first run on a fresh machine (issue #18 part 4), in a container of each Debian release: the local systemd image
# (python3, sudo, systemd; no python3-venv, so no ensurepip) plus git and make, and a user "dev" whose sudo asks for a
# password, as on a new workstation. It checks, in order:
#   1. `make provision` stops before anything else with the message that names python3-venv and the command;
#   2. after root runs that command (and dev's sudo stops asking), `make provision ARGS="--check"` runs site.yml in
#      check mode through to the verify summary.
# Usage: tests/fresh/first_run.sh <release> [<log file>]   (root; Docker; apt and PyPI through the host network)
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../../scripts/docker-engine.sh"

release="${1:?release: bookworm or trixie}"
log_file="${2:-$WORK_DIR/fresh-$release.log}"
name="llo-fresh-$release-$(echo "$REPO_ROOT" | sha256sum | cut -c1-8)"
mkdir -p "$(dirname "$log_file")"
: > "$log_file"

ensure_docker_engine
image="$("$REPO_ROOT/scripts/build-image.sh" "$release")"
docker rm -f "$name" >/dev/null 2>&1 || true
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$name" --network host --cgroupns private --cap-add SYS_ADMIN \
  --tmpfs /run --tmpfs /run/lock --tmpfs /tmp:rw,exec,mode=1777,size=2g "$image" /lib/systemd/systemd >/dev/null
# The CA certificates this host added (a TLS-inspecting proxy's, say): pip and apt inside reach what the host reaches.
for cert in /usr/local/share/ca-certificates/*.crt; do
  [ -f "$cert" ] && docker cp "$cert" "$name:/usr/local/share/ca-certificates/"
done

as_root() { docker exec -i "$name" bash -euo pipefail -c "$1"; }
as_dev() { docker exec -i -u dev -w /home/dev/local_llm.ollama "$name" bash -o pipefail -c "$1"; }
fail() { log "FAIL ($release): $*"; tail -n 40 "$log_file" >&2; exit 1; }

# systemd in the container mounts /tmp and more while it boots; a file made there before that is gone afterwards.
# `systemctl is-system-running --wait` fails at once while systemd's bus is not up yet, so ask again until it says
# running (or degraded: a unit the container cannot start) or two minutes have passed.
wait_for_boot() {
  local state="" deadline=$((SECONDS + 120))
  while [ $SECONDS -lt $deadline ]; do
    state="$(docker exec "$name" systemctl is-system-running --wait 2>/dev/null || true)"
    case "$state" in running|degraded) return 0 ;; esac
    sleep 1
  done
  fail "systemd in the container did not finish booting within 120 s (last state: ${state:-no answer})"
}
wait_for_boot

log "fresh $release machine: git and make, a user with a password-protected sudo, this working tree"
as_root 'update-ca-certificates >/dev/null
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git make >/dev/null
  useradd -m -s /bin/bash dev && echo "dev ALL=(ALL:ALL) ALL" > /etc/sudoers.d/dev && chmod 0440 /etc/sudoers.d/dev
  ! python3 -c "import ensurepip" 2>/dev/null' >>"$log_file" 2>&1 || fail "the machine could not be prepared"
(cd "$REPO_ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 -r tar -c --) \
  | docker exec -i "$name" bash -c 'mkdir -p /home/dev/local_llm.ollama && tar -C /home/dev/local_llm.ollama -x && chown -R dev: /home/dev/local_llm.ollama'

log "1. make provision, as a user whose sudo asks for a password"
rc=0
as_dev 'make provision' >>"$log_file" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "make provision succeeded without python3-venv"
message="$(grep -E '^ERROR: make provision needs python3-venv' "$log_file" || true)"
[ -n "$message" ] || fail "make provision did not name python3-venv"
command="$(sed -nE 's/.*Install it with: (sudo apt-get install -y [a-z0-9 .-]+) \(then run make provision again\).*/\1/p' <<<"$message")"
[ "$command" = "sudo apt-get install -y python3-venv" ] || fail "the message names no install command: $message"
as_dev '[ ! -d .venv ]' || fail "make provision left a half-made .venv behind"
log "   $message"

log "2. the named command (run by root), then make provision ARGS=\"--check\""
as_root "DEBIAN_FRONTEND=noninteractive ${command#sudo } -qq >/dev/null && echo 'dev ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/dev" \
  >>"$log_file" 2>&1 || fail "the named command failed"
start=$SECONDS
rc=0
as_dev 'make provision ARGS="--check"' >>"$log_file" 2>&1 || rc=$?
summary='verify [^:]+: [0-9]+ PASS, [0-9]+ WARN, [0-9]+ FAIL'
grep -qE "$summary" "$log_file" || fail "make provision --check did not reach the verify summary (rc $rc)"
[ "$rc" -eq 0 ] || fail "make provision --check failed (rc $rc); in check mode the summary's failures do not fail the play"
grep -q "Check mode: the summary shows" "$log_file" || fail "the verify summary does not say that it is check mode"
if grep -q "Traceback" "$log_file"; then fail "a traceback in the output"; fi
log "   reached the verify summary in $((SECONDS - start)) s"
sed -nE "/$summary/,/^}/p" "$log_file" | head -n 30 >&2
