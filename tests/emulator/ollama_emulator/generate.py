"""/api/generate, /api/chat and /api/ps with timing metrics paced at the configured token rates."""

import hashlib
import re
import time

from .answers import split_pieces
from .errors import HandlerError
from .gojson import rfc3339_nano
from .model import Model
from .names import parse_name
from .responses import JSON_CHARSET, NDJSON, Response, json_response
from .runner import keep_alive_ns

WORDS = (
    "The",
    " sky",
    " is",
    " blue",
    " because",
    " air",
    " scatters",
    " short",
    " wavelengths",
    " of",
    " sunlight",
    " more",
    " than",
    " long",
    " ones",
    ".",
)
DEFAULT_ANSWER_TOKENS = 24
INT_OPTIONS = (
    "num_ctx",
    "num_batch",
    "num_gpu",
    "main_gpu",
    "num_thread",
    "num_keep",
    "seed",
    "num_predict",
    "top_k",
    "repeat_last_n",
)
FLOAT_OPTIONS = (
    "top_p",
    "min_p",
    "typical_p",
    "temperature",
    "repeat_penalty",
    "presence_penalty",
    "frequency_penalty",
)


def count_tokens(text):
    """A stable stand-in tokenizer: words and punctuation, plus BOS."""
    return 1 + len(re.findall(r"\w+|[^\w\s]", text or ""))


def token_ids(text, count):
    seed = hashlib.sha256((text or "").encode("utf-8")).digest()
    return [2 + (seed[i % 32] * 977 + i * 131) % 262000 for i in range(count)]


def check_options(options):
    """Options.FromMap type checks: the errors a wrongly typed stored parameter causes."""
    for key, value in options.items():
        if key in INT_OPTIONS and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise HandlerError(500, 'option "%s" must be of type integer' % key)
        if key in FLOAT_OPTIONS and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise HandlerError(500, 'option "%s" must be of type float32' % key)
        if key == "stop" and not isinstance(value, list):
            raise HandlerError(500, 'option "stop" must be of type array')


class Timing:
    """The durations of one request, in ns, in the llama-server granularity of the recordings."""

    def __init__(self, cold, prompt_tokens, eval_tokens, emu, tps):
        load_s = emu.load_seconds if cold else emu.warm_load_seconds
        self.load = int(load_s * 1e9) + (time.time_ns() % 1000)
        self.prompt = int(round(prompt_tokens / float(emu.prompt_tokens_per_second) * 1e6)) * 1000
        self.per_token = 1.0 / float(tps)
        self.eval = int(round(eval_tokens / float(tps) * 1e6)) * 1000


