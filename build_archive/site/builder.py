"""The I/O edge of the build: write docs/, run MkDocs and Pagefind, swap the site in."""
from __future__ import annotations

import calendar
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import yaml

from build_archive.site import incremental, mkdocs_share
from build_archive.search import indexing, pagefind_service

PROJECT = Path(__file__).resolve().parents[2]
CONFIG = PROJECT / "mkdocs.yml"
SHARE_HOOK = Path(mkdocs_share.__file__)
# A full MkDocs build runs this many MkDocs processes at once (2 cores), each
# rendering at most MKDOCS_PAGES_PER_RUN pages; sites under MKDOCS_SPLIT_FROM
# pages are built by one process (a second one would cost more than it saves).
MKDOCS_JOBS = 2
# An MkDocs process holds every page it renders until its end (measured: 0.57 GB at 9,700 pages
# with the search tokens in the pages, 0.16 GB at 5,400 without), and each one costs ~4.5 s
# at 100,000 articles before it renders a page (it lists and reads the front matter of none
# but its own, but it knows every file): fewer, larger shares.
MKDOCS_PAGES_PER_RUN = 20000
MKDOCS_SPLIT_FROM = 200
# What the build generates inside docs/; everything else there is hand-written.
GENERATED = ("articles", "districts", "themes", "dates", "authors", "papers", "data", "feeds", "js", "index.md", "search.md",
             "feed.xml", "opensearch.xml")


class BuildError(RuntimeError):
    pass


def write_docs(docs_dir: Path, files: Mapping[str, str | None] | Iterable[tuple[str, str | None]]) -> tuple[int, int]:
    """Write the generated pages; leave unchanged files alone, delete stale ones.

    `files`: path -> text, or (path, text) pairs as they are rendered
    (pipeline.docs_items). A None text means the file is already there as it
    should be (an article page the build did not need to render again:
    cache.RenderedPages).

    Returns (files written, files deleted). Hand-written pages (about.md) and
    assets are copied from the project's docs/ when building elsewhere.
    An unchanged file keeps its mtime: incremental MkDocs builds skip its page.
    """
    docs_dir.mkdir(parents=True, exist_ok=True)
    project_docs = PROJECT / "docs"
    if docs_dir.resolve() != project_docs.resolve():
        for path in sorted(project_docs.rglob("*")):
            rel = path.relative_to(project_docs)
            if path.is_file() and rel.parts[0] not in GENERATED:
                _write_if_changed(docs_dir / rel, path.read_bytes())
    generated: set[str] = set()
    written = 0
    for rel, text in files.items() if isinstance(files, Mapping) else files:
        generated.add(rel)
        if text is not None:
            written += _write_if_changed(docs_dir / rel, text.encode("utf-8"))
    deleted = 0
    for root in GENERATED:
        target = docs_dir / root
        existing = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else []
        for path in existing:
            if path.relative_to(docs_dir).as_posix() not in generated:
                path.unlink()
                deleted += 1
        if target.is_dir():  # folders emptied above (a year with no article left)
            for folder in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
                if not any(folder.iterdir()):
                    folder.rmdir()
    return written, deleted


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _run(command: list[str], what: str, env: dict | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BuildError(f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr


def mkdocs_build(docs_dir: Path, out_dir: Path, source_date_epoch: int, dirty: bool = False,
                 share: tuple[int, int] | None = None) -> None:
    """Run MkDocs with the project's mkdocs.yml, pointed at these folders.

    `dirty`: render only pages whose source is newer than their output in
    `out_dir` (prepared by incremental.seed); else `out_dir` is emptied first.
    `share` (k, n): render only every n-th page, from the k-th (build_archive/site/mkdocs_share.py).
    """
    with tempfile.TemporaryDirectory() as tmp:
        child = Path(tmp) / "mkdocs.yml"
        child.write_text(yaml.safe_dump({
            "INHERIT": str(CONFIG),
            "docs_dir": str(docs_dir.resolve()),
            "site_dir": str(out_dir.resolve()),
            "theme": {"name": "material", "custom_dir": str(PROJECT / "overrides")},
            # where the site will be hosted (the Pages workflow sets it): 404.html needs it
            **({"site_url": os.environ["SITE_URL"]} if os.environ.get("SITE_URL") else {}),
            # "owner/repo": article pages link "报告错误" to a pre-filled GitHub issue (the Pages workflow sets it)
            **({"extra": {"corrections": {"github": os.environ["CORRECTIONS_GITHUB"]}}}
               if os.environ.get("CORRECTIONS_GITHUB") else {}),
            **({"hooks": [str(SHARE_HOOK)]} if share else {}),
        }, allow_unicode=True), "utf-8")
        # SOURCE_DATE_EPOCH: no build time in the output, so builds are byte-identical
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch)}
        if share:
            env[mkdocs_share.VARIABLE] = f"{share[0]}/{share[1]}"
        mode = "--dirty" if dirty or share else "--clean"  # a share is built into an empty folder
        _run([sys.executable, "-m", "mkdocs", "build", "--quiet", mode, "-f", str(child)], "mkdocs build", env)


