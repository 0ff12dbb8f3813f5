"""The search bundle, indexed in parts and reused across builds (the I/O edge).

`index_site(site, previous, run)` after MkDocs has written `site`:

1. partition the article pages (build_archive/search/parts.py); each part's key is
   a hash of what Pagefind reads of its pages (read first only for the parts
   the previous bundle has; the others' pages are read once, in step 3);
2. a part whose key equals the one in the previous build's manifest is copied
   (hard-linked: files are never modified in place) from the previous bundle;
3. every other part is indexed on its own: its pages are cut into groups
   (parts.groups) and written into a temporary site folder (same relative
   paths, so result URLs are right; in RAM where there is a RAM file system,
   see RAM_FOLDER), each as the parts of it Pagefind reads
   (parts.indexed_page: with the bigram tokens of its text), each token
   with its group's letter at the end (bigrams.suffixed),
   `run` (site.pagefind) indexes it, stable_bundle makes the bundle
   byte-identical from build to build, facets writes the part's filter values
   for the search page, offline writes its file:// twins — two parts at a
   time while their pages fit PARALLEL_PAGES (Pagefind's memory);
4. the newest part becomes the bundle folder itself (SITE/pagefind/, with
   pagefind.js and the wasm, so Pagefind's primary index is the part most
   searches need first), older parts go to SITE/pagefind/parts/<id>/ with
   their data files only, and SITE/pagefind/parts.json lists them all,
   newest first, for the browser (with its file:// twin).

A bundle is the same bytes wherever it lies (Pagefind writes site-relative
URLs), so a part moves from the bundle folder to parts/<id>/ unchanged when a
newer part opens. Incremental and full builds give byte-identical bundles.

Reading every page to compute the keys costs about a second per 5,000 pages
(machine idle); with a cache file, a page whose size and modification time are
those it had when last read is not read again (the incremental MkDocs build
keeps the unchanged pages' times).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

from build_archive.search import facets, offline, parts, bigrams, stable_bundle, terms
from build_archive.scale.cache import by_stamp

BUNDLE = "pagefind"
WORK = ".search-parts"  # temporary sites, inside the site being built (removed at the end)
PREVIOUS = ".pagefind-previous"  # a bundle already in the site (a staging folder seeded with the last site)

# A part's own files, relative to its folder; their file:// twins are offline/<file>.js.
_DATA = re.compile(r"pagefind-entry\.json|facets\.json|pagefind\.[^/]+\.pf_meta|index/[^/]+\.pf_index"
                   r"|fragment/[^/]+\.pf_fragment|filter/[^/]+\.pf_filter")
_TWIN = f"{offline.TWIN_DIR}/"
# Files of the bundle folder that belong to no part.
_OWN = (parts.MANIFEST, f"{_TWIN}{parts.MANIFEST}.js")
# Pagefind's runtime, the same for every part of one Pagefind version: kept once, in the bundle folder.
RUNTIME_REQUIRED = ("pagefind.js", f"{_TWIN}pagefind.js")


class SearchIndexError(RuntimeError):
    """The search bundle could not be built; the message says which part and why."""


@dataclass(frozen=True)
class IndexStats:
    """What `index_site` did. bundle_bytes/twin_bytes/files as offline.OfflineStats, over all parts."""

    bundle_bytes: int
    twin_bytes: int
    files: int
    parts: tuple[str, ...] = ()  # part ids, newest first
    indexed: tuple[str, ...] = ()  # parts indexed by Pagefind in this build
    reused: tuple[str, ...] = ()  # parts copied from the previous build
    seconds: dict[str, float] = field(default_factory=dict)  # per indexed part: Pagefind + canonical form + twins
    pages: int = 0


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind_bin_extended")
    except metadata.PackageNotFoundError:
        return "unknown"


def is_part_file(rel: str) -> bool:
    """A file of one part's bundle (data or twin), by its path relative to the part's folder."""
    if rel.startswith(_TWIN) and rel.endswith(".js"):
        rel = rel[len(_TWIN):-3]
    return _DATA.fullmatch(rel) is not None


def walk(folder: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """Relative paths of the files under `folder`, not under its top-level folders named in `skip`."""
    found, stack = [], [("", str(folder))]
    while stack:
        prefix, path = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if prefix or entry.name not in skip:
                        stack.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found.append(prefix + entry.name)
    return sorted(found)


def part_files(folder: Path) -> list[str]:
    """A part's data files and twins (in the bundle folder: those of the newest part)."""
    return [rel for rel in walk(folder, skip=(parts.PARTS_DIR,)) if is_part_file(rel)]


