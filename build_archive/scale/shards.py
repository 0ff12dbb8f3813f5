"""Shards: the corpus cut into page subsets that separate machines build (README: 分片构建).

A very large archive (a million articles, several papers) is not built on one
machine: its page dumps are split into *shards*, each shard is built by the
ordinary `build` into an ordinary complete site (articles, browse pages,
search parts, data/articles.json), in parallel (a GitHub Actions matrix:
.github/workflows/shards.yml), and `combine` (build_archive/scale/combine.py) joins
the shard sites into one site with one search.

The rule (`shard_of`) works on page dumps, never on articles (a page's
articles always travel together): a page goes to the shard named after its
paper and year, as the build itself determines them for the page:

- paper: sources.yml `paper`, else the masthead's paper;
- year: the page date as `extract.page.page_date` resolves it (masthead, then
  sources.yml, then the dates the text mentions), its first four digits.

A page whose paper is unknown goes to the paper ``nopaper``, one whose date is
unknown to the year ``undated``: never dropped. Shard names are ASCII (they
name artifacts, folders and search part ids): ``2022-p5d0e1b2c`` is year 2022
of the paper whose name hashes to 5d0e1b2c (`paper_slug`); the listing gives
the paper's name beside it. `--by paper` or `--by year` cuts coarser.

Finding a page's paper and date costs a segmentation of the page (a few ms;
no jieba), done in a process pool; nothing else of the extraction runs.

`write_shard` writes a shard's corpus folder: its page files (hard links),
and the sources.yml and corrections.yml entries that name them, the others
blanked out line for line, so that the build report's ``corrections.yml:LINE``
still points at the line of the real file.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from build_archive.extract import corpus, corrections
from build_archive.scale import parallel
from build_archive.extract.page import district_names, page_date
from build_archive.extract.corpus import PageFile
from build_archive.extract.segment import segment_page

NO_PAPER = "nopaper"
UNDATED = "undated"
KEYS = ("paper-year", "paper", "year")  # what a shard is cut by (--by)
POOL_MIN_PAGES = 16


@dataclass(frozen=True)
class PageShard:
    source: str  # corpus-relative path, as the build names it
    paper: str | None
    year: str | None


@dataclass(frozen=True)
class Shard:
    name: str
    paper: str | None  # None: unknown, or shards cut by year only
    year: str | None  # None: unknown, or shards cut by paper only
    sources: tuple[str, ...]  # the page files, sorted

    def as_json(self) -> dict:
        return {"name": self.name, "paper": self.paper or "", "year": self.year or "", "pages": len(self.sources)}


def paper_slug(paper: str | None) -> str:
    if not paper:
        return NO_PAPER
    return "p" + hashlib.sha1(paper.encode("utf-8")).hexdigest()[:8]


def page_shard(page_file: PageFile) -> PageShard:
    """The paper and year the build gives this page's articles (pure; run in a worker)."""
    seg = segment_page(page_file.text, page_file.source, district_names())
    date, _source = page_date(page_file, seg)
    paper = page_file.facts.get("paper") or seg.page.paper
    return PageShard(page_file.source, paper or None, date.value[:4] if date else None)


def shard_name(page: PageShard, by: str = KEYS[0]) -> str:
    year = page.year or UNDATED
    if by == "year":
        return year
    if by == "paper":
        return paper_slug(page.paper)
    return f"{year}-{paper_slug(page.paper)}"


def group(pages: list[PageShard], by: str = KEYS[0]) -> list[Shard]:
    """Pages → shards, sorted by name (a year's shards together)."""
    if by not in KEYS:
        raise ValueError(f"shards are cut by one of {', '.join(KEYS)}, not {by!r}")
    members: dict[str, list[PageShard]] = defaultdict(list)
    for page in pages:
        members[shard_name(page, by)].append(page)
    shards = []
    for name, found in sorted(members.items()):
        papers = {p.paper for p in found}
        years = {p.year for p in found}
        shards.append(Shard(name, papers.pop() if len(papers) == 1 and by != "year" else None,
                            years.pop() if len(years) == 1 and by != "paper" else None,
                            tuple(sorted(p.source for p in found))))
    return shards


def _prepare() -> None:
    district_names()


def list_shards(corpus_dir: Path, by: str = KEYS[0]) -> list[Shard]:
    pages, _ = corpus.read_corpus(corpus_dir)  # unreadable files are the build's to report
    found = parallel.map_ordered(page_shard, pages, initializer=_prepare, min_items=POOL_MIN_PAGES)
    return group(list(found), by)


