"""Build an `ollama-linux-<arch>` release archive whose bin/ollama runs the emulator.

Usage: python3 build_release.py --version 0.32.15 --arch amd64 --out DIR
Layout like the real release: bin/ollama + lib/ollama/...; .tgz before 0.14.0, .tar.zst from
0.14.0 (needs the zstd binary); sha256sum.txt in the v0.3.7+ format `<hex>  ./<asset>`.
Archives are byte-reproducible: sorted entries, mtime 0, uid/gid 0.
"""

import argparse
import gzip
import hashlib
import io
import os
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "ollama_emulator"
# bin/ollama of the archive, a program: it finds the package in ../lib/ollama of wherever the archive is unpacked.
LAUNCHER = """#!/usr/bin/env python3
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "lib", "ollama"))
from ollama_emulator.cli import main

sys.exit(main(sys.argv[1:]))
"""


def version_tuple(text):
    return tuple(int(p) if p.isdigit() else 0 for p in text.lstrip("v").split("-")[0].split("."))


def archive_files(version):
    """(archive path, bytes, mode) for every file, sorted by path."""
    files = [("bin/ollama", LAUNCHER.encode("utf-8"), 0o755)]
    source = os.path.join(HERE, PACKAGE)
    for name in sorted(os.listdir(source)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(source, name), "rb") as handle:
            data = handle.read()
        if name == "version.py":
            data = (
                '"""The Ollama version the emulator reports (baked by build_release.py)."""\n\n'
                'VERSION = "%s"\n' % version
            ).encode("utf-8")
        files.append(("lib/ollama/%s/%s" % (PACKAGE, name), data, 0o644))
    return sorted(files)


def tar_bytes(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        directories = sorted({os.path.dirname(path) for path, _data, _mode in files} | {"bin", "lib", "lib/ollama"})
        for path in directories:
            info = tarfile.TarInfo("./" + path)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            archive.addfile(_normalised(info))
        for path, data, mode in files:
            info = tarfile.TarInfo("./" + path)
            info.size, info.mode = len(data), mode
            archive.addfile(_normalised(info), io.BytesIO(data))
    return buffer.getvalue()


def _normalised(info):
    info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "root", "root"
    return info


def build(version, arch, out):
    os.makedirs(out, exist_ok=True)
    raw = tar_bytes(archive_files(version))
    if version_tuple(version) >= (0, 14, 0):
        asset = "ollama-linux-%s.tar.zst" % arch
        data = subprocess.run(["zstd", "-19", "-q", "-c"], input=raw, stdout=subprocess.PIPE, check=True).stdout
    else:
        asset = "ollama-linux-%s.tgz" % arch
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
            handle.write(raw)
        data = buffer.getvalue()
    with open(os.path.join(out, asset), "wb") as handle:
        handle.write(data)
    with open(os.path.join(out, "sha256sum.txt"), "w", encoding="utf-8") as handle:
        handle.write("%s  ./%s\n" % (hashlib.sha256(data).hexdigest(), asset))
    return os.path.join(out, asset)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--version", required=True)
    parser.add_argument("--arch", choices=("amd64", "arm64"), required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    print(build(args.version.lstrip("v"), args.arch, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
