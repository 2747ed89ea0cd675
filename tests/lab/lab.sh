#!/usr/bin/env bash
# Lab machines for multi-host tests: N systemd-nspawn guests (Debian 12, systemd as PID 1, sshd), each in its own
# network namespace, joined to a controller namespace by a veth pair on a private /30 (10.213.N.0/30: .1 in the
# controller namespace, .2 in guest N). Nothing is added to the host's own network namespace, routes or iptables.
#
#   lab.sh up [N]     boot N machines (default 3), serve the controller-side fixtures, write the inventories, print
#                     the run directory
#   lab.sh down       stop every machine and the mirror by PID, remove everything `up` created (idempotent); fails
#                     when anything is left behind
#   lab.sh status     show what is running
#   lab.sh exec CMD…  run CMD inside the controller namespace (e.g. ansible-playbook -i <run>/inventory.yml …)
#
# Settings (environment): LAB_WORK (default <repo>/.work/lab), LAB_PREFIX (namespace prefix, default llolab),
# LAB_TTL (seconds after which every guest is stopped by `timeout` even if nobody calls down; default 1800),
# LAB_IMAGE (docker image whose rootfs is the base, default local/debian-bookworm-systemd:latest),
# LAB_OLLAMA_VERSION (version of the release served, default 0.32.15).
# Controller-side fixtures in the run directory (the host's own namespace, where Ansible runs): release/ (the
# emulator packaged like Ollama's release archive), served on 127.0.0.1 by release_mirror.py (port in mirror.port,
# one JSON line per request in mirror.jsonl), and models/, a store in Ollama's on-disk layout (models.txt lists it).
# Reference: shared/reference/test-infra.md sections 5.2 and 6. Needs root, systemd-nspawn (systemd-container),
# iproute2 and docker (only to export the base image once).
set -euo pipefail
shopt -s inherit_errexit

LAB_DIR_SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LAB_DIR_SELF/../.." && pwd)"
LAB_WORK="${LAB_WORK:-$REPO_ROOT/.work/lab}"
LAB_PREFIX="${LAB_PREFIX:-llolab}"
LAB_TTL="${LAB_TTL:-1800}"
LAB_IMAGE="${LAB_IMAGE:-local/debian-bookworm-systemd:latest}"
LAB_OLLAMA_VERSION="${LAB_OLLAMA_VERSION:-0.32.15}"
RUN_DIR="$LAB_WORK/run-$LAB_PREFIX"
CTL_NS="$LAB_PREFIX-ctl"
# Packages baked into the base rootfs with a chroot apt install (the guests cannot reach the Debian archive):
# sshd for the connection, and what the preflight role installs, so that its apt task finds everything present.
LAB_PACKAGES=(openssh-server zstd python3-debian acl iproute2 python3 python3-apt ca-certificates)
CGROUP_ROOTS=(/sys/fs/cgroup/systemd /sys/fs/cgroup/unified)

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }

require_tools() {
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, systemd-nspawn)"
  local tool
  for tool in ip systemd-nspawn ssh ssh-keygen timeout; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y --no-install-recommends systemd-container iproute2 openssh-client)"
  done
}

# ---------------------------------------------------------------- base rootfs (built once, cached by image + list)
base_dir() {
  local image_id
  image_id="$(docker image inspect --format '{{.Id}}' "$LAB_IMAGE" 2>/dev/null | sed 's/^sha256://' | cut -c1-12)" \
    || die "docker image $LAB_IMAGE not found; build it with 'make image'"
  echo "$LAB_WORK/base-$image_id-$(echo "${LAB_PACKAGES[*]}" | sha256sum | cut -c1-8)"
}

# Runs "$@" in the rootfs with /proc, /dev and a policy-rc.d that forbids starting daemons (maintainer scripts
# would otherwise start sshd on the host's network).
chroot_run() {
  local rootfs="$1"; shift
  printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
  chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  mount -t proc proc "$rootfs/proc"
  mount --bind /dev "$rootfs/dev"
  local rc=0
  timeout 600 chroot "$rootfs" "$@" || rc=$?
  umount "$rootfs/dev" "$rootfs/proc"
  rm -f "$rootfs/usr/sbin/policy-rc.d"
  return $rc
}

