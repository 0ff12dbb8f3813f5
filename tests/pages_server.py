"""A local web server that answers a missing address as GitHub Pages does: with the site's
404.html (status 404), whatever the address's depth. Used by the tests of the 404 page and the
Firefox flows (the conftest's `served` fixture answers Python's own error page instead)."""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    not_found: Path  # the site's 404.html, set by `serve`

    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve(site: Path, root: Path, prefix: str = "repo"):
    """Serve a copy of `site` (copied into `root`/`prefix`) at http://127.0.0.1:PORT/PREFIX/;
    yields that URL."""
    shutil.copytree(site, root / prefix)
    handler = type("Handler", (PagesHandler,), {"not_found": root / prefix / "404.html"})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{prefix}/"
    finally:
        server.shutdown()
