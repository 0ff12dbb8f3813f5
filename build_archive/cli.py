"""The command line: parses arguments, calls the pipeline, prints. Nothing else."""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from build_archive import pipeline
from build_archive.pipeline import PROJECT, BuildOptions
from build_archive.progress import Progress, live

# Lines of each warning kind shown on screen; the report file has them all.
SHOWN_PER_KIND = 5

SHARD_COMMANDS = ("shards", "shard", "combine")


def build(corpus_dir: Path, site_dir: Path, docs_dir: Path, strict: bool = False,
          cache_dir: Path | None = None, full: bool = False) -> int:
    """Build and print the report. Exit code 0 on success; 1 when nothing could be built
    (the previous site stays as it was) or, with `strict`, when the report has any warning."""
    with live_progress() as progress:
        result = pipeline.build(BuildOptions(corpus_dir, site_dir, docs_dir, cache_dir, full, strict), progress)
    report = result.report
    where = f"full report (every warning): {result.report_files[0]} and .json" if result.report_files else ""
    if result.error:
        if result.corpus_read:
            print(report.text(first=SHOWN_PER_KIND), file=sys.stderr)
            print(where, file=sys.stderr)
        print(f"error: {result.error}", file=sys.stderr)
        return 1
    print(report.text(first=SHOWN_PER_KIND))
    print(where)
    print(f"docs: {result.docs_written} files written, {result.docs_deleted} stale files removed ({docs_dir})")
    if result.corrections_file:
        print(f"corrections: {result.corrected} article(s) corrected by {result.corrections_file}")
    if result.cache_hits is not None:
        print(f"cache: {result.cache_hits} of {result.pages} pages reused ({cache_dir})"
              + (f"; {result.cache_write_errors} entries could not be written" if result.cache_write_errors else ""))
        print(f"docs cache: {result.docs_reused} of {result.articles} article pages already in {docs_dir}")
    for note in result.notes:
        print(note)
    print(f"site: {site_dir} (search bundle {result.bundle_bytes / 1e6:.2f} MB"
          f" + {result.twin_bytes / 1e6:.2f} MB for file:// search)")
    if strict and report.issues:
        print(f"strict: {len(report.issues)} warning(s), exit 1 (the site was built)", file=sys.stderr)
        return 1
    return 0


@contextmanager
def live_progress() -> Iterator[Progress]:
    """Bars with rates and time left on a terminal; one line per finished stage in a log."""
    progress = live()
    try:
        yield progress
    finally:
        progress.stop()


def article_record(article) -> dict:
    """One article as `inspect` prints it (a JSON line)."""
    return {
        "source": article.source,
        "title": article.title,
        "subtitle": article.subtitle,
        "date": article.date,
        "date_precision": article.date_precision,
        "date_source": article.date_source,
        "paper": article.paper,
        "page": article.page,
        "repost_source": article.repost_source,
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
    }


def inspect(paths: list[Path]) -> int:
    articles, report = pipeline.inspect(paths)
    for article in articles:
        print(json.dumps(article_record(article), ensure_ascii=False))
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


# --- sharded builds (docs/maintainers/shards.md): shards, shard, combine ---------------------


def add_shard_arguments(commands) -> None:
    from build_archive.scale import shards

    s = commands.add_parser("shards", help="list the corpus' shards as JSON (a GitHub Actions matrix)")
    s.add_argument("--corpus", metavar="DIR", type=Path, default=PROJECT / "corpus", help="the corpus folder (default corpus/)")
    s.add_argument("--by", choices=shards.KEYS, default=shards.KEYS[0], help="cut by paper and year (default)")
    w = commands.add_parser("shard", help="write one shard's corpus folder, to build it with `build --corpus`")
    w.add_argument("name", help="the shard's name, as `shards` lists it")
    w.add_argument("--corpus", type=Path, default=PROJECT / "corpus", help="the corpus folder (default corpus/)")
    w.add_argument("--by", choices=shards.KEYS, default=shards.KEYS[0], help="how the shards are cut")
    w.add_argument("--out", type=Path, required=True, help="the shard's corpus folder (replaced)")
    c = commands.add_parser("combine", help="combine shard sites into one site with one search")
    c.add_argument("--shard", action="append", required=True, metavar="[NAME=]SITE",
                   help="a built shard site (repeat); its name is the folder's name unless given")
    c.add_argument("--site", type=Path, required=True, help="the combined site (with --split: a folder of sites)")
    c.add_argument("--split", action="append", default=[], metavar="SITE=GLOB[,GLOB]",
                   help="several sites joined by one search: OUT/SITE/ holds the shards whose names match")