build_base() {
  local base="$1" tmp="$1.tmp" container
  log "building the base rootfs $base from $LAB_IMAGE (once)"
  rm -rf "$tmp" && mkdir -p "$tmp/rootfs"
  container="$(docker create --network none "$LAB_IMAGE" /bin/true 2>/dev/null)" || die "docker create $LAB_IMAGE failed"
  timeout 300 docker export "$container" | tar -C "$tmp/rootfs" -x || { docker rm -f "$container" >/dev/null; die "docker export failed"; }
  docker rm -f "$container" >/dev/null
  rm -f "$tmp/rootfs/.dockerenv"
  cp -L /etc/resolv.conf "$tmp/rootfs/etc/resolv.conf"
  chroot_run "$tmp/rootfs" env DEBIAN_FRONTEND=noninteractive sh -c \
    "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${LAB_PACKAGES[*]} && apt-get clean" \
    > "$tmp/apt.log" 2>&1 || { tail -n 20 "$tmp/apt.log" >&2; die "chroot apt install failed; see $tmp/apt.log"; }
  # A guest's DNS would point at nothing reachable; names are not needed (inventory uses addresses).
  : > "$tmp/rootfs/etc/resolv.conf"
  # Units that would try the network or waste the 2 CI cores during a test.
  local unit
  for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer systemd-tmpfiles-clean.timer; do
    ln -sf /dev/null "$tmp/rootfs/etc/systemd/system/$unit"
  done
  mkdir -p "$tmp/rootfs/etc/ssh/sshd_config.d"
  printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\n' \
    > "$tmp/rootfs/etc/ssh/sshd_config.d/lab.conf"
  mv "$tmp" "$base"
}

ensure_base() {
  local base
  base="$(base_dir)"
  [ -d "$base/rootfs" ] || build_base "$base"
  echo "$base/rootfs"
}

# ---------------------------------------------------------------- namespaces
netns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

setup_network() {
  local count="$1" n
  ip netns add "$CTL_NS"
  ip -n "$CTL_NS" link set lo up
  for n in $(seq 1 "$count"); do
    ip netns add "$LAB_PREFIX-h$n"
    ip -n "$LAB_PREFIX-h$n" link set lo up
    # Created inside the controller namespace, so no interface ever exists in the host's namespace.
    ip -n "$CTL_NS" link add "veth-c$n" type veth peer name eth0 netns "$LAB_PREFIX-h$n"
    ip -n "$CTL_NS" addr add "10.213.$n.1/30" dev "veth-c$n"
    ip -n "$CTL_NS" link set "veth-c$n" up
    ip -n "$LAB_PREFIX-h$n" addr add "10.213.$n.2/30" dev eth0
    ip -n "$LAB_PREFIX-h$n" link set eth0 up
    ip -n "$LAB_PREFIX-h$n" route add default via "10.213.$n.1"
  done
}

# ---------------------------------------------------------------- machines
prepare_machine() {
  local base="$1" n="$2" rootfs="$RUN_DIR/machines/lab$2"
  mkdir -p "$RUN_DIR/machines"
  cp -a "$base" "$rootfs"
  echo "lab$n" > "$rootfs/etc/hostname"
  printf '127.0.0.1 localhost\n10.213.%s.2 lab%s\n' "$n" "$n" > "$rootfs/etc/hosts"
  install -d -m 0700 "$rootfs/root/.ssh"
  install -m 0600 "$RUN_DIR/id_ed25519.pub" "$rootfs/root/.ssh/authorized_keys"
  # Own host keys per machine.
  rm -f "$rootfs"/etc/ssh/ssh_host_*
  ssh-keygen -q -t ed25519 -N '' -C "lab$n" -f "$rootfs/etc/ssh/ssh_host_ed25519_key"
  # The apt lists were refreshed when the base was built; say so, or apt's cache_valid_time would try the network.
  mkdir -p "$rootfs/var/lib/apt/periodic"
  touch "$rootfs/var/lib/apt/periodic/update-success-stamp"
  # machine-id: empty file = systemd generates a fresh one at boot.
  : > "$rootfs/etc/machine-id"
}

# Each guest gets a cgroup of its own in the named systemd and unified hierarchies: systemd-nspawn --keep-unit
# (no systemd on the host) creates payload/ and supervisor/ under the cgroup it starts in.
machine_cgroup() { echo "$LAB_PREFIX-lab$1"; }

