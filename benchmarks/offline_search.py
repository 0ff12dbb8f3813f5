"""Time to first search results, from file:// (twins) and over http, in headless Chromium.

    python benchmarks/offline_search.py SITE_DIR [--query 营商环境] [--runs 5] [--bundle pagefind]

SITE_DIR is a built site whose Pagefind bundle went through
build_archive.offline.write_offline_bundle. Nothing is written into it: the
test page is served from memory (http) or from a temporary folder (file://,
pointing at the bundle by absolute URL). Each run uses a fresh browser
context (cold cache). Prints the median and all runs, how many twin files
the search loaded, and bundle vs twin bytes (of the bundle folder only: with
an index in parts, ArchivePagefind.load joins the parts listed in
parts.json, whose files lie under <bundle>/parts/). For the real search page,
search time to first results and bytes, see benchmarks/search_parts.py.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

LOADER = Path(__file__).resolve().parents[1] / "docs" / "assets" / "javascripts" / "pagefind-loader.js"
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><link rel="icon" href="#">
<script src="{loader}"></script></head><body><script>
window.firstResults = (async () => {{
  const pagefind = await ArchivePagefind.load({bundle!r});
  const found = await pagefind.search({query!r});
  if (found.results.length) await found.results[0].data();
  return {{ ms: performance.now(), count: found.results.length }};
}})();
</script></body></html>
"""


def measure(browser, url: str) -> tuple[float, int, list[str]]:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    result = page.evaluate("() => window.firstResults")
    context.close()
    return result["ms"], result["count"], requests


def report(name: str, runs: list[tuple[float, int, list[str]]]) -> None:
    times = [ms for ms, _, _ in runs]
    _, count, requests = runs[-1]
    twins = [u for u in requests if "/offline/" in u]
    kinds = {k: sum(f"/offline/{k}/" in u for u in twins) for k in ("index", "fragment", "filter")}
    print(f"{name:8} median {statistics.median(times):6.0f} ms  runs {', '.join(f'{t:.0f}' for t in times)}"
          f"  results {count}  requests {len(requests)}"
          + (f"  twins {len(twins)} (index {kinds['index']}, fragment {kinds['fragment']})" if twins else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--query", default="营商环境")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bundle", default="pagefind")
    args = ap.parse_args(argv)
    site = args.site.resolve()
    bundle = site / args.bundle
    offline = bundle / "offline"
    if not offline.is_dir():
        print(f"{offline}: missing; run build_archive.offline.write_offline_bundle first", file=sys.stderr)
        return 2

    twin_files = [p for p in offline.rglob("*") if p.is_file()]
    mirrored = [bundle / p.relative_to(offline).as_posix().removesuffix(".js") for p in twin_files
                if p.name != "pagefind.js"] + [bundle / "pagefind.js"]
    bundle_bytes = sum(p.stat().st_size for p in mirrored)
    twin_bytes = sum(p.stat().st_size for p in twin_files)
    chunks = {k: len(list((bundle / k).glob("*"))) for k in ("index", "fragment", "filter")}
    print(f"bundle {bundle_bytes:,} B mirrored, twins {twin_bytes:,} B "
          f"(+{twin_bytes / bundle_bytes - 1:.1%}), {len(twin_files)} twin files; chunks {chunks}")

    html = PAGE.format(loader=LOADER.as_uri(), bundle=bundle.as_uri() + "/", query=args.query)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        page_file = Path(tmp) / "bench.html"
        page_file.write_text(html, encoding="utf-8")
        report("file://", [measure(browser, page_file.as_uri()) for _ in range(args.runs)])

        served = {"/__bench__.html": PAGE.format(loader="/__loader__.js", bundle=f"/{args.bundle}/",
                                                 query=args.query).encode(),
                  "/__loader__.js": LOADER.read_bytes()}

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                if self.path in served:
                    body = served[self.path]
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html" if self.path.endswith("html") else "text/javascript")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    super().do_GET()

            def log_message(self, *a):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/__bench__.html"
            report("http", [measure(browser, url) for _ in range(args.runs)])
        finally:
            server.shutdown()
            server.server_close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
