#!/bin/sh
# Docker Desktop stand-in for molecule scenario docker_conflict, installed as /usr/local/bin/docker ahead of the real
# /usr/bin/docker. `docker info` asked for JSON answers what Docker Desktop 4.89's engine answers to the CLI of a WSL 2
# distribution with the integration on (tests/fixtures/docker-info/docker-desktop-wsl2.json; its README names the
# sources). Every other command goes to the real docker CLI and the real engine of the test container.
if [ "$1" = info ]; then
    case "$*" in
        *json*)
            cat /usr/local/share/llo-docker-desktop/docker-info.json
            exit 0
            ;;
    esac
fi
exec /usr/bin/docker "$@"