boot_machine() {
  local n="$1" cg root
  cg="$(machine_cgroup "$n")"
  for root in "${CGROUP_ROOTS[@]}"; do [ -d "$root" ] && mkdir -p "$root/$cg"; done
  (
    for root in "${CGROUP_ROOTS[@]}"; do [ -d "$root/$cg" ] && echo "$BASHPID" > "$root/$cg/cgroup.procs"; done
    exec timeout --kill-after=15 "$LAB_TTL" systemd-nspawn -b -q -D "$RUN_DIR/machines/lab$n" --register=no \
      --keep-unit --machine="lab$n" --network-namespace-path="/run/netns/$LAB_PREFIX-h$n" --console=passive
  ) > "$RUN_DIR/lab$n.log" 2>&1 &
  echo $! > "$RUN_DIR/lab$n.pid"
}

ssh_opts() {
  echo "-i $RUN_DIR/id_ed25519 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=3 -o BatchMode=yes"
}

wait_for_ssh() {
  local n="$1" deadline=$((SECONDS + 90))
  # shellcheck disable=SC2046,SC2016  # ssh_opts is a list of words; the quoted test expands on the guest
  until ip netns exec "$CTL_NS" timeout 10 ssh $(ssh_opts) "root@10.213.$n.2" \
      'test "$(systemctl is-system-running)" = running -o "$(systemctl is-system-running)" = degraded' 2>/dev/null; do
    kill -0 "$(cat "$RUN_DIR/lab$n.pid")" 2>/dev/null || { tail -n 20 "$RUN_DIR/lab$n.log" >&2; die "lab$n stopped while booting"; }
    [ $SECONDS -lt $deadline ] || { tail -n 20 "$RUN_DIR/lab$n.log" >&2; die "lab$n: no SSH after 90 s"; }
    sleep 0.5
  done
}

# ---------------------------------------------------------------- controller-side fixtures
serve_fixtures() {
  local arch
  arch="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
  python3 "$REPO_ROOT/tests/emulator/build_release.py" --version "$LAB_OLLAMA_VERSION" --arch "$arch" \
    --out "$RUN_DIR/release" >/dev/null
  python3 "$LAB_DIR_SELF/make_model_store.py" "$RUN_DIR/models" > "$RUN_DIR/models.txt"
  timeout "$LAB_TTL" python3 "$LAB_DIR_SELF/release_mirror.py" "$RUN_DIR/release" "$RUN_DIR/mirror.jsonl" \
    "$RUN_DIR/mirror.port" > "$RUN_DIR/mirror.log" 2>&1 &
  echo $! > "$RUN_DIR/mirror.pid"
  for _ in $(seq 1 50); do [ -s "$RUN_DIR/mirror.port" ] && return 0; sleep 0.1; done
  cat "$RUN_DIR/mirror.log" >&2
  die "the release mirror did not start"
}

write_inventories() {
  local count="$1" n proxy
  # Direct: for ansible-playbook run inside the controller namespace (lab.sh exec …).
  {
    echo "# Written by tests/lab/lab.sh up: $count lab machines, reachable from the namespace $CTL_NS."
    echo "all:"
    echo "  children:"
    echo "    lab:"
    echo "      hosts:"
    for n in $(seq 1 "$count"); do
      echo "        lab$n:"
      echo "          ansible_host: 10.213.$n.2"
    done
    echo "      vars:"
    echo "        ansible_user: root"
    echo "        ansible_ssh_private_key_file: $RUN_DIR/id_ed25519"
    echo "        ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
    echo "        ansible_python_interpreter: /usr/bin/python3"
  } > "$RUN_DIR/inventory.yml"
  # Through a proxy that enters the controller namespace: for tools that run in the host's namespace (molecule,
  # testinfra); the TCP connection still starts in $CTL_NS and only 10.213.0.0/16 is accepted by the proxy.
  proxy="ip netns exec $CTL_NS python3 $LAB_DIR_SELF/netns_proxy.py %h %p"
  sed "s|^        ansible_ssh_common_args: \\(.*\\)|        ansible_ssh_common_args: \\1 -o ProxyCommand=\"$proxy\"|" \
    "$RUN_DIR/inventory.yml" > "$RUN_DIR/inventory-proxy.yml"
  echo "$count" > "$RUN_DIR/count"
}

