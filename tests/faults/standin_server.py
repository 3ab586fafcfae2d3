#!/usr/bin/python3
"""tests/faults/standin_server.py DIR PORT - the stand-in guest's web server.

Only for STANDIN=1 runs of the fault suite (developing the suite before the
kernel serves): serves DIR over HTTP/1.1 keep-alive, plus a fixed
/api/stats.json whose gauges never move, so the plumbing can be checked.
"""
import http.server
import json
import socketserver
import sys

STATS = json.dumps({"tcp": {"conns": 0}, "pbuf": {"in_use": 0}}).encode()


class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/api/stats.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(STATS)))
            self.end_headers()
            self.wfile.write(STATS)
            return
        super().do_GET()

    def log_message(self, *a):
        pass


class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 1024


if __name__ == "__main__":
    d, port = sys.argv[1], int(sys.argv[2])
    srv = S(("0.0.0.0", port), lambda *a: H(*a, directory=d))
    srv.serve_forever()
