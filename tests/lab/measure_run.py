"""Run a command with its output in a log file; print its wall seconds, the CPU seconds (user + sys) of its whole
process tree, and the largest per-host task count of its PLAY RECAP (ok + failed + skipped); also into LOG.figures.

    python3 measure_run.py LOG -- COMMAND...
"""

import re
import resource
import subprocess
import sys
import time

RECAP = re.compile(r"^\S+\s+: ok=(\d+)\s+changed=\d+\s+unreachable=\d+\s+failed=(\d+)\s+skipped=(\d+)", re.M)


def tasks_per_host(log_text):
    counts = [sum(int(n) for n in match) for match in RECAP.findall(log_text)]
    return max(counts, default=0)


def main():
    log_path, command = sys.argv[1], sys.argv[sys.argv.index("--") + 1 :]
    start = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log_path, encoding="utf-8") as log:
        tasks = tasks_per_host(log.read())
    figures = f"{wall:.1f} {usage.ru_utime + usage.ru_stime:.1f} {tasks}"
    with open(log_path + ".figures", "w", encoding="utf-8") as kept:
        kept.write(figures + "\n")
    print(figures)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
