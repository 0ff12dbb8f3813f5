"""The build, top to bottom: read → extract → corrections → keywords → links → docs/ → MkDocs → Pagefind.

`build(options) -> BuildResult` is the whole build: the command line only parses
arguments, calls it and prints what it returns. Each stage is a module of a
subpackage (extract/, site/, search/, scale/); this file only strings them
together, times them and keeps the caches.
"""
from __future__ import annotations

import ctypes
import gc
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from build_archive import addresses
from build_archive.extract import corpus, corrections as corrections_io, keywords
from build_archive.extract.corpus import PageFile
from build_archive.extract.corrections import Correction, corrected
from build_archive.extract.page import POOL_MIN_PAGES, classified, page_results
from build_archive.models import Article, Issue, Report
from build_archive.progress import Progress
from build_archive.scale.cache import PageCache, RenderedPages
from build_archive.site import builder, docs, links

PROJECT = builder.PROJECT


@dataclass(frozen=True)
class BuildOptions:
    corpus_dir: Path = PROJECT / "corpus"
    site_dir: Path = PROJECT / "site"
    docs_dir: Path = PROJECT / "docs"
    cache_dir: Path | None = None  # None: no cache, everything computed and rendered again
    full: bool = False  # ignore the cache and the previous site
    strict: bool = False  # any warning fails the build (the site is still built)


@dataclass
class BuildResult:
    """What `build` did: the report, the figures the command line prints, and the error if any."""

    report: Report
    error: str | None = None  # the build failed; the previous site is untouched
    corpus_read: bool = False  # the report says what was read (False: the corpus folder is missing)
    docs_written: int = 0
    docs_deleted: int = 0
    corrections_file: Path | None = None  # corrections.yml, when it has entries
    corrected: int = 0
    pages: int = 0
    articles: int = 0
    cache_hits: int | None = None  # pages reused from the cache (None: no cache)
    cache_write_errors: int = 0
    docs_reused: int = 0
    notes: list[str] = field(default_factory=list)
    report_files: tuple[Path, ...] = ()  # build-report.txt and .json: every warning
    bundle_bytes: int = 0
    twin_bytes: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.error else 0


REPORT_NAME = "build-report"


def report_folder(options: BuildOptions) -> Path:
    """Where the full report goes: next to the cache (the project folder by default), else next to the site."""
    return (options.cache_dir or options.site_dir).resolve().parent


def write_report(result: BuildResult, options: BuildOptions) -> None:
    """build-report.txt (the report with every warning line) and build-report.json (the same as data)."""
    folder = report_folder(options)
    folder.mkdir(parents=True, exist_ok=True)
    text, data = folder / f"{REPORT_NAME}.txt", folder / f"{REPORT_NAME}.json"
    text.write_text(result.report.text() + "\n" + (f"error: {result.error}\n" if result.error else ""), "utf-8")
    data.write_text(json.dumps({**result.report.as_json(), "error": result.error}, ensure_ascii=False, indent=1) + "\n", "utf-8")
    result.report_files = (text, data)


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """corpus/ → docs/ → site/, and the full report written beside the cache (write_report)."""
    result = run_stages(options, progress)
    if result.corpus_read:
        write_report(result, options)
    return result


