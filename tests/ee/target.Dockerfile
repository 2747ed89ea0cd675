# A GPU host for the AWX-style job (tests/ee/awx_job.sh): the molecule image of Debian 12 (systemd) with sshd and the
# packages tests/lab/lab.sh bakes into its lab machines, so preflight finds them present. Built on the host network
# (apt); the job's sshd listens on 127.0.0.1 only, at the port each container is given (sshd_config.d/port.conf).
ARG BASE
FROM $BASE
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server zstd python3-debian acl \
 && apt-get clean \
 && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp \
 && printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\nListenAddress 127.0.0.1\n' \
    > /etc/ssh/sshd_config.d/lab.conf \
 && ln -sf /dev/null /etc/systemd/system/apt-daily.timer && ln -sf /dev/null /etc/systemd/system/apt-daily-upgrade.timer