def runtime_files(bundle: Path) -> list[str]:
    """Pagefind's runtime in a bundle folder: everything but its part's files and ours."""
    return [rel for rel in walk(bundle, skip=(parts.PARTS_DIR, terms.TERMS_DIR))
            if not is_part_file(rel) and rel not in _OWN and not rel.startswith(f"{_TWIN}{terms.TERMS_DIR}/")]


# --- reading the site ------------------------------------------------------------------


def site_pages(site: Path) -> tuple[list[str], list[str]]:
    """(article pages, other pages): site-relative paths of the HTML files, sorted."""
    articles, others = [], []
    for rel in walk(site, skip=(BUNDLE, WORK, PREVIOUS)):
        if rel.endswith(".html"):
            (articles if parts.is_article(rel) else others).append(rel)
    return articles, others


def check_only_articles_are_indexed(site: Path, others: list[str]) -> None:
    """Only article pages are put into parts; a data-pagefind-body elsewhere would be lost."""
    stray = [rel for rel in others if b"data-pagefind-body" in (site / rel).read_bytes()]
    if stray:
        raise SearchIndexError(
            f"{len(stray)} page(s) outside articles/ have data-pagefind-body but only article pages are "
            f"indexed (build_archive/search/parts.py): {', '.join(stray[:5])}")


def page_digests(site: Path, pages: list[str], cache: dict) -> tuple[dict[str, str], dict]:
    """(path -> digest of what Pagefind reads, the new cache). The cache maps a path to the
    [size, mtime_ns, digest] it had when last read; a page with the same size and time is not read."""
    fresh = by_stamp(site, pages, cache, lambda path: parts.page_digest(path.read_text("utf-8", errors="replace")))
    return {rel: value for rel, (_, _, value) in fresh.items()}, fresh


def read_cache(path: Path | None) -> dict:
    try:
        data = json.loads(path.read_text("utf-8")) if path else {}
        return data["pages"] if data.get("format") == parts.FORMAT and isinstance(data.get("pages"), dict) else {}
    except (OSError, ValueError, AttributeError, KeyError):
        return {}


def write_cache(path: Path | None, pages: dict) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"format": parts.FORMAT, "pages": pages}, sort_keys=True), "utf-8")
    tmp.replace(path)


# --- the previous build ------------------------------------------------------------------


def _entry_pages(folder: Path) -> int | None:
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text("utf-8"))
        languages = entry["languages"]
        if not all((folder / f"pagefind.{lang['hash']}.pf_meta").is_file() for lang in languages.values()):
            return None
        return sum(lang["page_count"] for lang in languages.values())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _complete(folder: Path, pages: int) -> list[str] | None:
    """A part bundle's files if it has what a search needs (entry, meta, a fragment per page, twins)."""
    if _entry_pages(folder) != pages:
        return None
    files = part_files(folder)
    twins = sum(rel.startswith(_TWIN) for rel in files)
    fragments = sum(rel.startswith("fragment/") for rel in files)
    return files if fragments == pages and twins * 2 == len(files) else None


def previous_parts(bundle: Path | None) -> dict[str, tuple[str, Path, list[str], list[dict]]]:
    """Part id -> (key, folder, files, groups) of a previous bundle we can copy from; {} if there is none."""
    if bundle is None or not all((bundle / f).is_file() for f in RUNTIME_REQUIRED):
        return {}
    try:
        old = parts.read_manifest((bundle / parts.MANIFEST).read_bytes())
    except (OSError, ValueError):
        return {}
    if old.get("pagefind") != pagefind_version():
        return {}
    found = {}
    for part in old["parts"]:
        folder = (bundle / part["path"]).resolve()
        if bundle.resolve() not in (folder, *folder.parents):
            continue
        files = _complete(folder, part["pages"])
        if files is not None and isinstance(part.get("groups"), list):
            found[part["id"]] = (part["key"], folder, files, part["groups"])
    return found


