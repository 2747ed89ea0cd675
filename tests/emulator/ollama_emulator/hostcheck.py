"""The DNS rebinding defence of Ollama 0.32.15 (server/routes.go: allowedHostsMiddleware, allowedHost, isLocalIP).

The check is on only while the server listens on a loopback address. Then a request whose Host header is not a
loopback, private, unspecified or local-interface IP, not empty, not "localhost" or the machine's hostname and not
under .localhost/.local/.internal is answered 403 with an empty body. An allowed OPTIONS request is answered 204.
"""

import ipaddress
import socket

_LOCAL_TLDS = ("localhost", "local", "internal")
# netip.Addr.IsPrivate: RFC 1918 and RFC 4193 only (Python's is_private is much wider).
_PRIVATE = [ipaddress.ip_network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")]


def parse_addr(text):
    """netip.ParseAddr: an IPv4 or IPv6 address (zone allowed), or None."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _unmapped(addr):
    mapped = getattr(addr, "ipv4_mapped", None)
    return mapped if mapped is not None else addr


def listens_on_loopback(listen_host):
    """The check is off when the listener's address parses and is not loopback (Go's ParseAddrPort)."""
    addr = parse_addr(listen_host)
    return addr is None or _unmapped(addr).is_loopback


def split_host_port(host):
    """net.SplitHostPort's host, or the whole header when it has no port (then "[::1]" stays bracketed)."""
    if host.startswith("["):
        end = host.find("]")
        if end > 0 and host[end + 1 : end + 2] == ":" and ":" not in host[end + 2 :]:
            return host[1:end]
        return host
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


def local_addresses():
    """isLocalIP: every address of every interface (the kernel's local IPv4 routes and IPv6 address list)."""
    found = set()
    try:
        with open("/proc/net/if_inet6", encoding="ascii") as handle:
            for line in handle:
                found.add(str(ipaddress.IPv6Address(int(line.split()[0], 16))))
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open("/proc/net/fib_trie", encoding="ascii") as handle:
            last = None
            for line in handle:
                text = line.strip()
                if text.startswith("|--"):
                    last = text[3:].strip()
                elif text == "/32 host LOCAL" and last:
                    found.add(last)
    except OSError:
        pass
    return found


def _ip_allowed(addr):
    unmapped = _unmapped(addr)
    if unmapped.is_loopback or any(unmapped in net for net in _PRIVATE if net.version == unmapped.version):
        return True
    if str(addr) in ("0.0.0.0", "::"):
        return True
    return str(addr) in local_addresses()


def allowed_host(host):
    host = host.lower()
    if host in ("", "localhost"):
        return True
    if host == socket.gethostname().lower():
        return True
    return any(host.endswith("." + tld) for tld in _LOCAL_TLDS)


def host_allowed(header):
    """True when a request with this Host header passes (the listener being on loopback)."""
    host = split_host_port(header or "")
    addr = parse_addr(host)
    if addr is not None and _ip_allowed(addr):
        return True
    return allowed_host(host)