def mkdocs_full_build(docs_dir: Path, out_dir: Path, source_date_epoch: int, jobs: int = MKDOCS_JOBS,
                      per_run: int = MKDOCS_PAGES_PER_RUN, stage=None) -> int:
    """A full MkDocs build as several MkDocs processes, `jobs` at a time, each
    rendering one share of the pages (mkdocs_share.py) into its own folder;
    the other shares' pages are then moved into `out_dir` (share 0, which also
    holds the static files). Returns the number of MkDocs processes run.

    Two processes use both cores (MkDocs is single-threaded), and at most
    `per_run` pages per process bound the memory (MkDocs keeps every page's
    HTML until it has rendered them all)."""
    shares = share_count(sum(1 for _ in docs_dir.rglob("*.md")), jobs, per_run)
    if stage:
        stage.set_total(shares)
    if shares == 1:
        mkdocs_build(docs_dir, out_dir, source_date_epoch)
        if stage:
            stage.advance()
        return 1
    outs = [out_dir] + [out_dir.with_name(f"{out_dir.name}-share{k}") for k in range(1, shares)]
    for out in outs:  # each share is a dirty build (mkdocs_share.py): start from nothing
        shutil.rmtree(out, ignore_errors=True)
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for done in [pool.submit(mkdocs_build, docs_dir, out, source_date_epoch, share=(k, shares))
                         for k, out in enumerate(outs)]:
                done.result()
                if stage:
                    stage.advance()
        for out in outs[1:]:
            # a share's own pages, plus what every MkDocs run writes (404.html, sitemap) and share 0 has
            for rel in indexing.walk(out):
                if not (out_dir / rel).exists():
                    (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                    os.rename(out / rel, out_dir / rel)
    finally:
        for out in outs[1:]:
            shutil.rmtree(out, ignore_errors=True)
    return shares


def share_count(pages: int, jobs: int, per_run: int) -> int:
    """How many MkDocs processes a full build of `pages` runs: at most `per_run` pages each, and
    a multiple of `jobs`: one process more than a multiple runs alone at the end while the
    other cores wait (at 100,000 articles 11 shares of ~9,700 pages: the last one ~65 s alone)."""
    if pages < MKDOCS_SPLIT_FROM:
        return 1
    needed = max(-(-pages // per_run), jobs)
    return -(-needed // jobs) * jobs


def pagefind(site_dir: Path) -> str:
    """Index a folder of pages with Pagefind's *extended* binary (it segments Chinese),
    the pages given in path order, so that their numbers do not depend on the file system
    (build_archive/search/pagefind_service.py).

    Called once per search part that changed (build_archive/search/indexing.py),
    on a temporary folder holding only that part's pages.
    """
    if pagefind_service.listed_in_path_order(site_dir):  # its own walk meets them in that order: faster
        return _run([sys.executable, "-m", "pagefind_bin_extended", "--site", str(site_dir)], "pagefind")
    try:
        return pagefind_service.index_folder(site_dir)
    except pagefind_service.PagefindError as error:
        raise BuildError(f"pagefind failed: {error}") from error


def mkdocs_stage(docs_dir: Path, site_dir: Path, staging: Path, source_date_epoch: int,
                 cache_dir: Path | None, full: bool, notes: list[str], stage=None) -> incremental.State:
    """MkDocs into `staging`: `--dirty` on a copy of the previous site when only
    pages changed (build_archive/site/incremental.py), else a full build. Returns
    what the site was built from, to record once it is swapped in."""
    config = incremental.read_config(CONFIG)
    site_url = os.environ.get("SITE_URL", "") + "\0" + os.environ.get("CORRECTIONS_GITHUB", "")  # both in every page
    previous = incremental.load_state(incremental.state_file(cache_dir, site_dir)) if cache_dir and not full else None
    pages, stamps = incremental.page_hashes(docs_dir, previous) if cache_dir else ({}, {})
    current = incremental.State(incremental.fingerprint(CONFIG, PROJECT / "overrides", docs_dir, site_url),
                                pages, stamps=stamps)
    plan, why = incremental.plan(previous, current, site_dir, config)
    if plan:
        incremental.seed(site_dir, staging, docs_dir, plan, config.get("use_directory_urls", True))
        notes.append(f"mkdocs: incremental, {len(plan.changed)} of {len(current.pages)} files of docs/ new or changed,"
                     f" {len(plan.removed)} removed")
        if stage:
            stage.set_total(1)
        mkdocs_build(docs_dir, staging, source_date_epoch, dirty=True)
        if stage:
            stage.advance()
    else:
        runs = mkdocs_full_build(docs_dir, staging, source_date_epoch, stage=stage)
        notes.append(f"mkdocs: full build ({'--full' if full else 'no cache folder' if not cache_dir else why}),"
                     f" {runs} MkDocs process{'es' if runs > 1 else ''}")
    return current


def build_site(docs_dir: Path, site_dir: Path, source_date_epoch: int, timings,
               cache_dir: Path | None = None, full: bool = False,
               notes: list[str] | None = None) -> indexing.IndexStats:
    """Build into a temporary folder next to `site_dir`; swap it in only on success.

    Whatever fails (MkDocs, Pagefind, the offline bundle, an interrupt), the
    previous site is left as it was and the temporary folder is removed.
    With a `cache_dir`, MkDocs renders only the pages that changed since the
    previous build of this site (unless `full`); `notes` gets a line saying
    which kind of build it was.
    """
    notes = [] if notes is None else notes
    site_dir = site_dir.resolve()
    if site_dir.is_dir() and any(site_dir.iterdir()) and not (site_dir / "pagefind").is_dir():
        raise BuildError(f"refusing to replace {site_dir}: it is not empty and is not a built site (no pagefind/)")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-building-", dir=site_dir.parent))
    try:
        with timings("mkdocs", unit="MkDocs runs") as stage:
            built_from = mkdocs_stage(docs_dir, site_dir, staging, source_date_epoch, cache_dir, full, notes, stage)
        with timings("pagefind", unit="search parts") as stage:
            # in parts; parts unchanged since the previous site are copied from it (not with `full`)
            try:
                stats = indexing.index_site(
                    staging, None if full else site_dir / "pagefind", pagefind,
                    cache=cache_dir / "search-pages.json" if cache_dir and not full else None, stage=stage)
            except indexing.SearchIndexError as error:
                raise BuildError(f"search index: {error}") from error
        with timings("swap"):  # mostly deleting the previous site (slow where unlinking is)
            swap_in(staging, site_dir)
        if cache_dir:
            record = replace(built_from, site=incremental.site_identity(site_dir))
            incremental.save_state(incremental.state_file(cache_dir, site_dir), record)
        return stats
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def swap_in(new: Path, site_dir: Path) -> None:
    """Replace `site_dir` by `new` with two renames (same folder, so each is atomic).

    The previous site is then deleted by a detached process: the new site is
    in place, and unlinking a large site's files (~300,000 at 100,000
    articles) takes seconds the build need not wait for. A previous site left
    over (a build killed before) is deleted first."""
    for leftover in sorted(site_dir.parent.glob(f".{site_dir.name}-old*")):
        shutil.rmtree(leftover, ignore_errors=True)
    old = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-old-", dir=site_dir.parent))
    if site_dir.exists():
        old.rmdir()
        site_dir.rename(old)
    try:
        new.rename(site_dir)
    except OSError as error:
        if old.exists() and any(old.iterdir()):
            old.rename(site_dir)  # put the previous site back
        raise BuildError(f"could not move the new site into {site_dir}: {error}") from error
    delete_later(old)


def delete_later(folder: Path) -> None:
    """Remove `folder` in a process of its own that outlives this one (if one cannot start: now)."""
    try:
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                          str(folder)], start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def source_date_epoch(articles) -> int:
    """The newest article's date as a timestamp: stable for a given corpus."""
    newest = max((a.date for a in articles if a.date), default="1970")
    year, month, day = (newest.split("-") + ["01", "01"])[:3]
    return calendar.timegm((int(year), int(month), int(day), 0, 0, 0))