cmd_up() {
  local count="${1:-3}" base n start=$SECONDS copies=()
  if ! [[ "$count" =~ ^[0-9]+$ ]] || [ "$count" -lt 1 ] || [ "$count" -gt 250 ]; then
    die "machine count must be 1..250, got $count"
  fi
  require_tools
  if [ -e "$RUN_DIR" ] || netns_exists "$CTL_NS"; then
    die "a lab named $LAB_PREFIX exists; run 'lab.sh down' first"
  fi
  base="$(ensure_base)"
  mkdir -p "$RUN_DIR"
  ssh-keygen -q -t ed25519 -N '' -C "lab-controller" -f "$RUN_DIR/id_ed25519"
  setup_network "$count"
  for n in $(seq 1 "$count"); do prepare_machine "$base" "$n" & copies+=($!); done
  serve_fixtures
  for n in "${copies[@]}"; do wait "$n" || die "copying a machine's root filesystem failed"; done
  for n in $(seq 1 "$count"); do boot_machine "$n"; done
  for n in $(seq 1 "$count"); do wait_for_ssh "$n"; done
  write_inventories "$count"
  log "$count machines up in $((SECONDS - start)) s (controller namespace $CTL_NS)"
  echo "$RUN_DIR"
}

# ---------------------------------------------------------------- teardown (safe to run any number of times)
stop_machine() { stop_pidfile "$RUN_DIR/lab$1.pid" "lab$1"; }

stop_pidfile() {
  local pidfile="$1" what="$2" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "$what did not stop in 10 s; killing"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$pidfile"
}

remove_cgroups() {
  local n="$1" root dir
  for root in "${CGROUP_ROOTS[@]}"; do
    dir="$root/$(machine_cgroup "$n")"
    [ -d "$dir" ] || continue
    # Processes left (should be none): move them back to the root before removing the directories.
    find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r pid; do echo "$pid" > "$root/cgroup.procs" || true; done
    find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    [ -d "$dir" ] && log "WARNING: could not remove $dir"
  done
  return 0
}

cmd_down() {
  local n count=0 ns
  [ -f "$RUN_DIR/count" ] && count="$(cat "$RUN_DIR/count")"
  for pidfile in "$RUN_DIR"/lab*.pid; do
    [ -e "$pidfile" ] || continue
    n="$(basename "$pidfile" .pid)"; n="${n#lab}"
    [ "$n" -gt "$count" ] && count="$n"
  done
  for n in $(seq 1 "$count"); do stop_machine "$n" & done
  stop_pidfile "$RUN_DIR/mirror.pid" mirror
  wait
  # Namespaces and cgroups of this prefix only (also those of a run that died before writing its count).
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$LAB_PREFIX-(ctl|h[0-9]+)$" || true); do
    ip netns pids "$ns" 2>/dev/null | while read -r pid; do log "WARNING: pid $pid still in $ns"; done
    ip netns delete "$ns"
  done
  for root in "${CGROUP_ROOTS[@]}"; do
    for dir in "$root/$LAB_PREFIX"-lab*; do [ -d "$dir" ] && remove_cgroups "${dir##*-lab}"; done
  done
  rm -rf "$RUN_DIR"
  check_nothing_left
  log "lab $LAB_PREFIX removed"
}

check_nothing_left() {
  local left=()
  mapfile -t left < <(ip netns list | awk '{print $1}' | grep -E "^$LAB_PREFIX-(ctl|h[0-9]+)$" || true)
  for root in "${CGROUP_ROOTS[@]}"; do
    for dir in "$root/$LAB_PREFIX"-lab*; do [ -d "$dir" ] && left+=("$dir"); done
  done
  [ -e "$RUN_DIR" ] && left+=("$RUN_DIR")
  [ ${#left[@]} -eq 0 ] || die "left behind after down: ${left[*]}"
}

cmd_status() {
  ip netns list | grep -E "^$LAB_PREFIX-" || echo "no namespaces for $LAB_PREFIX"
  for pidfile in "$RUN_DIR"/lab*.pid; do
    [ -e "$pidfile" ] || continue
    printf '%s pid %s %s\n' "$(basename "$pidfile" .pid)" "$(cat "$pidfile")" \
      "$(kill -0 "$(cat "$pidfile")" 2>/dev/null && echo running || echo stopped)"
  done
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    exec) exec ip netns exec "$CTL_NS" "$@" ;;
    base) require_tools; ensure_base ;;
    *) die "usage: lab.sh up [N] | down | status | exec CMD... | base" ;;
  esac
}

main "$@"
