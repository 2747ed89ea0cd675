"""The Ollama version the emulator reports; build_release.py rewrites this file."""

VERSION = "0.32.15"
