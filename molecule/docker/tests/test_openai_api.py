"""The OpenAI-compatible API of the Docker deployment, through the published loopback port (what editors use)."""

import json

CLIENT = """
import json, sys, urllib.request
body = json.loads(sys.argv[2]) if len(sys.argv) > 2 else None
request = urllib.request.Request('http://127.0.0.1:11434' + sys.argv[1],
                                 data=json.dumps(body).encode() if body else None,
                                 headers={'Content-Type': 'application/json'})
print(urllib.request.urlopen(request, timeout=60).read().decode())
"""


def call(host, path, body=None):
    args = [CLIENT, path] + ([json.dumps(body)] if body else [])
    return json.loads(host.check_output("python3 -c %s" + " %s" * (len(args) - 1), *args))


def test_v1_models_lists_the_created_model(host):
    listed = call(host, "/v1/models")
    assert listed["object"] == "list"
    assert "tiny-docker:latest" in [model["id"] for model in listed["data"]]


def test_v1_chat_completion_answers_with_the_model(host):
    answer = call(
        host,
        "/v1/chat/completions",
        {
            "model": "tiny-docker",
            "stream": False,
            "max_tokens": 8,
            "messages": [{"role": "user", "content": "Say OK."}],
        },
    )
    assert answer["object"] == "chat.completion"
    assert answer["model"] == "tiny-docker"
    assert answer["choices"][0]["message"]["content"].strip()
    assert answer["usage"]["completion_tokens"] == 8