# --- building ----------------------------------------------------------------------


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.link(src, dst)
    except OSError:  # another file system, or no hard links: copy
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)


def _copy_files(src: Path, dst: Path, rels: list[str]) -> None:
    """Hard links (files are never modified in place, so the previous site stays as it was)."""
    for rel in rels:
        _link(os.path.join(src, rel), os.path.join(dst, rel))


def write_grouped_pages(site: Path, part: parts.Part, tmp: Path) -> tuple[list[dict], dict[str, list], set[str]]:
    """The part's pages into `tmp` as Pagefind is to index them (module docstring, step 3);
    returns the part's group entries for the manifest, each page's [size, mtime_ns,
    digest] as page_digests gives them (the page is read once), and the part's bigram
    tokens (for the term directory, build_archive/search/terms.py)."""
    html, stamps, tokens = {}, {}, set()
    for rel in part.pages:
        stat = os.stat(site / rel)  # before reading: a page changed meanwhile is read again next time
        stamps[rel] = [stat.st_size, stat.st_mtime_ns]
        html[rel] = (site / rel).read_text("utf-8")
    found = parts.groups({rel: parts.sort_value_of(text, rel) for rel, text in html.items()})
    suffix = {rel: group.suffix for group in found for rel in group.pages}
    # in reverse path order: tmpfs lists a folder newest first, so Pagefind's own walk then
    # meets the pages in path order and its command line can be used (pagefind_service.py)
    for rel in sorted(suffix, reverse=True):
        target = tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        # only what Pagefind reads (the same bundle, a third of the bytes to parse)
        indexed = parts.indexed_page(html[rel])
        stamps[rel].append(parts.digest_of_indexed(indexed))
        tokens.update(terms.page_tokens(indexed))
        target.write_text(bigrams.suffixed(indexed, suffix[rel]), "utf-8")
    return parts.group_entries(found), stamps, tokens


# The temporary copy of a part's pages, and the bundle Pagefind writes beside it, are made in
# memory where the machine has a RAM file system: creating files on the build machine's disk
# cost 0.3-0.8 ms each (ext4, measured), on /dev/shm 0.03 ms; a part's pages are read once, by
# Pagefind. Only the finished bundle goes to disk (into the work folder), and the pages are
# deleted as soon as it is, so memory holds at most the parts being indexed (~40 MB per 3,000 pages).
RAM_FOLDER = Path("/dev/shm")
RAM_FREE_NEEDED = 1 << 30  # bytes free on it, else the disk is used


SCRATCH_PREFIX = "qz-parts-"  # then the building process's id


def remove_stale_scratch(root: Path) -> None:
    """Remove what builds that were killed left in `root` (their process is gone)."""
    for folder in root.glob(f"{SCRATCH_PREFIX}*"):
        pid = folder.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's
    return True


def make_scratch(work: Path) -> Path:
    """A new folder to prepare and index parts in: in RAM_FOLDER when usable, else in `work`."""
    root = work
    try:
        if os.access(RAM_FOLDER, os.W_OK):
            stats = os.statvfs(RAM_FOLDER)
            if stats.f_bavail * stats.f_frsize >= RAM_FREE_NEEDED:
                root = RAM_FOLDER
                remove_stale_scratch(root)
    except OSError:
        pass
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=root))


