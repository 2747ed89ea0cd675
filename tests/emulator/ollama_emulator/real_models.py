"""The shapes of real models, for the models tests seed: GGUF values and chat templates."""

# qwen2.5-coder:7b (Q4_K_M), as its GGUF metadata has it: what the VRAM planner and verify read.
QWEN25_CODER_7B = dict(
    architecture="qwen2",
    block_count=28,
    head_count=28,
    head_count_kv=4,
    embedding_length=3584,
    context_length=32768,
    parameter_count=7615616512,
    file_type=15,
)

# The shape of the real Qwen2.5-Coder templates: ChatML with a tools section, so that a seeded model has the "tools"
# capability the real one has (verify's tools probe asks for it).
QWEN_CHATML_TOOLS = (
    "{{- if .Tools }}<|im_start|>system\n# Tools\n{{ range .Tools }}{{ . }}\n{{ end }}<|im_end|>\n{{ end }}"
    "<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n"
)
