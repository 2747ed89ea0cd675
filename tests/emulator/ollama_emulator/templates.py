"""Chat templates in the shape of real models', for models the tests seed."""

# The shape of the real Qwen2.5-Coder templates: ChatML with a tools section, so that a seeded model has the "tools"
# capability the real one has (verify's tools probe asks for it).
QWEN_CHATML_TOOLS = (
    "{{- if .Tools }}<|im_start|>system\n# Tools\n{{ range .Tools }}{{ . }}\n{{ end }}<|im_end|>\n{{ end }}"
    "<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n"
)
