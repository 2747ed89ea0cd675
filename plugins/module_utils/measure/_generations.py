# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Timed generations of one model, as ollama_benchmark and ollama_eval send them: the request (API, options,
keep_alive), the run loop with its uncounted warm-up, and Ollama's own counts and durations of each run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.local_llm.ollama.plugins.module_utils.measure._stats import rate, rounded
from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import coerce_parameters
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._generation import timed_generation


class DeadlinePassed(ValueError):
    """The requests of one task took longer than its deadline option allows; the message says what to change."""


API_PATHS = {"chat": "/api/chat", "generate": "/api/generate"}
# keep_alive as Ollama reads it: a number of seconds, or a Go duration (time.ParseDuration) such as 5m or 1h30m.
_DECIMAL = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_SECONDS = r"-?[0-9]+|-?[0-9]*\.[0-9]+"  # what keep_alive_value sends as a number
_KEEP_ALIVE = re.compile(r"^(?:%s|[-+]?(?:%s(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$" % (_SECONDS, _DECIMAL))


# ---------------------------------------------------------------- the request


def keep_alive_problem(text):
    """The message for a keep_alive the server would refuse (it is sent with every request), else None."""
    if text is None or _KEEP_ALIVE.match(str(text).strip()):
        return None
    return (
        "keep_alive=%r is not a duration Ollama reads; give seconds (300, -1 keeps the model loaded, 0 unloads it) "
        "or a Go duration such as 5m, 1h or 1h30m (units ns, us, ms, s, m, h, no spaces)" % (text,)
    )


def keep_alive_value(text):
    """A keep_alive option as the API wants it: seconds as a number, anything else as the duration string."""
    if text is None:
        return None
    text = str(text).strip()
    if re.match(r"^-?[0-9]+$", text):
        return int(text)
    if re.match(r"^-?[0-9]*\.[0-9]+$", text):
        return float(text)
    return text


def check_request_options(options, own_options):
    """The ``options`` of a generation request (ollama_benchmark, ollama_eval): names Ollama knows, typed values,
    none of the module's own options. ValueError naming the first problem."""
    clashes = sorted(set(options or {}) & set(own_options))
    if clashes:
        raise ValueError("options must not contain %s; use the module options of the same name" % ", ".join(clashes))
    try:
        coerce_parameters(options or {})
    except ValueError as exc:
        raise ValueError("options: %s" % exc)


def request_body(api, model, prompt, options, keep_alive=None):
    """The /api/chat (one user message) or /api/generate body for one run."""
    body = {"model": model, "options": options}
    if api == "chat":
        body["messages"] = [{"role": "user", "content": prompt}]
    else:
        body["prompt"] = prompt
    if keep_alive is not None:
        body["keep_alive"] = keep_alive
    return body


# ---------------------------------------------------------------- the runs


class Generations:
    """One model over one API, with the same options and keep_alive in every request."""

    def __init__(self, client, api, model, options, keep_alive=None):
        self.client = client
        self.api = api
        self.model = model
        self.options = options
        self.keep_alive = keep_alive_value(keep_alive)

    def ask(self, prompt):
        """One streamed request, timed on the client (a TimedGeneration)."""
        body = request_body(self.api, self.model, prompt, self.options, self.keep_alive)
        return timed_generation(self.client, API_PATHS[self.api], body)

    def counted(self, prompts, warmup=0, deadline=None):
        """Every prompt in order; the first ``warmup`` requests load the model and warm the caches and are not
        counted. (prompt, TimedGeneration) of each counted request. ``deadline``: seconds all of them may take;
        DeadlinePassed before the next request once they are spent."""
        started = time.monotonic()
        timed = []
        for prompt in prompts:
            spent = time.monotonic() - started
            if deadline is not None and spent > deadline:
                raise DeadlinePassed(
                    "deadline=%d s passed after %d of %d requests (%.0f s); lower runs or num_predict, or raise "
                    "deadline" % (deadline, len(timed), len(prompts), spent)
                )
            timed.append((prompt, self.ask(prompt)))
        return timed[warmup:]


def generation_figures(final):
    """Ollama's own counts and nanosecond durations of one generation (its final ``done`` object), with the
    generation and prompt rates they give, as ``ollama run --verbose`` prints them."""
    return {
        "eval_count": final.get("eval_count"),
        "eval_duration": final.get("eval_duration"),
        "tokens_per_second": rounded(rate(final.get("eval_count"), final.get("eval_duration")), 3),
        "prompt_eval_count": final.get("prompt_eval_count"),
        "prompt_eval_duration": final.get("prompt_eval_duration"),
        "prompt_tokens_per_second": rounded(rate(final.get("prompt_eval_count"), final.get("prompt_eval_duration")), 3),
        "load_duration": final.get("load_duration"),
        "total_duration": final.get("total_duration"),
        "done_reason": final.get("done_reason"),
    }
