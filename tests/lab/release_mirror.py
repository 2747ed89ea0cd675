"""A release mirror on 127.0.0.1 for the lab scenario: serves DIR over HTTP and logs one JSON line per request.

Stands in for https://github.com/ollama/ollama/releases/download/v<version>/ so the scenario can count how often the
archive is downloaded (once per play, not once per host). Usage: release_mirror.py DIR LOG PORT_FILE
"""

import functools
import http.server
import json
import sys


class LoggingHandler(http.server.SimpleHTTPRequestHandler):
    log_path = None

    def log_request(self, code="-", size="-"):
        with open(self.log_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"method": self.command, "path": self.path, "status": int(code)}) + "\n")

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


def main(argv):
    directory, log_path, port_file = argv[1:4]
    LoggingHandler.log_path = log_path
    handler = functools.partial(LoggingHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(port_file, "w", encoding="utf-8") as handle:
        handle.write("%d\n" % server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
