# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the measuring modules (ollama_benchmark, ollama_eval) share around their method: the model must be on
the server, the frame of the result, and one way to fail for each kind of error."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import InvalidModelName, find_model
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._client import OllamaError, OllamaNotFound

PULL_HINT = (
    "pull it first (local_llm.ollama.ollama_model with name=%s, or `ollama pull %s`) or create it from a GGUF file"
)


class MissingModel(Exception):
    pass


def pull_hint(model):
    return PULL_HINT % (model, model)


def result_frame(client, model, settings):
    """The keys every measuring module returns first: nothing changed, the model, the server version, the
    settings measured with."""
    return {"changed": False, "model": model, "server_version": client.version(), "settings": settings}


def require_model(client, model):
    """The model's /api/tags entry; MissingModel naming the server and the fix when it is not there."""
    entry = find_model(client.list_models(), model)
    if entry is None:
        raise MissingModel(
            "model %r is not on the Ollama server at %s; %s" % (model, client.base_url, pull_hint(model))
        )
    return entry


def exit_with(module, measure, doing, input_errors):
    """exit_json with ``measure(module)``'s result, or fail_json naming the input, the model or the server error.

    ``doing`` completes "model X was not found while ..." (the model went away mid-run); ``input_errors`` are
    the exception classes whose message already names the option and the fix."""
    try:
        module.exit_json(**measure(module))
    except input_errors as exc:
        module.fail_json(msg=str(exc))
    except (MissingModel, InvalidModelName) as exc:
        module.fail_json(msg="model: %s" % exc)
    except OllamaNotFound as exc:
        model = module.params["model"]
        module.fail_json(
            msg="model %r was not found while %s (%s); %s" % (model, doing, exc, pull_hint(model)),
            url=exc.url,
            status=exc.status,
            server_message=exc.server_message,
        )
    except OllamaError as exc:
        module.fail_json(msg=str(exc), url=exc.url, status=exc.status, server_message=exc.server_message)
