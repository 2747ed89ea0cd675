# shellcheck shell=bash
# Uses the Docker engine that answers; otherwise (root only) installs Debian's docker.io and starts dockerd with
# flags that create no bridge and touch no iptables, and stops it again when the calling script exits.
# Source after lib.sh; call ensure_docker_engine.

DOCKERD_PID=""

docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

install_host_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing host packages: ${missing[*]}; install them (sudo apt-get install ${missing[*]}) and run again"
  log "installing host packages: ${missing[*]}"
  apt-get update -qq >"$WORK_DIR/apt.log" 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$WORK_DIR/apt.log" 2>&1 \
    || { tail -n 20 "$WORK_DIR/apt.log" >&2; die "apt-get could not install ${missing[*]}"; }
}

stop_docker_engine() {
  [ -n "$DOCKERD_PID" ] || return 0
  # Another run (a second checkout, a molecule scenario started by hand) may have found this engine and still use it.
  if [ -n "$(timeout 10 docker ps -q 2>/dev/null)" ]; then
    log "leaving the dockerd this run started running (pid $DOCKERD_PID): other runs' containers still use it"
    return 0
  fi
  log "stopping the dockerd this run started (pid $DOCKERD_PID)"
  kill -TERM "$DOCKERD_PID" 2>/dev/null || true
  local _
  for _ in $(seq 1 40); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$DOCKERD_PID" 2>/dev/null || true
  DOCKERD_PID=""
}

ensure_docker_engine() {
  mkdir -p "$WORK_DIR"
  if docker_answers; then
    log "using the running Docker engine"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || die "no Docker engine answers 'docker info'; start Docker (sudo systemctl start docker) or run as root so the tests can start one"
  install_host_packages docker.io
  log "starting dockerd (no bridge, no iptables); log in $WORK_DIR/dockerd.log"
  dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false >"$WORK_DIR/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  trap stop_docker_engine EXIT
  local _
  for _ in $(seq 1 60); do
    docker_answers && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 20 "$WORK_DIR/dockerd.log" >&2
  die "dockerd did not come up; see $WORK_DIR/dockerd.log"
}
