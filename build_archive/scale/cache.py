"""Per-page extraction results, cached on disk by content hash.

A page's result (its articles, the words keywords need, its share of the build
report) depends only on the page's text, its facts in sources.yml, its name,
and the code and data that extract it. The key hashes the first three; the
last is a fingerprint that names the folder the entries live in:

    CACHE/pages/<fingerprint>/<key[:2]>/<key>.pickle

so that editing segment.py or data/gazetteer.yml starts a new folder, and the
old one is removed at the end of the build (`prune`). An entry that cannot be
read (truncated, corrupt, from another version) counts as missing and is
recomputed; a cache folder that cannot be written only loses the speed-up.
The entries are pickles: the cache folder is the builder's own, like
__pycache__, never something downloaded.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, Mapping

PACKAGE = Path(__file__).resolve().parents[1]  # build_archive/
FORMAT = 1  # bump when the entries' shape changes without a code change here
# What a page's cached result depends on: the records (models.py), the extraction
# stage (extract/, every module, a new one included) and the data files. The
# other stages only use page results: editing them leaves the cache valid.
# The libraries whose output extraction keeps: a new version may cut or read otherwise.
EXTRACTION_LIBRARIES = ("jieba", "rjieba", "opencc", "trafilatura", "htmldate", "charset-normalizer", "lunardate")


def code_fingerprint(package: Path = PACKAGE) -> str:
    """A hash of what extraction runs: models.py, extract/, data/, the versions of the
    libraries it uses and Python's."""
    digest = hashlib.blake2b(digest_size=8)
    versions = " ".join(f"{name} {installed_version(name)}" for name in EXTRACTION_LIBRARIES)
    digest.update(f"{FORMAT} {sys.version_info[:2]} {versions}".encode())
    files = [package / "models.py", *sorted((package / "extract").rglob("*.py"))]
    files += sorted(p for p in (package / "data").rglob("*") if p.is_file())
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return digest.hexdigest()


def by_stamp(folder: Path, rels: Iterable[str], known: Mapping[str, object],
             compute: Callable[[Path], str]) -> dict[str, list]:
    """rel -> [size, mtime_ns, value] for each file of `folder`: the value recorded in `known`
    when the file still has the size and modification time it had then (the file is not
    read: the build rewrites only changed files, so an unchanged one keeps its time), else
    compute(path). Same idea as git's index."""
    out = {}
    for rel in rels:
        path = folder / rel
        stat = os.stat(path)
        stamp = [stat.st_size, stat.st_mtime_ns]
        old = known.get(rel)
        value = old[2] if isinstance(old, list) and len(old) == 3 and old[:2] == stamp else compute(path)
        out[rel] = [*stamp, value]
    return out


def installed_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "none"


def page_key(source: str, text: str, facts: dict) -> str:
    """What a page's result depends on besides the code: its name, text and sources.yml facts."""
    blob = json.dumps([source, facts, text], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=20).hexdigest()