class GenerateApi:
    def __init__(self, emu):
        self.emu = emu

    def rate_for(self, name):
        rate = self.emu.tokens_per_second
        if isinstance(rate, dict):
            for key in (name.shortest(), name.model, "*"):
                if key in rate:
                    return float(rate[key])
            return 60.0
        return float(rate)

    def _model(self, request):
        raw = request.get("model") or ""
        if not raw:
            raise HandlerError(400, "model is required")
        name = parse_name(raw)
        with self.emu.lock:
            stored = self.emu.store.find(name) if name.valid else None
            if stored is None:
                raise HandlerError(404, "model '%s' not found" % raw)
            model = Model(self.emu.store, stored)
        if "completion" not in model.capabilities():
            raise HandlerError(400, '"%s" does not support %s' % (raw, "generate"))
        if request.get("tools") and "tools" not in model.capabilities():
            # ChatHandler asks for CapabilityTools when the request has tools; the message names the full name.
            raise HandlerError(400, "%s/%s/%s:%s does not support tools" % stored.parts)
        return model

    def _options(self, model, request):
        options = dict(model.params)
        options.update(request.get("options") or {})
        check_options(options)
        return options

    def _keep_alive(self, request):
        value = request.get("keep_alive", self.emu.keep_alive)
        try:
            return keep_alive_ns(value)
        except ValueError as exc:
            raise HandlerError(400, str(exc)) from None

    def generate(self, request):
        return self._run(request, chat=False)

    def chat(self, request):
        return self._run(request, chat=True)

    def _run(self, request, chat):
        model = self._model(request)
        options = self._options(model, request)
        keep_alive = self._keep_alive(request)
        num_ctx = int(options.get("num_ctx") or self.emu.num_ctx)
        started = time.time_ns()
        if chat:
            messages = request.get("messages") or []
            prompt = "\n".join(str(m.get("content", "")) for m in messages)
            empty = not messages
        else:
            prompt = (request.get("system") or model.system or "") + (request.get("prompt") or "")
            empty = not request.get("prompt") and not request.get("images")
        cold = self.emu.runner.acquire(model, num_ctx)
        if empty:
            return self._load_only(model, request, keep_alive, chat)
        limit = int(options.get("num_predict", -1))
        pieces, done_reason = self._answer(
            messages[-1].get("content", "") if chat and messages else prompt, limit, request["model"]
        )
        eval_tokens = len(pieces)
        prompt_tokens = count_tokens(prompt) + (len(messages) * 3 if chat else 0)
        timing = Timing(cold, prompt_tokens, eval_tokens, self.emu, self.rate_for(model.name))
        final = {"model": request["model"], "created_at": None}
        final.update({"message": {"role": "assistant", "content": ""}} if chat else {"response": ""})
        final.update({"done": True, "done_reason": done_reason})
        if not chat:
            final["context"] = token_ids(prompt, prompt_tokens) + token_ids("".join(pieces), eval_tokens)
        metrics = {
            "prompt_eval_count": prompt_tokens,
            "prompt_eval_duration": timing.prompt,
            "eval_count": eval_tokens,
            "eval_duration": timing.eval,
        }

        def finish():
            self.emu.runner.release(model, keep_alive)
            final["created_at"] = rfc3339_nano(time.time_ns())
            busy = timing.load + timing.prompt + timing.eval
            final["total_duration"] = max(time.time_ns() - started, busy) + 250000
            final["load_duration"] = timing.load
            final.update(metrics)
            return final

        if request.get("stream") is False:
            time.sleep((timing.load + timing.prompt + timing.eval) / 1e9)
            if chat:
                final["message"]["content"] = "".join(pieces)
            else:
                final["response"] = "".join(pieces)
            return json_response(200, finish(), JSON_CHARSET)
        return Response(200, lines=self._stream(request, chat, pieces, timing, finish), content_type=NDJSON)

    def _answer(self, prompt, limit, model):
        """(pieces, done_reason): the scripted reply cut at num_predict, else num_predict filler words."""
        scripted = self.emu.answers.for_prompt(prompt, model)
        if scripted is None:
            count = limit if limit > 0 else DEFAULT_ANSWER_TOKENS
            return [WORDS[i % len(WORDS)] for i in range(count)], "length" if limit > 0 else "stop"
        pieces = split_pieces(scripted)
        if 0 < limit < len(pieces):
            return pieces[:limit], "length"
        return pieces, "stop"

    def _stream(self, request, chat, pieces, timing, finish):
        time.sleep((timing.load + timing.prompt) / 1e9)
        for piece in pieces:
            time.sleep(timing.per_token)
            line = {"model": request["model"], "created_at": rfc3339_nano(time.time_ns())}
            line.update({"message": {"role": "assistant", "content": piece}} if chat else {"response": piece})
            line["done"] = False
            yield line
        yield finish()

    def _load_only(self, model, request, keep_alive, chat):
        self.emu.runner.release(model, keep_alive)
        body = {"model": request["model"], "created_at": rfc3339_nano(time.time_ns())}
        body.update({"message": {"role": "assistant", "content": ""}} if chat else {"response": ""})
        body.update({"done": True, "done_reason": "unload" if keep_alive == 0 else "load"})
        return json_response(200, body, JSON_CHARSET)

    def ps(self, _request):
        return json_response(200, {"models": self.emu.runner.ps()})
