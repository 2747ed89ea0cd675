# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  host:
    description:
      - The Ollama server to talk to, in any form C(OLLAMA_HOST) accepts
        (V(host), V(host:port), V(:port), V([v6addr]:port), V(http://host[:port][/path]), V(https://...)).
      - V(http://) without a port means port 80, V(https://) port 443, otherwise 11434.
        V(0.0.0.0) (a listen address) connects to V(127.0.0.1) as the ollama CLI does.
      - When not set, the C(OLLAMA_HOST) environment variable of the managed host is used,
        else V(http://127.0.0.1:11434).
      - A port that is not 1 to 65535, another scheme, an unclosed V([) or credentials (V(user:password@), which
        Ollama has no use for) are refused before any request; credentials are never shown in the output.
    type: str
  timeout:
    description:
      - Seconds to wait for an answer to one API request (connect and each read), 1 to 86400.
    type: int
    default: 30
  validate_certs:
    description:
      - Verify the TLS certificate when O(host) uses V(https://).
    type: bool
    default: true
  wait_for_server:
    description:
      - Seconds to wait for the server to answer before the first request, for a service
        that was just (re)started, 0 to 86400. V(0) does not wait (reads are still retried a few times).
    type: int
    default: 0
"""
