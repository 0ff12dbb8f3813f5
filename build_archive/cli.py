"""The command line: a thin layer over the pipeline."""
from __future__ import annotations

import argparse
import calendar
import ctypes
import gc
import functools
import http.server
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from . import corpus, corrections, pipeline, site
from .cache import PageCache, RenderedPages
from .models import Issue

PROJECT = site.PROJECT


def build(corpus_dir: Path, site_dir: Path, docs_dir: Path, strict: bool = False,
          cache_dir: Path | None = None, full: bool = False) -> int:
    """Exit code 0 on success; 1 when nothing could be built (the previous site
    stays as it was) or, with `strict`, when the report has any warning.

    `cache_dir`: reuse per-page extraction results and render only the changed
    pages with MkDocs (README: incremental builds); `full` redoes everything
    (and refreshes the cache)."""
    if not corpus_dir.is_dir():
        print(f"error: corpus folder not found: {corpus_dir}", file=sys.stderr)
        return 1
    report = pipeline.Report()
    started = time.perf_counter()
    page_cache = PageCache(cache_dir, read=not full) if cache_dir else None
    encodings = corpus.EncodingMemo(page_cache.memo("encodings"), {}) if page_cache else None
    pages, issues = corpus.read_corpus(corpus_dir, encodings)
    if page_cache:
        page_cache.save_memo("encodings", encodings.current)
    report.issues += issues
    report.time("read", started)
    if not pages:
        print(report.text(), file=sys.stderr)
        print(f"error: no readable page dump (*.txt) in {corpus_dir}; the previous site in {site_dir} is untouched",
              file=sys.stderr)
        return 1
    entries, issues = corrections.load_corrections(corpus_dir / corrections.FILE_NAME)
    report.issues += issues
    articles = pipeline.extract(pages, report, cache=page_cache, corrections=entries)
    if page_cache:
        page_cache.prune()
    report.issues += pages_without_articles(pages, articles, report.issues)

    @contextmanager
    def timings(stage):
        began = time.perf_counter()
        yield
        report.time(stage, began)

    with timings("docs"):
        rendered = RenderedPages(cache_dir, docs_dir, read=not full) if cache_dir else None
        files = pipeline.docs_items(articles, unchanged=rendered.unchanged if rendered else None)
        written, deleted = site.write_docs(docs_dir, files)
        if rendered:
            rendered.save({f"{a.slug}.md": a for a in articles})
    epoch = source_date_epoch(articles)
    page_count, article_count = len(pages), len(articles)
    corrected = sum(1 for a in articles if a.extra.get("corrected"))
    # MkDocs and Pagefind run next, in processes of their own: give back the memory the
    # archive's text and records took here (~2 GB at 100,000 articles), or it adds to theirs
    del pages, articles, files
    release_memory()
    notes: list[str] = []
    try:
        stats = site.build_site(docs_dir, site_dir, epoch, timings, cache_dir, full, notes)
    except site.BuildError as error:
        print(report.text(), file=sys.stderr)
        print(f"error: build failed; the previous site in {site_dir} is untouched:\n{error}", file=sys.stderr)
        return 1
    print(report.text())
    print(f"docs: {written} files written, {deleted} stale files removed ({docs_dir})")
    if entries:
        print(f"corrections: {corrected} article(s) corrected"
              f" by {corpus_dir / corrections.FILE_NAME}")
    if page_cache:
        print(f"cache: {page_cache.hits} of {page_count} pages reused ({cache_dir})"
              + (f"; {page_cache.write_errors} entries could not be written" if page_cache.write_errors else ""))
        print(f"docs cache: {rendered.reused} of {article_count} article pages already in {docs_dir}")
    for note in notes:
        print(note)
    print(f"site: {site_dir} (search bundle {stats.bundle_bytes / 1e6:.2f} MB"
          f" + {stats.twin_bytes / 1e6:.2f} MB for file:// search)")
    if strict and report.issues:
        print(f"strict: {len(report.issues)} warning(s), exit 1 (the site was built)", file=sys.stderr)
        return 1
    return 0


