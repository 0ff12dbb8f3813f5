"""The USB copy (file://) and the site over http under a sub-path, in Firefox ESR (issue 22).

Firefox is driven by puppeteer-core over WebDriver BiDi from a Node script,
tests/browser/firefox_flows.mjs, which prints what each flow gave as JSON: the
header search box of an article page (Firefox refused its form from file://: the
CSP's form-action 'self' never matches another file: URL), a query and a district
filter on the search page (focus stays on the box ticked), 复制引用, a header tab
link, the 404 page; and every console error. Browser tests must run: a missing
Firefox, Node or npm package fails them (setup.sh installs all three).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pages_server import serve

PROJECT = Path(__file__).resolve().parent.parent
FIREFOX = "/usr/bin/firefox-esr"
SCRIPT = PROJECT / "tests" / "browser" / "firefox_flows.mjs"
FLOWS = {"header_search", "search_and_filter", "copy_citation", "tab_navigation", "not_found"}


def _tools() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: apt-get install -y nodejs npm (browser tests must run, not skip)")
    if not Path(FIREFOX).exists():
        pytest.fail(f"{FIREFOX} is missing: apt-get install -y firefox-esr (browser tests must run, not skip)")
    if not (PROJECT / "node_modules" / "puppeteer-core" / "package.json").is_file():
        pytest.fail("node_modules/puppeteer-core is missing: npm ci (package-lock.json; browser tests must run)")
    return node


@pytest.fixture(scope="module")
def firefox_run(built, tmp_path_factory):
    """One Firefox run over the USB copy (a path with spaces and Chinese) and the site over http."""
    node = _tools()
    stick = tmp_path_factory.mktemp("usb") / "媒体 存档" / "衢州"
    shutil.copytree(built / "site", stick)
    article = min(p.relative_to(stick).as_posix() for p in (stick / "articles").rglob("*.html"))
    with serve(built / "site", tmp_path_factory.mktemp("pages")) as url:
        sites = [stick.as_uri() + "/", url]
        result = subprocess.run([node, str(SCRIPT), FIREFOX, article, *sites], cwd=PROJECT,
                                capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"firefox_flows.mjs failed:\n{result.stdout}\n{result.stderr}"
    found = json.loads(result.stdout.strip().splitlines()[-1])
    return dict(zip(("file", "http"), (found["sites"][s] for s in sites))), dict(zip(("file", "http"), (found["errors"][s] for s in sites)))


@pytest.mark.parametrize("where", ["file", "http"])
@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_firefox_flow(firefox_run, where, flow):
    flows, _ = firefox_run
    assert flows[where][flow]["ok"], json.dumps(flows[where][flow], ensure_ascii=False, indent=1)


@pytest.mark.parametrize("where", ["file", "http"])
def test_firefox_sees_no_console_error(firefox_run, where):
    flows, errors = firefox_run
    assert set(flows[where]) == FLOWS
    # over http the 404 page's own document answers 404: the only error allowed
    allowed = [e for e in errors[where] if not (where == "http" and e.startswith("not_found:") and "404" in e)]
    assert allowed == [], errors[where]