def index_part(site: Path, part: parts.Part, work: Path, run: Callable[[Path], object],
               scratch: Path | None = None) -> tuple[Path, float, list[dict], dict[str, list], set[str]]:
    """Index one part on its own, in scratch/<part id> (make_scratch; work/scratch if not given);
    returns (its bundle folder, under `work`; seconds; its group entries; its pages' stamps
    and digests, and its tokens, see write_grouped_pages)."""
    started = time.perf_counter()
    work.mkdir(parents=True, exist_ok=True)
    tmp = (scratch or work / "scratch") / part.id
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        found, stamps, tokens = write_grouped_pages(site, part, tmp)
        run(tmp)  # site.pagefind: Pagefind writes tmp/pagefind/
        try:
            stable_bundle.canonicalise_bundle(tmp)  # Pagefind's filter order is random
            facets.write_facets(tmp / BUNDLE)
        except (ValueError, TypeError) as error:
            raise SearchIndexError(f"Pagefind bundle of part {part.id}: {error}") from error
        try:
            offline.write_offline_bundle(tmp)
        except offline.OfflineBundleError as error:
            raise SearchIndexError(f"offline search bundle of part {part.id}: {error}") from error
        indexed = _entry_pages(tmp / BUNDLE)
        if indexed != len(part.pages):
            raise SearchIndexError(
                f"part {part.id}: Pagefind indexed {indexed} pages of {len(part.pages)}; does every article "
                "page have data-pagefind-body and lang=\"zh\"?")
        bundle = work / part.id / BUNDLE
        shutil.rmtree(bundle.parent, ignore_errors=True)
        bundle.parent.mkdir(parents=True)
        shutil.move(tmp / BUNDLE, bundle)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return bundle, time.perf_counter() - started, found, stamps, tokens


# Pagefind holds ~0.47 MB per page while it indexes (measured: 3,900 article pages, 1.8 GB RSS) and
# uses ~1.5 cores by itself; two parts at once still gain ~20 % (10,000 articles: 68 s against
# 86 s): two parts are indexed at once while their pages fit this (two sealed parts: ~2.8 GB).
PARALLEL_PAGES = 2 * parts.SEALED_SIZE


class PageBudget:
    """Lets a part be indexed once the parts being indexed and it hold at most `pages` pages
    (a part larger than that runs alone)."""

    def __init__(self, pages: int):
        self.pages, self.used = pages, 0
        self.ready = threading.Condition()

    def run(self, size: int, task: Callable[[], object]):
        size = min(size, self.pages)
        with self.ready:
            self.ready.wait_for(lambda: self.used + size <= self.pages)
            self.used += size
        try:
            return task()
        finally:
            with self.ready:
                self.used -= size
                self.ready.notify_all()


def bundle_stats(bundle: Path) -> tuple[int, int, int]:
    """(bytes Pagefind fetches: pagefind.js, wasm and data files; bytes of twins; twin files) over all parts."""
    fetched = twin_bytes = twins = 0
    for rel in walk(bundle):
        local = rel.split("/", 2)[2] if rel.startswith(f"{parts.PARTS_DIR}/") else rel  # as in its part's folder
        size = os.stat(bundle / rel).st_size
        if local.startswith(_TWIN):
            twin_bytes, twins = twin_bytes + size, twins + 1
        elif local == "pagefind.js" or local.startswith("wasm.") or _DATA.fullmatch(local):
            fetched += size
    return fetched, twin_bytes, twins


def write_terms(bundle: Path, tokens_by_number: dict[int, set[str]]) -> int:
    """The term directory (build_archive/search/terms.py) and its file:// twins; returns its shard count."""
    shards, files = terms.shard_files(terms.directory(tokens_by_number))
    for name, raw in files.items():
        offline.write_with_twin(bundle, f"{terms.TERMS_DIR}/{name}", raw)
    return shards


