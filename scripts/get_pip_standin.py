"""Offline stand-in for ansible-test's get-pip bootstrap (ansible-test runs it as __main__ with pip arguments).

ensurepip must run as a subprocess: in-process it sets PIP_CONFIG_FILE=/dev/null, and the pip call after it
would then ignore /etc/pip.conf (and with it the proxy CA bundle).
"""

import subprocess
import sys

ARGS = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install", "--upgrade"] + ARGS)
