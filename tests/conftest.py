"""Shared fixtures: one real build of the sample corpus, a local web server, Chromium."""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import settings

# Every property test is deterministic: the same examples on every run, no example
# database carrying failures from one run into the next, and a failure prints the
# blob that reproduces it (@reproduce_failure).
settings.register_profile("repro", derandomize=True, database=None, print_blob=True)
settings.load_profile("repro")

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The sample corpus built for real (MkDocs + Pagefind) into a temporary folder."""
    from build_archive import cli

    root = tmp_path_factory.mktemp("built")
    code = cli.build(PROJECT / "corpus", root / "site", root / "docs")
    assert code == 0
    return root


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(site: Path, www: Path):
    """`site` copied to www/repo/ and served over http, as GitHub Pages serves a project site:
    yields its URL (http://127.0.0.1:<port>/repo/)."""
    shutil.copytree(site, www / "repo")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/repo/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served(built, tmp_path_factory):
    """The built site served over http under a sub-path, as GitHub Pages serves a project site."""
    with serving(built / "site", tmp_path_factory.mktemp("www")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (browser tests must run, not skip)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync",
        ])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()
