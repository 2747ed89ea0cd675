"""An Ollama API emulator for tests (standard library only, Python 3.9+)."""

from .emulator import Emulator
from .gguf import make_gguf, read_gguf
from .real_models import QWEN25_CODER_7B, QWEN_CHATML_TOOLS

__all__ = ["Emulator", "QWEN25_CODER_7B", "QWEN_CHATML_TOOLS", "make_gguf", "read_gguf"]