# --- a shard's corpus folder --------------------------------------------------------------


def _spans(starts: list[yaml.Node], ends: list[yaml.Node], keep: list[bool]) -> list[tuple[int, int, bool]]:
    """0-based (first line, last line, keep) of each entry of a block collection: an
    entry runs up to the line before the next one starts; the last one up to its
    end (a block node ends where the next token starts: at the start of a line or
    on a less indented one)."""
    spans = []
    for i, (start, end, kept) in enumerate(zip(starts, ends, keep)):
        first = start.start_mark.line
        if i + 1 < len(starts):
            last = starts[i + 1].start_mark.line - 1
        else:
            mark = end.end_mark
            last = mark.line - 1 if mark.column <= start.start_mark.column and mark.line > first else mark.line
        spans.append((first, max(first, last), kept))
    return spans


def blank_entries(text: str, spans: list[tuple[int, int, bool]]) -> str | None:
    """`text` with the lines of the entries not kept made empty; None if an entry
    shares a line with another (flow style: cannot be cut line by line)."""
    if any(a[1] >= b[0] for a, b in zip(spans, spans[1:])):
        return None
    lines = text.split("\n")
    for first, last, keep in spans:
        if not keep:
            lines[first:last + 1] = [""] * (last + 1 - first)
    return "\n".join(lines)


def shard_sources(text: str, names: set[str]) -> str | None:
    """sources.yml with only the entries of the files in `names`; None when none is left.

    A file that is not valid YAML is kept whole: the build reports it."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return text
    files = next((v for k, v in root.value if k.value == "files"), None) if isinstance(root, yaml.MappingNode) else None
    if not isinstance(files, yaml.MappingNode):
        return text
    spans = _spans([k for k, _ in files.value], [v for _, v in files.value], [k.value in names for k, _ in files.value])
    if not any(keep for *_, keep in spans):
        return None
    cut = blank_entries(text, spans)
    if cut is not None:
        return cut
    kept = {k: v for k, v in (yaml.safe_load(text)["files"] or {}).items() if k in names}
    return yaml.safe_dump({"files": kept}, allow_unicode=True, sort_keys=False)


def shard_corrections(text: str, sources: set[str]) -> str:
    """corrections.yml with only the entries whose `source` is in the shard (others blanked).

    Entries without a readable source are kept: the build reports them."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return text
    if not isinstance(root, yaml.SequenceNode):
        return text
    keep = []
    for node in root.value:
        source = next((v.value for k, v in node.value if k.value == "source" and isinstance(v, yaml.ScalarNode)),
                      None) if isinstance(node, yaml.MappingNode) else None
        keep.append(source is None or source in sources)
    spans = _spans(root.value, root.value, keep)
    cut = blank_entries(text, spans)
    if cut is not None:
        return cut
    kept = [e for e, (*_, keep) in zip(yaml.safe_load(text), spans) if keep]
    return yaml.safe_dump(kept, allow_unicode=True, sort_keys=False)


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def write_shard(corpus_dir: Path, shard: Shard, out: Path) -> int:
    """Write the shard's corpus folder at `out` (replaced if it exists); returns its page count."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    sources = set(shard.sources)
    by_folder: dict[str, set[str]] = defaultdict(set)
    for source in shard.sources:
        _link_or_copy(corpus_dir / source, out / source)
        folder, _, name = source.rpartition("/")
        by_folder[folder].add(name)
    for folder, names in sorted(by_folder.items()):
        path = corpus_dir / folder / corpus.SOURCES_FILE
        if path.is_file():
            text = shard_sources(path.read_bytes().decode("utf-8-sig", errors="replace"), names)
            if text is not None:
                (out / folder / corpus.SOURCES_FILE).write_text(text, "utf-8")
    path = corpus_dir / corrections.FILE_NAME
    if path.is_file():
        text = shard_corrections(path.read_bytes().decode("utf-8-sig", errors="replace"), sources)
        (out / corrections.FILE_NAME).write_text(text, "utf-8")
    return len(shard.sources)


def find(shards: list[Shard], name: str) -> Shard:
    for shard in shards:
        if shard.name == name:
            return shard
    raise KeyError(f"no shard named {name!r}; the shards are: {', '.join(s.name for s in shards)}")
