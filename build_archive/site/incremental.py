"""Incremental MkDocs builds: rebuild only the pages whose Markdown changed.

MkDocs' own mechanism is `mkdocs build --dirty`: a page is rendered only when
its source is newer than its output (`File.is_modified`, an mtime test); the
theme's static templates (404.html, sitemap.xml, sitemap.xml.gz) are rendered
on every build. The MkDocs docs warn that dirty builds leave stale navigation
and links. Here they cannot, because every page's HTML depends only on

- its own Markdown file,
- things shared by every page: mkdocs.yml (nav, theme, extensions), overrides/,
  the installed MkDocs/Material/Markdown, SITE_URL (and, to be safe, the
  hand-written docs/assets/);

our nav is small, fixed and titled in mkdocs.yml (a nav entry without its own
title would take it from its page: we then always build in full), Material's
search plugin is off, and the index pages are Markdown we regenerate (and
rewrite only when they change). SOURCE_DATE_EPOCH reaches only sitemap.xml.gz.

So a build is either full (anything shared changed, or we cannot tell what the
previous site was built from) or dirty. For a dirty build the staging folder
is filled from the previous site (`seed`), and, so that correctness never
rests on mtimes alone, content hashes recorded at the previous build decide:
the output of every new or changed file is left out (MkDocs renders it), so
is the output of every removed file, and an unchanged page whose source is
newer than its output (docs/ written anew) gets its output's mtime moved
forward so MkDocs skips it.

The record of the previous build (`State`) lives in the cache folder, keyed by
the site's path, and names the site folder it describes (device, inode,
mtime): a site replaced by any other build no longer matches it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from build_archive.scale.cache import by_stamp, installed_version

FORMAT = 1
PACKAGE = Path(__file__).resolve().parent
# What renders a page besides its Markdown: their versions are in the fingerprint.
DISTRIBUTIONS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pygments", "pyyaml")
# How MkDocs is run (site.mkdocs_build) and this module.
CODE = ("builder.py", "incremental.py")
# Top-level folders of the site that MkDocs does not write: not copied into the
# staging folder (the Pagefind stage makes its own).
NOT_FROM_MKDOCS = ("pagefind",)
# Hand-written files of docs/ that every page uses (stylesheets, scripts): part
# of the fingerprint. Every other file of docs/ (pages, generated data files)
# is followed file by file.
SHARED = "assets/"
MARKDOWN = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # mkdocs.utils.markdown_extensions


@dataclass(frozen=True)
class State:
    """What a built site was built from."""

    fingerprint: str  # everything every page depends on (see `fingerprint`)
    pages: dict[str, str]  # file of docs/ (but SHARED ones), relative path -> content hash
    site: tuple[int, ...] = ()  # (device, inode, mtime_ns) of the site folder it describes
    stamps: dict[str, list] = field(default_factory=dict)  # rel -> [size, mtime_ns, hash] (cache.by_stamp)


@dataclass(frozen=True)
class Plan:
    """A dirty build: what to do to a copy of the previous site before MkDocs runs."""

    changed: tuple[str, ...]  # new or changed files: their output is deleted, MkDocs makes it anew
    removed: tuple[str, ...]  # files gone from docs/: their output is deleted
    unchanged: tuple[str, ...]


# --- what the site is built from -------------------------------------------------------


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _files(folder: Path):
    """(relative posix path, path) of every file under `folder`, sorted."""
    if not folder.is_dir():
        return []
    return sorted((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file())


def page_hashes(docs_dir: Path, previous: State | None = None) -> tuple[dict[str, str], dict[str, list]]:
    """Every file of docs/ (but the SHARED ones) and the hash of its bytes; with the
    stamps to record. A file with the size and mtime it had in the `previous` build is not read."""
    rels = [rel for rel, _ in _files(docs_dir) if not rel.startswith(SHARED)]
    stamps = by_stamp(docs_dir, rels, previous.stamps if previous else {}, lambda path: _hash(path.read_bytes()))
    return {rel: value for rel, (_, _, value) in stamps.items()}, stamps


def fingerprint(config: Path, overrides: Path, docs_dir: Path, site_url: str = "") -> str:
    """A hash of everything that every page's HTML depends on: mkdocs.yml,
    overrides/, docs/assets/, the versions of MkDocs and what it renders
    with, SITE_URL, and how we run MkDocs."""
    digest = hashlib.blake2b(digest_size=16)
    versions = {name: installed_version(name) for name in DISTRIBUTIONS}
    digest.update(json.dumps([FORMAT, sys.version_info[:2], versions, site_url]).encode())
    inputs = [("mkdocs.yml", config)]
    inputs += [(f"overrides/{rel}", path) for rel, path in _files(overrides)]
    inputs += [(f"docs/{rel}", path) for rel, path in _files(docs_dir) if rel.startswith(SHARED)]
    inputs += [(f"code/{name}", PACKAGE / name) for name in CODE]
    for name, path in inputs:
        digest.update(f"{name}\0{_hash(path.read_bytes())}\0".encode())
    return digest.hexdigest()


def read_config(config: Path) -> dict | None:
    """mkdocs.yml as plain YAML (it is kept plain: no Python tags); None if it is not."""
    try:
        loaded = yaml.safe_load(config.read_text("utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return loaded if isinstance(loaded, dict) else None


def nav_titles_fixed(nav) -> bool:
    """Does every nav entry carry its own title? (`首页: index.md`, not `index.md`:
    an untitled entry shows its page's title in every page's nav.)"""
    if nav is None:
        return False  # no nav: MkDocs lists every page, titled from its content
    if isinstance(nav, list):
        return all(nav_titles_fixed(item) for item in nav)
    if isinstance(nav, dict):
        return all(isinstance(value, str) or nav_titles_fixed(value) for value in nav.values())
    return False


def output_path(rel: str, use_directory_urls: bool) -> str:
    """Where MkDocs writes the file `rel` of docs/ (mkdocs File.dest_uri)."""
    if not rel.endswith(MARKDOWN):
        return rel  # copied as it is
    parent, name = os.path.split(rel)
    stem = name.rsplit(".", 1)[0]
    if stem in ("index", "README"):
        return "/".join(filter(None, [parent, "index.html"]))
    if not use_directory_urls:
        return "/".join(filter(None, [parent, stem + ".html"]))
    return "/".join(filter(None, [parent, stem, "index.html"]))


# --- the record of the previous build ---------------------------------------------------


def state_file(cache_dir: Path, site_dir: Path) -> Path:
    key = hashlib.blake2b(str(site_dir.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / "sites" / f"{key}.json"


def site_identity(site_dir: Path) -> tuple[int, ...]:
    try:
        stat = site_dir.stat()
    except OSError:
        return ()
    return (stat.st_dev, stat.st_ino, stat.st_mtime_ns)


def load_state(path: Path) -> State | None:
    """The recorded state, or None when there is none or it cannot be read."""
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("format") != FORMAT:
            return None
        return State(str(data["fingerprint"]), dict(data["pages"]), tuple(data["site"]), dict(data.get("stamps", {})))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_state(path: Path, state: State) -> None:
    """Write atomically; a cache folder that cannot be written only costs the next build its speed."""
    data = {"format": FORMAT, "fingerprint": state.fingerprint, "site": list(state.site), "pages": state.pages,
            "stamps": state.stamps}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), "utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


# --- deciding and preparing --------------------------------------------------------------


def plan(previous: State | None, current: State, site_dir: Path, config: dict | None) -> tuple[Plan | None, str]:
    """A dirty-build plan, or (None, why the build must be full)."""
    if config is None:
        return None, "mkdocs.yml is not plain YAML"
    if not nav_titles_fixed(config.get("nav")):
        return None, "a nav entry takes its title from its page"
    if previous is None:
        return None, "no record of a previous build"
    if not previous.site or previous.site != site_identity(site_dir):
        return None, "the site folder is not the one last built with this cache"
    if previous.fingerprint != current.fingerprint:
        return None, "mkdocs.yml, overrides/, docs assets, SITE_URL or the MkDocs/Material versions changed"
    changed = tuple(rel for rel, digest in current.pages.items() if previous.pages.get(rel) != digest)
    removed = tuple(rel for rel in previous.pages if rel not in current.pages)
    unchanged = tuple(rel for rel, digest in current.pages.items() if previous.pages.get(rel) == digest)
    return Plan(changed, removed, unchanged), ""


def seed(site_dir: Path, staging: Path, docs_dir: Path, plan: Plan, use_directory_urls: bool) -> None:
    """Fill `staging` from the previous site for `mkdocs build --dirty`.

    - outputs of new, changed and removed files are left out: MkDocs renders
      the new and changed ones, the removed ones stay gone;
    - outputs of unchanged pages are hard links, with an mtime at least their
      source's, so MkDocs skips them: it never opens them for writing, and
      the live site cannot change through a link;
    - everything else (theme assets, 404.html, sitemap.xml, data files) is a
      real copy with its mtime, which MkDocs may overwrite.

    Linking matters where deleting a file is slow: on this project's build
    machine (ext4 mounted with `discard`) unlinking a file with its own data
    took ~3 ms and a link ~0.03 ms, and the previous site is deleted after
    every swap (README: incremental builds).
    """
    drop = {output_path(rel, use_directory_urls) for rel in plan.changed + plan.removed}
    pages = {output_path(rel, use_directory_urls): rel for rel in plan.unchanged if rel.endswith(MARKDOWN)}
    made: set[Path] = set()
    for folder, folders, names in os.walk(site_dir):
        here = Path(folder).relative_to(site_dir)
        if here == Path("."):
            folders[:] = [name for name in folders if name not in NOT_FROM_MKDOCS]
        for name in names:
            rel = (here / name).as_posix()
            if rel in drop:
                continue
            source, target = Path(folder) / name, staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if rel in pages and not source.is_symlink():
                _link(source, target)
                _not_older_than(target, docs_dir / pages[rel])
            else:
                shutil.copy2(source, target, follow_symlinks=False)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # no hard links on this file system: a copy is as good, only slower
        shutil.copy2(source, target)


def _not_older_than(output: Path, source: Path) -> None:
    """An unchanged page whose source file is newer (docs/ written anew, same
    content): move its output's mtime forward so MkDocs does not render it."""
    try:
        source_mtime = source.stat().st_mtime_ns
        stat = output.stat()
    except FileNotFoundError:
        return
    if stat.st_mtime_ns < source_mtime:
        os.utime(output, ns=(stat.st_atime_ns, source_mtime))