class PageCache:
    """One folder of entries for the current code fingerprint."""

    def __init__(self, root: Path, fingerprint: str | None = None, read: bool = True):
        self.root = Path(root)
        self.read = read  # False: recompute every page, still write the results
        self.fingerprint = fingerprint or code_fingerprint()
        self.folder = self.root / "pages" / self.fingerprint
        self.hits = 0
        self.misses = 0
        self.write_errors = 0

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str, kind: type):
        """The entry for `key` if it is there and readable as a `kind`, else None."""
        value = None
        try:
            if self.read:
                with open(self.path(key), "rb") as file:
                    value = pickle.load(file)
        except Exception:  # missing, truncated, corrupt, or pickled by other code: recompute
            value = None
        if isinstance(value, kind):
            self.hits += 1
            return value
        self.misses += 1
        return None

    def put(self, key: str, value) -> None:
        self.put_file(self.path(key), value)

    def put_file(self, path: Path, value) -> None:
        """Write atomically (a reader never sees half an entry); never fail the build."""
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tmp-", delete=False) as file:
                temporary = file.name
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except OSError:
            self.write_errors += 1
            if temporary:
                Path(temporary).unlink(missing_ok=True)

    # Memos, one file each for the archive, with the code fingerprint in the folder name (a code
    # change starts them afresh): "keywords" chosen at the previous build
    # (pipeline.with_keywords_and_slugs), "encodings" of page dumps already read (corpus.read_corpus).
    def memo(self, name: str) -> dict:
        try:
            if self.read:
                with open(self.folder / f"{name}.memo", "rb") as file:
                    memo = pickle.load(file)
                if isinstance(memo, dict):
                    return memo
        except Exception:  # missing or corrupt: work it all out again
            pass
        return {}

    def save_memo(self, name: str, memo: dict) -> None:
        self.put_file(self.folder / f"{name}.memo", memo)

    def prune(self) -> None:
        """Remove the entries of other code fingerprints (they can never be read again)."""
        pages = self.root / "pages"
        if not pages.is_dir():
            return
        for folder in pages.iterdir():
            if folder.is_dir() and folder.name != self.fingerprint:
                shutil.rmtree(folder, ignore_errors=True)


# --- article pages already in docs/ --------------------------------------------------------


def package_fingerprint(package: Path = PACKAGE) -> str:
    """A hash of every module and data file of the package: what renders a page."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{FORMAT} {sys.version_info[:2]}".encode())
    for path in sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts) + sorted(p for p in (package / "data").rglob("*") if p.is_file()):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return digest.hexdigest()


def article_key(article) -> str:
    """The article record's content: its repr names every field (extra included)."""
    return hashlib.blake2b(repr(article).encode("utf-8"), digest_size=16).hexdigest()


class RenderedPages:
    """Which article pages of docs/ were rendered from which article record.

    Rendering an article (front matter, search bigrams) is most of the docs
    stage: ~2 ms an article, 20 s for 10,000. An article whose record is the
    one its page was rendered from at the previous build, and whose file in
    docs/ still has the size and mtime written then (nobody touched it), is
    not rendered again. Recorded per docs folder in CACHE/docs/<key>.json,
    with the package fingerprint: any code change renders every page.
    """

    def __init__(self, root: Path, docs_dir: Path, read: bool = True):
        key = hashlib.blake2b(str(docs_dir.resolve()).encode(), digest_size=8).hexdigest()
        self.path = Path(root) / "docs" / f"{key}.json"
        self.docs_dir = docs_dir
        self.fingerprint = package_fingerprint()
        self.pages: dict[str, list] = {}
        self.keys: dict[str, str] = {}  # article_key of each page asked about (save needs them again)
        self.reused = 0
        if read:
            try:
                data = json.loads(self.path.read_text("utf-8"))
                if data.get("fingerprint") == self.fingerprint and isinstance(data.get("pages"), dict):
                    self.pages = data["pages"]
            except (OSError, ValueError, AttributeError):
                pass

    def unchanged(self, rel: str, article) -> bool:
        """Is docs/`rel` already the rendering of `article`?"""
        recorded = self.pages.get(rel)
        if not recorded:
            return False
        try:
            stat = (self.docs_dir / rel).stat()
        except OSError:
            return False
        self.keys[rel] = key = article_key(article)
        if recorded != [key, stat.st_size, stat.st_mtime_ns]:
            return False
        self.reused += 1
        return True

    def save(self, pages: dict) -> None:
        """Record {docs path: article} as now written; never fail the build."""
        record = {}
        for rel, article in pages.items():
            try:
                stat = (self.docs_dir / rel).stat()
            except OSError:
                continue
            record[rel] = [self.keys.get(rel) or article_key(article), stat.st_size, stat.st_mtime_ns]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"fingerprint": self.fingerprint, "pages": record}), "utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass
