"""An Ollama API emulator for tests (standard library only, Python 3.9+)."""

from .emulator import Emulator
from .gguf import make_gguf, read_gguf

__all__ = ["Emulator", "make_gguf", "read_gguf"]
