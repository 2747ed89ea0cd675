"""Model names: `[host/][namespace/]model[:tag]` with Ollama's defaults and display rules."""

import re

DEFAULT_HOST = "registry.ollama.ai"
DEFAULT_NAMESPACE = "library"
DEFAULT_TAG = "latest"

_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$")
_HOST = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,349}(:[0-9]{1,5})?$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$")


class ModelName:
    """A parsed model name; `valid` is False when a part breaks the naming rules."""

    def __init__(self, host, namespace, model, tag):
        self.host = host
        self.namespace = namespace
        self.model = model
        self.tag = tag

    @property
    def valid(self):
        return bool(
            _HOST.match(self.host) and _PART.match(self.namespace) and _PART.match(self.model) and _TAG.match(self.tag)
        )

    @property
    def parts(self):
        return (self.host, self.namespace, self.model, self.tag)

    def shortest(self):
        """DisplayShortest: drop the default host and namespace, always keep the tag."""
        if self.host.lower() == DEFAULT_HOST:
            if self.namespace.lower() == DEFAULT_NAMESPACE:
                return "%s:%s" % (self.model, self.tag)
            return "%s/%s:%s" % (self.namespace, self.model, self.tag)
        return "%s/%s/%s:%s" % self.parts

    def key(self):
        """Case-insensitive identity used to find existing models."""
        return tuple(part.lower() for part in self.parts)

    def __eq__(self, other):
        return isinstance(other, ModelName) and self.key() == other.key()

    def __hash__(self):
        return hash(self.key())

    def __repr__(self):
        return "ModelName(%r)" % self.shortest()


def parse_name(text):
    """Parse a name the way model.ParseName does (digest suffixes are not supported)."""
    text = (text or "").strip()
    host, namespace, tag = DEFAULT_HOST, DEFAULT_NAMESPACE, DEFAULT_TAG
    rest = text
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
    parts = rest.split("/")
    if len(parts) > 3:
        return ModelName("", "", "", "")
    if len(parts) == 3:
        host, namespace, model = parts
    elif len(parts) == 2:
        namespace, model = parts
    else:
        model = parts[0]
    return ModelName(host, namespace, model, tag)