def previous_tokens(previous: Path | None, wanted: list[str]) -> dict[str, set[str]]:
    """Part id -> its tokens, from the previous build's term directory, for the parts in `wanted`."""
    if previous is None or not wanted:
        return {}
    try:
        old = parts.read_manifest((previous / parts.MANIFEST).read_bytes())
        shards = old["terms"]["shards"]
        by_number = terms.part_tokens(previous / terms.TERMS_DIR, shards)
        ids = {entry["n"]: entry["id"] for entry in old["parts"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {ids[n]: tokens for n, tokens in by_number.items() if ids.get(n) in wanted}


def tokens_of_pages(site: Path, pages: list[str]) -> set[str]:
    found: set[str] = set()
    for rel in pages:
        found.update(terms.page_tokens(parts.indexed_page((site / rel).read_text("utf-8"))))
    return found


def write_manifest(bundle: Path, data: dict) -> None:
    """parts.json and its file:// twin (the loader reads it before Pagefind starts)."""
    offline.write_with_twin(bundle, parts.MANIFEST, parts.manifest_bytes(data))


def index_site(site: Path, previous: Path | None, run: Callable[[Path], object], size: int | None = None,
               sealed: int | None = None, jobs: int = 2, cache: Path | None = None,
               stage=None) -> IndexStats:
    """Write SITE/pagefind/: every part, reused from `previous` (a bundle folder) where unchanged.

    A bundle already in SITE/pagefind (a staging folder seeded with the last
    site) is used as the previous one. `run(folder)` runs Pagefind on a folder.
    `size`, `sealed`: parts.PART_SIZE and parts.SEALED_SIZE unless given.
    `cache`: a file keeping each page's digest between builds (see page_digests).
    `stage` (progress.Stage): told how many parts are indexed, and each as it is done.
    """
    site = Path(site)
    bundle = site / BUNDLE
    work, seeded = site / WORK, site / PREVIOUS
    for leftover in (work, seeded):
        if leftover.exists():
            shutil.rmtree(leftover)
    if bundle.exists():
        bundle.rename(seeded)
        previous = seeded
    scratch: Path | None = None
    try:
        articles, others = site_pages(site)
        check_only_articles_are_indexed(site, others)
        if not articles:
            raise SearchIndexError("no article pages under articles/: nothing to search")
        plan = parts.partition(articles, size, sealed)
        version = pagefind_version()
        old = previous_parts(previous)

        def key(part: parts.Part) -> str:
            return parts.part_key({rel: known[rel][2] for rel in part.pages}, version)

        # Only a part the previous bundle has may be reused: only its pages are read (or found
        # in the cache) first; the others' pages are read once, as they are indexed.
        _, known = page_digests(site, [rel for p in plan if p.id in old for rel in p.pages], read_cache(cache))
        todo = [p for p in plan if p.id not in old or old[p.id][0] != key(p)]
        if stage:
            stage.set_total(len(todo))

        fresh: dict[str, Path] = {}
        seconds: dict[str, float] = {}
        groups = {part_id: entry[3] for part_id, entry in old.items()}
        part_tokens: dict[str, set[str]] = {}
        budget = PageBudget(PARALLEL_PAGES)
        scratch = make_scratch(work)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {p.id: pool.submit(budget.run, len(p.pages), lambda p=p: index_part(site, p, work, run, scratch))
                       for p in todo}
            for part_id, future in futures.items():
                fresh[part_id], seconds[part_id], groups[part_id], stamps, part_tokens[part_id] = future.result()
                known.update(stamps)
                if stage:
                    stage.advance()
        keys = {p.id: key(p) for p in plan}

        bundle.mkdir()
        for i, part in enumerate(plan):
            source, files = (fresh[part.id], part_files(fresh[part.id])) if part.id in fresh else old[part.id][1:3]
            _copy_files(source, bundle / parts.part_path(i, len(plan), part.id), files)
        runtime = next(iter(fresh.values()), previous)
        _copy_files(runtime, bundle, runtime_files(runtime))
        offline.write_classic_copy(bundle)  # ours: this version's, even when every part is reused
        reused = [p for p in plan if p.id not in fresh]
        part_tokens.update(previous_tokens(previous, [p.id for p in reused]))
        for part in reused:  # not in the previous directory (none, or unreadable): from its pages
            if part.id not in part_tokens:
                part_tokens[part.id] = tokens_of_pages(site, part.pages)
        shards = write_terms(bundle, {n: part_tokens[p.id] for n, p in enumerate(plan)})
        data = parts.manifest(plan, keys, version, part_groups=groups, term_shards=shards)
        write_manifest(bundle, data)
        write_cache(cache, known)
        bundle_bytes, twin_bytes, files = bundle_stats(bundle)
        return IndexStats(
            bundle_bytes=bundle_bytes, twin_bytes=twin_bytes, files=files,
            parts=tuple(p["id"] for p in data["parts"]),
            indexed=tuple(p.id for p in plan if p.id in fresh),
            reused=tuple(p.id for p in plan if p.id not in fresh),
            seconds=seconds, pages=len(articles))
    finally:
        for leftover in (work, seeded, scratch):
            if leftover and leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)
