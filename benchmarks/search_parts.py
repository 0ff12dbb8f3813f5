"""The search index in parts, measured: Pagefind per part, full vs incremental, search time and bytes.

    python benchmarks/search_parts.py [--articles 5000] [--part-size 2000] [--work /tmp/search-parts]

1. A synthetic corpus of N articles, 30 a day (build_archive/bench/__init__.py), built
   for real (extraction, MkDocs, Pagefind in parts); Pagefind's wall time and
   peak memory for each part.
2. One more day of pages, built again over that site: which parts Pagefind
   indexed again, and the seconds of the Pagefind stage.
3. For comparison, one Pagefind run over every article (what a single index costs).
4. Sizes: the site, the search bundle (and its file:// twins), MB per 1,000 articles.
5. Queries on the real search page (search.html?q=…) in headless Chromium, cold
   cache each time, over http under a sub-path and from file://: time from
   navigation to the first results on screen (search.js marks it), bytes
   fetched until then (all requests, and Pagefind's alone) and by the time
   the page is complete (first 20 results, filter counts); over http text
   files are sent gzip'd as GitHub Pages does, from file:// bytes are file sizes.

The machine is shared: figures are noisy. The text is recombined from the five
sample pages, so its vocabulary is small: Pagefind's memory and index size are
optimistic (GUIDE §2).
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from build_archive import bench, cli
from build_archive.search import parts
from build_archive.site import builder  # noqa: E402

# The synthetic text is recombined from 22 sample articles, so its common words are in thousands of
# pages (far more than in real news: Pagefind's search time grows with the matches); a day's date,
# from the lead of that day's articles, is as selective as a real query.
QUERIES = [("营商环境", ""), ("招商引资", "date"), ("衢江区", ""), ("数字化改革", "date-asc"),
           ("2015年3月15日", ""), ("2015年3月15日", "date")]


class MeasuredPagefind:
    """builder.pagefind with wall time, CPU time and peak RSS (wait4) per part.

    CPU time (user + system) is what the run would take on an idle core: on
    this shared machine wall times are several times longer."""

    def __init__(self):
        self.runs: dict[str, tuple[float, float, float]] = {}  # part -> (wall s, cpu s, peak MB)

    def __call__(self, folder: Path) -> str:
        return self.run(folder.name, [sys.executable, "-m", "pagefind_bin_extended", "--site", str(folder)])

    def run(self, name: str, command: list[str]) -> str:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = process.stdout.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        self.runs[name] = (time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
        if process.returncode:
            raise builder.BuildError(f"pagefind failed: {out}")
        return out


def build(corpus_dir: Path, work: Path, size: int, sealed: int) -> tuple[dict, MeasuredPagefind, float]:
    """cli.build with the measured Pagefind; returns (stage seconds, Pagefind runs, wall seconds)."""
    measured = MeasuredPagefind()
    original = builder.pagefind, parts.PART_SIZE, parts.SEALED_SIZE
    builder.pagefind, parts.PART_SIZE, parts.SEALED_SIZE = measured, size, sealed
    out = io.StringIO()
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out):
            code = cli.build(corpus_dir, work / "site", work / "docs", cache_dir=work / "cache")
    finally:
        builder.pagefind, parts.PART_SIZE, parts.SEALED_SIZE = original
    wall = time.perf_counter() - started
    if code:
        raise SystemExit(f"build failed:\n{out.getvalue()[-3000:]}")
    line = next(l for l in out.getvalue().splitlines() if l.startswith("seconds:"))
    stages = {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+)", line)}
    return stages, measured, wall


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# --- the browser ---------------------------------------------------------------------


class CountingHandler(bench.StaticHandler):
    """Serves the site as GitHub Pages would (bench.StaticHandler: text gzipped) and counts the bytes sent."""

    gzipped: dict[str, bytes] = {}
    sent: list[tuple[str, int, float]] = []  # (path, bytes, time sent)

    def wrote(self, nbytes):
        CountingHandler.sent.append((self.path, nbytes, time.time()))

    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data)
        self.wrote(len(data))


def measure_query(browser, url: str, file_root: Path | None) -> dict:
    """One cold search: ms to the first results on screen, bytes fetched until then and for the whole page."""
    context = browser.new_context()
    page = context.new_page()
    requests: list[tuple[str, float]] = []
    page.on("request", lambda r: requests.append((r.url, time.time())))
    CountingHandler.sent.clear()
    page.goto(url)
    page.locator(".qz-search__status").filter(has_text=re.compile("找到")).wait_for(timeout=120_000)
    ms, start, origin = page.evaluate("""() => [performance.getEntriesByName('qz-results')[0].startTime,
                                               performance.getEntriesByName('qz-search-start')[0].startTime,
                                               performance.timeOrigin]""")
    status = page.locator(".qz-search__status").inner_text()
    context.close()
    first = (origin + ms) / 1000  # the first results, as a time of this machine's clock
    if file_root is None:
        sizes = list(CountingHandler.sent)
    else:
        sizes = [(u, Path(unquote(urlparse(u).path)).stat().st_size, t) for u, t in requests if u.startswith("file:")]
    pagefind = [(u, n, t) for u, n, t in sizes if "/pagefind/" in u]
    early = [(u, n) for u, n, t in pagefind if t <= first]
    return {"ms": ms, "search_ms": ms - start, "bytes": sum(n for _, n, t in sizes if t <= first),
            "pagefind_bytes": sum(n for _, n in early), "page_bytes": sum(n for _, n, _ in sizes),
            "requests": len(sizes), "fragments": sum("fragment/" in u for u, _ in early),
            "index_chunks": sum("index/" in u for u, _ in early), "status": status}


def search_figures(site_dir: Path, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    www = site_dir.parent / "www"
    if www.exists():
        shutil.rmtree(www)
    www.mkdir()
    os.symlink(site_dir, www / "repo")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/repo/search.html"
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for query, sort in QUERIES:
                suffix = "?q=" + quote(query) + (f"&sort={sort}" if sort else "")
                for mode, url, root in (("http", base + suffix, None),
                                        ("file", (site_dir / "search.html").as_uri() + suffix, site_dir)):
                    results = [measure_query(browser, url, root) for _ in range(runs)]
                    rows.append({"query": query, "sort": sort or "relevance", "mode": mode,
                                 "ms_median": statistics.median(r["ms"] for r in results),
                                 "search_ms_median": statistics.median(r["search_ms"] for r in results),
                                 "ms_runs": [round(r["ms"]) for r in results], **{k: results[-1][k] for k in (
                                     "bytes", "pagefind_bytes", "page_bytes", "requests", "fragments", "index_chunks",
                                     "status")}})
                    print(f"  {query} {sort or 'relevance':9} {mode:4} {rows[-1]['ms_median']:6.0f} ms "
                          f"(runs {rows[-1]['ms_runs']}; search alone {rows[-1]['search_ms_median']:.0f} ms)  "
                          f"{rows[-1]['bytes'] / 1e3:5.0f} KB until then ({rows[-1]['pagefind_bytes'] / 1e3:.0f} KB "
                          f"Pagefind's: {rows[-1]['index_chunks']} index chunks, {rows[-1]['fragments']} fragments), "
                          f"{rows[-1]['page_bytes'] / 1e3:.0f} KB with the filter counts  [{rows[-1]['status']}]",
                          flush=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--part-size", type=int, default=parts.PART_SIZE)
    ap.add_argument("--sealed-size", type=int, default=parts.SEALED_SIZE)
    ap.add_argument("--work", type=Path, default=Path("/tmp/search-parts"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-single", action="store_true", help="no single-index comparison run")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--search-only", type=Path, metavar="SITE", help="only the searches, on a site built before")
    args = ap.parse_args(argv)
    if args.search_only:
        search_figures(args.search_only.resolve(), args.runs)
        return 0
    work = args.work.resolve()
    if work.exists():
        shutil.rmtree(work)
    corpus_dir = work / "corpus"
    bench.write_corpus(bench.synthetic_corpus(args.articles), corpus_dir)
    figures: dict = {"articles": args.articles, "part_size": args.part_size, "sealed_size": args.sealed_size}

    print(f"full build of {args.articles} articles, open part of at most {args.part_size}, sealed parts of "
          f"at most {args.sealed_size}", flush=True)
    stages, measured, wall = build(corpus_dir, work, args.part_size, args.sealed_size)
    manifest = json.loads((work / "site" / "pagefind" / "parts.json").read_text("utf-8"))
    figures["full"] = {"wall": wall, "stages": stages, "pagefind_runs": measured.runs,
                       "parts": {p["id"]: p["pages"] for p in manifest["parts"]}}
    for pid, (secs, cpu, mb) in sorted(measured.runs.items()):
        print(f"  part {pid}: {next(p['pages'] for p in manifest['parts'] if p['id'] == pid)} pages, "
              f"Pagefind {secs:.1f} s wall, {cpu:.1f} s CPU, peak {mb:.0f} MB")
    print(f"  stages {stages}; wall {wall:.1f} s")

    day = (args.articles + bench.ARTICLES_PER_DAY - 1) // bench.ARTICLES_PER_DAY
    bench.write_corpus(bench.day_pages(day), corpus_dir)
    stages2, measured2, wall2 = build(corpus_dir, work, args.part_size, args.sealed_size)
    figures["incremental"] = {"wall": wall2, "stages": stages2, "pagefind_runs": measured2.runs}
    print(f"one more day ({bench.ARTICLES_PER_DAY} articles): Pagefind re-ran for "
          f"{ {k: f'{v[0]:.1f} s wall, {v[1]:.1f} s CPU' for k, v in measured2.runs.items()} }; "
          f"stages {stages2}; wall {wall2:.1f} s")

    if not args.skip_single:
        single = MeasuredPagefind()
        out = work / "single-bundle"
        single.run("all", [sys.executable, "-m", "pagefind_bin_extended", "--site", str(work / "site"),
                           "--glob", "articles/**/*.html", "--output-path", str(out)])
        wall_s, cpu_s, peak = single.runs["all"]
        figures["single"] = {"seconds": wall_s, "cpu_seconds": cpu_s, "peak_mb": peak, "bytes": folder_bytes(out)}
        print(f"one index of every article instead: Pagefind {wall_s:.1f} s wall, {cpu_s:.1f} s CPU, "
              f"peak {peak:.0f} MB, bundle {folder_bytes(out) / 1e6:.1f} MB")
        shutil.rmtree(out)

    n = args.articles + bench.ARTICLES_PER_DAY
    site_bytes, bundle = folder_bytes(work / "site"), work / "site" / "pagefind"
    twins = sum(folder_bytes(p) for p in bundle.rglob("offline") if p.is_dir())
    figures["sizes"] = {"site": site_bytes, "bundle": folder_bytes(bundle), "twins": twins,
                        "site_mb_per_1000": site_bytes / 1e6 / n * 1000}
    print(f"site {site_bytes / 1e6:.0f} MB ({site_bytes / 1e6 / n * 1000:.1f} MB per 1,000 articles); "
          f"search bundle {folder_bytes(bundle) / 1e6:.1f} MB of which file:// twins {twins / 1e6:.1f} MB")

    print("search (median of cold runs):", flush=True)
    figures["search"] = search_figures(work / "site", args.runs)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
