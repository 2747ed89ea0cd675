"""Write a models directory in Ollama's on-disk layout (manifests/ + blobs/) for the lab scenario.

Each model is created by the emulator's own create code from a generated GGUF whose architecture matches the real
model (metadata plus zero padding for a realistic transfer), so manifests and config blobs are what Ollama 0.32.15
writes. Usage: make_model_store.py DIR [--padding-mib N]
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# A program (lab.sh, molecule prepare, system python3), not a test: pytest's pythonpath does not reach it.
sys.path.insert(0, os.path.join(HERE, "..", "emulator"))

from ollama_emulator import QWEN_CHATML_TOOLS, Emulator  # noqa: E402  pylint: disable=wrong-import-position

# name -> GGUF architecture values of the real model (Qwen2.5-Coder model cards / GGUF metadata).
MODELS = {
    "qwen2.5-coder:1.5b": dict(
        architecture="qwen2",
        block_count=28,
        head_count=12,
        head_count_kv=2,
        embedding_length=1536,
        context_length=32768,
        extra_kv={"general.name": "Qwen2.5 Coder 1.5B Instruct"},
    ),
    "qwen2.5-coder:7b": dict(
        architecture="qwen2",
        block_count=28,
        head_count=28,
        head_count_kv=4,
        embedding_length=3584,
        context_length=32768,
        extra_kv={"general.name": "Qwen2.5 Coder 7B Instruct"},
    ),
    "qwen2.5-coder:14b": dict(
        architecture="qwen2",
        block_count=48,
        head_count=40,
        head_count_kv=8,
        embedding_length=5120,
        context_length=32768,
        extra_kv={"general.name": "Qwen2.5 Coder 14B Instruct"},
    ),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest")
    parser.add_argument("--padding-mib", type=int, default=16, help="zero bytes added to each model blob")
    parser.add_argument("--model", action="append", help="only these models (default: all)")
    args = parser.parse_args()
    emulator = Emulator(args.dest)
    for index, name in enumerate(args.model or sorted(MODELS)):
        # Different padding per model, so that no two models share a blob.
        padding = (args.padding_mib << 20) + index * 4096
        digest = emulator.seed_local_model(
            name, template=QWEN_CHATML_TOOLS, padding=padding, write_data=False, **MODELS[name]
        )
        print("%s %s" % (name, digest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