def run_stages(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """corpus/ → docs/ → site/. Never raises for bad input: it is in the report.

    `progress` times each stage into the report and shows it as the caller chose
    (progress.py); by default nothing is shown."""
    report = Report()
    result = BuildResult(report)
    progress = progress or Progress()
    progress.report = report
    if not options.corpus_dir.is_dir():
        result.error = f"corpus folder not found: {options.corpus_dir}"
        return result
    result.corpus_read = True
    page_cache = PageCache(options.cache_dir, read=not options.full) if options.cache_dir else None
    with progress.stage("read", unit="pages") as stage:
        encodings = corpus.EncodingMemo(page_cache.memo("encodings"), {}) if page_cache else None
        pages, issues = corpus.read_corpus(options.corpus_dir, encodings)
        if page_cache:
            page_cache.save_memo("encodings", encodings.current)
        report.issues += issues
        stage.advance(len(pages))
    if not pages:
        result.error = (f"no readable page dump (*.txt, *.html, *.htm) in {options.corpus_dir};"
                        f" the previous site in {options.site_dir} is untouched")
        return result
    entries, issues = corrections_io.load_corrections(options.corpus_dir / corrections_io.FILE_NAME)
    report.issues += issues
    articles = extract(pages, report, cache=page_cache, corrections=entries, progress=progress)
    if page_cache:
        page_cache.prune()
    report.issues += pages_without_articles(pages, articles, report.issues)

    with progress.stage("docs", total=len(articles), unit="articles") as stage:
        rendered = RenderedPages(options.cache_dir, options.docs_dir, read=not options.full) if options.cache_dir else None
        files = counted(docs.docs_items(articles, unchanged=rendered.unchanged if rendered else None), stage,
                        lambda path: path.startswith("articles/"))
        result.docs_written, result.docs_deleted = builder.write_docs(options.docs_dir, files)
        if rendered:
            rendered.save({f"{a.slug}.md": a for a in articles})
    epoch = builder.source_date_epoch(articles)
    result.pages, result.articles = len(pages), len(articles)
    result.corrected = sum(1 for a in articles if a.extra.get("corrected"))
    if entries:
        result.corrections_file = options.corpus_dir / corrections_io.FILE_NAME
    if page_cache:
        result.cache_hits, result.cache_write_errors = page_cache.hits, page_cache.write_errors
        result.docs_reused = rendered.reused
    # MkDocs and Pagefind run next, in processes of their own: give back the memory the
    # archive's text and records took here (~2 GB at 100,000 articles), or it adds to theirs
    del pages, articles, files
    release_memory()
    try:
        stats = builder.build_site(options.docs_dir, options.site_dir, epoch, progress.stage,
                                   options.cache_dir, options.full, result.notes)
    except builder.BuildError as error:
        result.error = f"build failed; the previous site in {options.site_dir} is untouched:\n{error}"
        return result
    result.bundle_bytes, result.twin_bytes = stats.bundle_bytes, stats.twin_bytes
    return result


def extract(pages: list[PageFile], report: Report, cache: PageCache | None = None,
            pool_min_pages: int = POOL_MIN_PAGES, corrections: Sequence[Correction] = (),
            progress: Progress | None = None) -> list[Article]:
    """Pages → finished article records: extracted, corrected, with keywords, addresses and links."""
    progress = progress or Progress(report)
    articles: list[Article] = []
    terms: list[keywords.Terms] = []
    with progress.stage("extract", total=len(pages), unit="pages") as stage:
        for page, result in zip(pages, page_results(pages, cache, pool_min_pages, stage)):
            report.pages += 1
            report.characters += result.characters
            report.unaccounted += result.unaccounted
            report.unassigned += result.unassigned
            if result.furniture:
                report.furniture.append((page.source, result.furniture))
            report.issues += result.issues
            articles += result.articles
            terms += result.terms
    with progress.stage("keywords", unit="articles") as stage:
        articles = finish(pages, articles, terms, report, cache, corrections)
        stage.advance(len(articles))
    return articles


def finish(pages: list[PageFile], articles: list[Article], terms: list[keywords.Terms], report: Report,
           cache: PageCache | None, corrections: Sequence[Correction]) -> list[Article]:
    """Corrections, keywords, addresses and links over the whole archive."""
    if corrections:  # the curator's corrections.yml: before keywords, which follow the corrected text
        articles, terms = corrected(pages, articles, terms, corrections, report, classified)
    memo = cache.memo("keywords") if cache else None
    articles = addresses.assign_slugs(keywords.with_keywords_and_slugs(articles, terms, memo), report)
    if cache:
        cache.save_memo("keywords", memo)
    articles = links.link_articles(articles)  # related, previous, next (site/links.py)
    report.articles = len(articles)
    return articles


def counted(items, stage, counts=lambda path: True):
    """`items` (path, text) passed on as they come, the stage advanced for each path that `counts`."""
    for path, text in items:
        if counts(path):
            stage.advance()
        yield path, text


def inspect(paths: list[Path]) -> tuple[list[Article], Report]:
    """What extraction makes of these page files (corrections.yml beside them applied)."""
    pages, issues = corpus.read_files(paths)
    entries, found = corrections_io.load_for_files({p.path: p.source for p in pages})
    report = Report(issues=issues + found)
    return extract(pages, report, corrections=entries), report


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
