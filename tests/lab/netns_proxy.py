"""SSH ProxyCommand: relay stdin/stdout to HOST:PORT (run it inside the lab's controller namespace).

Refuses any address outside 10.213.0.0/16, the lab links tests/lab/lab.sh creates, so a mistyped inventory can never
make a test connect elsewhere. Usage: netns_proxy.py HOST PORT
"""

import ipaddress
import os
import selectors
import socket
import sys

LAB_NETWORK = ipaddress.ip_network("10.213.0.0/16")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: netns_proxy.py HOST PORT\n")
        return 2
    host, port = argv[1], int(argv[2])
    if ipaddress.ip_address(host) not in LAB_NETWORK:
        sys.stderr.write("netns_proxy: %s is not a lab address (10.213.0.0/16)\n" % host)
        return 2
    sock = socket.create_connection((host, port), timeout=10)
    sock.settimeout(None)
    relay(sock, sys.stdin.fileno(), sys.stdout.fileno())
    return 0


def relay(sock, stdin_fd, stdout_fd):
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ, "sock")
    selector.register(stdin_fd, selectors.EVENT_READ, "stdin")
    open_ends = 2
    while open_ends:
        for key, _mask in selector.select():
            if key.data == "sock":
                data = sock.recv(65536)
                if not data:
                    return
                write_all(stdout_fd, data)
            else:
                data = os.read(stdin_fd, 65536)
                if not data:
                    selector.unregister(stdin_fd)
                    sock.shutdown(socket.SHUT_WR)
                    open_ends -= 1
                    continue
                sock.sendall(data)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
