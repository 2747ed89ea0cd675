"""An Ollama API emulator for tests (standard library only, Python 3.9+)."""

from .emulator import Emulator
from .gguf import make_gguf, read_gguf
from .templates import QWEN_CHATML_TOOLS

__all__ = ["Emulator", "QWEN_CHATML_TOOLS", "make_gguf", "read_gguf"]
