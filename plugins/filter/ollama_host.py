# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filter ollama_host: read an OLLAMA_HOST value the way Ollama's envconfig.Host does; documented in ollama_host.yml."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible.errors import AnsibleFilterError

DEFAULT_PORT = 11434
WILDCARDS = ('', '0.0.0.0', '::')


def _split_host_port(hostport):
    """(host, port text) like Go's net.SplitHostPort, or None when it has no port."""
    if hostport.startswith('['):
        host, sep, rest = hostport[1:].partition(']')
        if not sep or not rest.startswith(':'):
            return None
        return host, rest[1:]
    if hostport.count(':') != 1:
        return None
    host, port = hostport.split(':')
    return host, port


def _is_loopback(host):
    if host.lower() == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ollama_host(value):
    """Scheme, listen host, port, client URL and loopback-ness of an OLLAMA_HOST value."""
    if value is not None and not isinstance(value, str):
        raise AnsibleFilterError('local_llm.ollama.ollama_host: expected a string, got %r' % (value,))
    text = (value or '').strip().strip('"\'')
    scheme, sep, hostport = text.partition('://')
    default_port = DEFAULT_PORT
    if not sep:
        scheme, hostport = 'http', text
    elif scheme in ('http', 'https'):
        default_port = 80 if scheme == 'http' else 443
    hostport = hostport.split('/', 1)[0]
    split = _split_host_port(hostport)
    if split is None:
        host, port_text = hostport.strip('[]') or '127.0.0.1', str(default_port)
    else:
        host, port_text = split
    try:
        port = int(port_text) if port_text else default_port
    except ValueError:
        raise AnsibleFilterError('local_llm.ollama.ollama_host: port %r in OLLAMA_HOST=%r is not a number'
                                 % (port_text, value))
    if not 0 < port < 65536:
        raise AnsibleFilterError('local_llm.ollama.ollama_host: port %d in OLLAMA_HOST=%r is out of range' % (port, value))
    client_host = '127.0.0.1' if host in ('', '0.0.0.0') else ('::1' if host == '::' else host)
    bracketed = '[%s]' % client_host if ':' in client_host else client_host
    return {
        'scheme': scheme,
        'host': host,
        'port': port,
        'all_interfaces': host in WILDCARDS,
        'loopback': host not in WILDCARDS and _is_loopback(host),
        'url': '%s://%s:%d' % (scheme, bracketed, port),
    }


class FilterModule(object):
    def filters(self):
        return {'ollama_host': ollama_host}
