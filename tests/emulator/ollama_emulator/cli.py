"""Program mode behaving like the `ollama` binary: serve, list, ps, --version."""

import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from .emulator import Emulator
from .gojson import rfc3339_nano
from .version import VERSION

DEFAULT_PORT = 11434

# `ollama serve --help` of the real 0.32.15 binary, word for word (tests/real/test_real_cli.py compares them).
SERVE_HELP = """\
Start Ollama

Usage:
  ollama serve [flags]

Aliases:
  serve, start

Flags:
  -h, --help   help for serve

Environment Variables:
      OLLAMA_DEBUG                  Show additional debug information (e.g. OLLAMA_DEBUG=1)
      OLLAMA_HOST                   IP Address for the ollama server (default 127.0.0.1:11434)
      OLLAMA_CONTEXT_LENGTH         Context length to use unless otherwise specified (default: 4k/32k/256k based on VRAM)
      OLLAMA_KEEP_ALIVE             The duration that models stay loaded in memory (default "5m")
      OLLAMA_MAX_LOADED_MODELS      Maximum number of loaded models per GPU
      OLLAMA_MAX_TRANSFER_STREAMS   Maximum parallel transfer streams for safetensors model pulls/pushes (default 4)
      OLLAMA_MAX_QUEUE              Maximum number of queued requests
      OLLAMA_MODELS                 The path to the models directory
      OLLAMA_NUM_PARALLEL           Maximum number of parallel requests
      OLLAMA_NO_CLOUD               Disable Ollama cloud features (remote inference and web search)
      OLLAMA_NOPRUNE                Do not prune model blobs on startup
      OLLAMA_ORIGINS                A comma separated list of allowed origins
      OLLAMA_SCHED_SPREAD           Always schedule model across all GPUs
      OLLAMA_FLASH_ATTENTION        Enabled flash attention
      OLLAMA_KV_CACHE_TYPE          Quantization type for the K/V cache (default: f16)
      OLLAMA_LLM_LIBRARY            Set LLM library to bypass autodetection
      OLLAMA_GPU_OVERHEAD           Reserve a portion of VRAM per GPU (bytes)
      OLLAMA_IGPU_ENABLE            Enable integrated GPUs
      LLAMA_ARG_FIT                 Enable llama.cpp automatic fit of unset memory options (default "on")
      LLAMA_ARG_FIT_TARGET          Target free VRAM margin per device for llama.cpp fit (MiB)
      OLLAMA_LOAD_TIMEOUT           How long to allow model loads to stall before giving up (default "5m")
"""