def release_memory() -> None:
    """Free what nothing references any more and hand it back to the system: Python keeps freed
    memory for reuse, and glibc's malloc_trim returns it (elsewhere: nothing to do)."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def pages_without_articles(pages, articles, issues) -> list[Issue]:
    """Pages that gave no article (a page whose articles were all duplicates is not one: its twin was built)."""
    built = {a.source for a in articles} | {i.source for i in issues if i.kind == "duplicate"}
    return [Issue("no-articles", p.source, 0, "no article found on this page; nothing from it is built")
            for p in pages if p.source not in built]


def source_date_epoch(articles) -> int:
    """The newest article's date as a timestamp: stable for a given corpus."""
    newest = max((a.date for a in articles if a.date), default="1970")
    year, month, day = (newest.split("-") + ["01", "01"])[:3]
    return calendar.timegm((int(year), int(month), int(day), 0, 0, 0))


def inspect(paths: list[Path]) -> int:
    pages, issues = corpus.read_files(paths)
    entries, found = corrections.load_for_files({p.path: p.source for p in pages})
    report = pipeline.Report(issues=issues + found)
    for article in pipeline.extract(pages, report, corrections=entries):
        print(json.dumps({
            "source": article.source,
            "title": article.title,
            "subtitle": article.subtitle,
            "date": article.date,
            "date_precision": article.date_precision,
            "districts": list(article.districts),
            "themes": list(article.themes),
            "keywords": list(article.keywords),
            "authors": list(article.authors),
            "captions": [c.display() for c in article.captions],
            "type": article.type,
            "continued": article.continued,
            "gaps": list(article.gaps),
            "line": article.line,
            "body": article.body,
            "corrected": article.extra.get("corrected", {}),  # what extraction found, where corrections.yml differs
        }, ensure_ascii=False))
    for issue in report.issues:
        print(issue, file=sys.stderr)
    return 0


def serve(site_dir: Path, port: int) -> int:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site_dir))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"serving {site_dir} at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build-archive", description="衢州新闻档案: raw page dumps → static site")
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="corpus → docs/ → MkDocs + Pagefind → site/")
    b.add_argument("--corpus", type=Path, default=PROJECT / "corpus")
    b.add_argument("--site", type=Path, default=PROJECT / "site")
    b.add_argument("--docs", type=Path, default=PROJECT / "docs")
    b.add_argument("--strict", action="store_true", help="exit 1 when the build reports any warning")
    b.add_argument("--cache", type=Path, default=PROJECT / ".cache",
                   help="folder for per-page results and the record of the last build (default .cache/)")
    b.add_argument("--full", action="store_true", help="ignore the cache and the previous site: rebuild everything")
    i = commands.add_parser("inspect", help="print what is extracted, as JSON Lines")
    i.add_argument("files", type=Path, nargs="+")
    s = commands.add_parser("serve", help="build if needed, then serve site/ on localhost")
    s.add_argument("--site", type=Path, default=PROJECT / "site")
    s.add_argument("--corpus", type=Path, default=PROJECT / "corpus")
    s.add_argument("--port", type=int, default=8000)
    from . import bench  # benchmarks/RESULTS.md: a synthetic corpus built and searched, figures printed

    bench.add_arguments(commands.add_parser("bench", help="generate N articles, build, time every stage and the search"))
    from . import sharding_cli  # shards, shard, combine: building a big archive on several machines

    sharding_cli.add_arguments(commands, PROJECT)
    args = parser.parse_args(argv)
    if args.command in sharding_cli.COMMANDS:
        return sharding_cli.run(args)
    if args.command == "build":
        return build(args.corpus, args.site, args.docs, args.strict, cache_dir=args.cache, full=args.full)
    if args.command == "inspect":
        return inspect(args.files)
    if args.command == "bench":
        return bench.run(args)
    if not (args.site / "index.html").exists():
        if build(args.corpus, args.site, PROJECT / "docs", cache_dir=PROJECT / ".cache"):
            return 1
    return serve(args.site, args.port)