def shard_site(text: str):
    from build_archive.scale import combine

    name, sep, path = text.partition("=")
    if not sep:
        name, path = Path(text).resolve().name, text
    return combine.ShardSite(name, Path(path))


def split_spec(text: str) -> tuple[str, list[str]]:
    from build_archive.scale import combine

    name, sep, globs = text.partition("=")
    if not sep or not name or "/" in name or not globs:
        raise combine.CombineError(f"--split {text!r}: write SITE=GLOB[,GLOB], e.g. archive-2022=2022-*")
    return name, [g for g in globs.split(",") if g]


def run_shard_command(args: argparse.Namespace) -> int:
    from build_archive.scale import combine, shards

    if args.command in ("shards", "shard") and not args.corpus.is_dir():
        print(f"error: corpus folder not found: {args.corpus}", file=sys.stderr)
        return 1
    if args.command == "shards":
        found = shards.list_shards(args.corpus, args.by)
        print(json.dumps({"shard": [s.as_json() for s in found]}, ensure_ascii=False))
        return 0
    if args.command == "shard":
        try:
            shard = shards.find(shards.list_shards(args.corpus, args.by), args.name)
        except KeyError as error:
            print(f"error: {error.args[0]}", file=sys.stderr)
            return 1
        pages = shards.write_shard(args.corpus, shard, args.out)
        print(f"shard {shard.name}: {pages} page file(s) written to {args.out}")
        return 0
    try:
        with live_progress() as progress:
            result = combine.combine([shard_site(s) for s in args.shard], args.site,
                                     [split_spec(s) for s in args.split] or None, progress)
    except combine.CombineError as error:
        print(f"error: combine failed; {args.site} is untouched:\n{error}", file=sys.stderr)
        return 1
    print(combine.report(result))
    return 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="build-archive", description="衢州新闻档案: raw page dumps → static site")
    commands = main_parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="corpus → docs/ → MkDocs + Pagefind → site/",
                            formatter_class=lambda prog: argparse.HelpFormatter(prog, max_help_position=22, width=140))
    b.add_argument("--corpus", metavar="DIR", type=Path, default=PROJECT / "corpus", help="the page dumps, sources.yml and corrections.yml (default corpus/)")
    b.add_argument("--site", metavar="DIR", type=Path, default=PROJECT / "site", help="where the finished site goes (default site/)")
    b.add_argument("--docs", metavar="DIR", type=Path, default=PROJECT / "docs", help="where the generated Markdown goes (default docs/)")
    b.add_argument("--strict", action="store_true", help="exit 1 when the build reports any warning (the site is still built)")
    b.add_argument("--cache", metavar="DIR", type=Path, default=PROJECT / ".cache",
                   help="per-page results and the record of the last build, for incremental builds (default .cache/)")
    b.add_argument("--full", action="store_true", help="ignore the cache and the previous site: rebuild everything")
    i = commands.add_parser("inspect", help="print what is extracted, as JSON Lines")
    i.add_argument("files", type=Path, nargs="+", help="page files to extract (corrections.yml beside them applies)")
    s = commands.add_parser("serve", help="build if needed, then serve site/ on localhost")
    s.add_argument("--site", type=Path, default=PROJECT / "site", help="the site to serve (default site/)")
    s.add_argument("--corpus", type=Path, default=PROJECT / "corpus", help="the corpus to build when there is no site yet")
    s.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (default 8000)")
    from build_archive import bench  # benchmarks/RESULTS.md: a synthetic corpus built and searched, figures printed

    bench.add_arguments(commands.add_parser("bench", help="generate N articles, build, time every stage and the search"))
    add_shard_arguments(commands)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command in SHARD_COMMANDS:
        return run_shard_command(args)
    if args.command == "build":
        return build(args.corpus, args.site, args.docs, args.strict, cache_dir=args.cache, full=args.full)
    if args.command == "inspect":
        return inspect(args.files)
    if args.command == "bench":
        from build_archive import bench

        return bench.run(args)
    if not (args.site / "index.html").exists():
        if build(args.corpus, args.site, PROJECT / "docs", cache_dir=PROJECT / ".cache"):
            return 1
    return serve(args.site, args.port)
