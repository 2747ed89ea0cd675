"""`python3 -m ollama_emulator serve|list|ps|--version`."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