def parse_host(value):
    """OLLAMA_HOST -> (scheme, host, port) following envconfig.Host, leniently as the real server does (a bad port
    falls back to the default). The collection refuses such values instead, in its one reader
    plugins/module_utils/ollama/_endpoint.py, which the modules and the ollama_host filter share."""
    value = (value or "").strip().strip("\"'")
    scheme, default_port = "http", DEFAULT_PORT
    if "://" in value:
        scheme, value = value.split("://", 1)
        default_port = {"http": 80, "https": 443}.get(scheme, DEFAULT_PORT)
    value = value.split("/", 1)[0]
    host, port = value, default_port
    if value.startswith("["):
        host, _sep, rest = value[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") and rest[1:] else default_port
    elif value.count(":") == 1:
        host, port_text = value.split(":")
        port = int(port_text) if port_text else default_port
    return scheme, host or "127.0.0.1", port


def client_base():
    scheme, host, port = parse_host(os.environ.get("OLLAMA_HOST", ""))
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return "%s://%s:%d" % (scheme, host if ":" not in host else "[%s]" % host, port)


def _get(path, method="GET"):
    request = urllib.request.Request(client_base() + path, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        data = response.read()
    return json.loads(data.decode("utf-8")) if data and method != "HEAD" else None


def human_bytes(size):
    """format.HumanBytes: decimal units, e.g. 253 MB, 4.7 GB."""
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= factor:
            value = size / factor
            return ("%d %s" % (value, unit)) if value == int(value) or value >= 10 else "%.1f %s" % (value, unit)
    return "%d B" % size


def human_since(timestamp):
    seconds = max(0, time.time() - _parse_time(timestamp))
    for unit, length in (
        ("year", 31536000),
        ("month", 2592000),
        ("week", 604800),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if seconds >= length:
            count = int(seconds // length)
            return "%d %s%s ago" % (count, unit, "s" if count > 1 else "")
    return "Less than a second ago" if seconds < 1 else "%d seconds ago" % seconds


def _parse_time(text):
    text = text.rstrip("Z")
    main_part, _sep, fraction = text.partition(".")
    stamp = time.mktime(time.strptime(main_part, "%Y-%m-%dT%H:%M:%S")) - time.timezone
    return stamp + (float("0." + fraction) if fraction else 0.0)


def print_table(rows):
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("    ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def processor(size, size_vram):
    if size_vram == 0:
        return "100% CPU"
    if size_vram == size:
        return "100% GPU"
    if size_vram > size or size == 0:
        return "Unknown"
    cpu = int(round((size - size_vram) / float(size) * 100))
    return "%d%%/%d%% CPU/GPU" % (cpu, 100 - cpu)


def cmd_list():
    _get("/", "HEAD")
    rows = [["NAME", "ID", "SIZE", "MODIFIED"]]
    for model in _get("/api/tags")["models"]:
        rows.append(
            [model["name"], model["digest"][:12], human_bytes(model["size"]), human_since(model["modified_at"])]
        )
    print_table(rows)
    return 0


def cmd_ps():
    _get("/", "HEAD")
    rows = [["NAME", "ID", "SIZE", "PROCESSOR", "CONTEXT", "UNTIL"]]
    for model in _get("/api/ps")["models"]:
        left = _parse_time(model["expires_at"]) - time.time()
        if left <= 0:
            until = "Stopping..."
        elif left > 20 * 31536000:
            until = "Forever"
        else:
            until = "%d minutes from now" % max(1, left // 60)
        rows.append(
            [
                model["name"],
                model["digest"][:12],
                human_bytes(model["size"]),
                processor(model["size"], model["size_vram"]),
                str(model["context_length"]),
                until,
            ]
        )
    print_table(rows)
    return 0


def _post_stream(path, body):
    """POST body as JSON; yields the NDJSON objects of the answer (an HTTP error's JSON is raised as ValueError)."""
    request = urllib.request.Request(
        client_base() + path, data=json.dumps(body).encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            for line in response:
                if line.strip():
                    yield json.loads(line.decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ValueError(json.loads(exc.read().decode("utf-8") or "{}").get("error", str(exc))) from None


def cmd_create(args):
    """`ollama create NAME -f Modelfile` for a Modelfile whose FROM names a model (the client folds the Modelfile
    into the structured /api/create request, as the real one does)."""
    from .errors import HandlerError  # pylint: disable=import-outside-toplevel
    from .modelfile import parse, to_request  # pylint: disable=import-outside-toplevel

    if len(args) != 3 or args[1] not in ("-f", "--file"):
        sys.stderr.write("Error: usage: ollama create MODEL -f Modelfile\n")
        return 1
    try:
        with open(args[2], encoding="utf-8") as handle:
            request = to_request(parse(handle.read()))
    except (OSError, HandlerError) as exc:
        sys.stderr.write("Error: %s\n" % exc)
        return 1
    if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(args[2])), request["from"])):
        sys.stderr.write("Error: a FROM file is not emulated; name a model\n")
        return 1
    request = {key: value for key, value in request.items() if value not in ({}, [])}
    request["model"] = args[0]
    try:
        for status in _post_stream("/api/create", request):
            if "error" in status:
                raise ValueError(status["error"])
            print(status.get("status", ""))
    except ValueError as exc:
        sys.stderr.write("Error: %s\n" % exc)
        return 1
    return 0


def cmd_show(args):
    """`ollama show NAME --parameters|--modelfile|--template|--system|--license`: that field of /api/show."""
    fields = {"--parameters": "parameters", "--modelfile": "modelfile", "--template": "template", "--system": "system"}
    fields["--license"] = "license"
    if len(args) != 2 or args[1] not in fields:
        sys.stderr.write("Error: usage: ollama show MODEL %s\n" % "|".join(sorted(fields)))
        return 1
    try:
        answer = next(_post_stream("/api/show", {"model": args[0]}))
    except ValueError as exc:
        sys.stderr.write("Error: %s\n" % exc)
        return 1
    print(answer.get(fields[args[1]], ""))
    return 0


def cmd_version():
    try:
        server = _get("/api/version")["version"]
    except (OSError, ValueError, KeyError):
        print("Warning: could not connect to a running Ollama instance")
        print("Warning: client version is %s" % VERSION)
        return 0
    print("ollama version is %s" % server)
    if server != VERSION:
        print("Warning: client version is %s" % VERSION)
    return 0


def _env_float(name, default):
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def emulator_from_env():
    scheme, host, port = parse_host(os.environ.get("OLLAMA_HOST", ""))
    del scheme
    models = os.environ.get("OLLAMA_MODELS") or os.path.join(os.path.expanduser("~"), ".ollama", "models")
    tps = os.environ.get("OLLAMA_EMULATOR_TPS", "60")
    return Emulator(
        models,
        registry_dir=os.environ.get("OLLAMA_EMULATOR_REGISTRY") or None,
        version=os.environ.get("OLLAMA_EMULATOR_VERSION") or VERSION,
        tokens_per_second=json.loads(tps) if tps.startswith("{") else float(tps),
        prompt_tokens_per_second=_env_float("OLLAMA_EMULATOR_PROMPT_TPS", 600.0),
        load_seconds=_env_float("OLLAMA_EMULATOR_LOAD_SECONDS", 0.2),
        gpu_fraction=_env_float("OLLAMA_EMULATOR_GPU_FRACTION", 1.0),
        keep_alive=os.environ.get("OLLAMA_KEEP_ALIVE") or "5m",
        num_ctx=int(_env_float("OLLAMA_CONTEXT_LENGTH", 0) or 4096),
        registry_offline=os.environ.get("OLLAMA_EMULATOR_REGISTRY_OFFLINE", "") not in ("", "0", "false"),
        resolver=os.environ.get("OLLAMA_EMULATOR_RESOLVER") or "127.0.0.53",
        host="0.0.0.0" if host == "::" else host,
        port=port,
        start_delay=_env_float("OLLAMA_EMULATOR_START_DELAY", 0.0),
    )


def serve_arguments_refusal(args):
    """Cobra's answer to `serve` with arguments: (exit status, text, stream), or None to start the server."""
    for arg in args:
        if arg in ("-h", "--help"):
            return 0, SERVE_HELP, sys.stdout
        if arg.startswith("-"):
            return 1, "Error: unknown flag: %s\n" % arg, sys.stderr
    if args:
        return 1, "Error: accepts 0 arg(s), received %d\n" % len(args), sys.stderr
    return None


def cmd_serve(args=()):
    refusal = serve_arguments_refusal(args)
    if refusal:
        status, text, stream = refusal
        stream.write(text)
        return status
    emu = emulator_from_env()
    stopped = threading.Event()

    def on_signal(signum, frame):
        del signum, frame
        stopped.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    config = {
        "OLLAMA_HOST": "http://%s:%d" % (emu.host, emu.port),
        "OLLAMA_MODELS": emu.models_dir,
        "OLLAMA_KEEP_ALIVE": emu.keep_alive,
        "OLLAMA_CONTEXT_LENGTH": emu.num_ctx,
        "OLLAMA_EMULATOR_TPS": emu.tokens_per_second,
        "OLLAMA_EMULATOR_GPU_FRACTION": emu.gpu_fraction,
    }
    env = " ".join("%s:%s" % (key, config[key]) for key in sorted(config))
    now = rfc3339_nano(time.time_ns())[:19]
    sys.stderr.write('time=%s level=INFO source=routes.go msg="server config" env="map[%s]"\n' % (now, env))
    emu.start(wait=False)
    emu.wait_until_listening(30 + emu.start_delay)
    sys.stderr.write(
        'time=%s level=INFO source=routes.go msg="Listening on %s:%d (version %s)"\n'
        % (now, emu.host, emu.port, emu.version)
    )
    sys.stderr.flush()
    stopped.wait()
    emu.stop()
    return 0


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(
            "Usage:\n  ollama [flags]\n  ollama [command]\n\nAvailable Commands:\n  serve\n  create\n  show\n  list\n  ps"
        )
        return 0
    command = argv[0]
    if command in ("-v", "--version"):
        return cmd_version()
    handlers = {"serve": cmd_serve, "start": cmd_serve, "list": cmd_list, "ls": cmd_list, "ps": cmd_ps}
    with_arguments = {"create": cmd_create, "show": cmd_show}
    if command in with_arguments:
        try:
            return with_arguments[command](argv[1:])
        except (urllib.error.URLError, OSError):
            sys.stderr.write("Error: could not connect to ollama app, is it running?\n")
            return 1
    if command not in handlers:
        sys.stderr.write('Error: unknown command "%s" for "ollama"\n' % command)
        return 1
    try:
        if handlers[command] is cmd_serve:
            return cmd_serve(argv[1:])
        return handlers[command]()
    except (urllib.error.URLError, OSError) as exc:
        del exc
        sys.stderr.write("Error: could not connect to ollama app, is it running?\n")
        return 1
