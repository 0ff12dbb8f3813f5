"""Search in parts: which article pages each Pagefind index holds (pure).

Pagefind's memory grows with the vocabulary it indexes (GUIDE §2: 9.3 GB for
20,000 pages of random words; here each page's hidden bigram block adds much)
and a run takes seconds per 1,000 pages, so the archive is indexed in *parts*,
each one Pagefind index, joined in the
browser with Pagefind's ``mergeIndex`` (docs/assets/javascripts/pagefind-loader.js).
Two costs pull the part size apart: a build indexes again every part whose
pages changed, so the part new articles land in must be small; a search loads
about one index chunk (~20 KB) per query bigram *per part*, so parts must be
few. Hence two tiers:

- whole months (a month with more than `PART_SIZE` articles: whole days) are
  packed, oldest first, into *blocks* of at most `PART_SIZE` articles;
- the newest block is the *open* part: new articles land there, and a build
  indexes it again (at 30 articles a day a block is ten days: a day's pages
  cost one Pagefind run over at most ten days);
- the full blocks before it are packed, oldest first, into *sealed* parts of
  at most `SEALED_SIZE` articles (a block is never cut). A sealed part changes
  only when an old article does, or when the open block fills up (at 30 a
  day, every ten days): the full block then joins the newest sealed part,
  which is indexed again once.

The rule (`partition`) looks only at article paths, which start with the
article's date (``articles/2022/2022-07-19-qujiang-3f3caa64.html``,
addresses.article_slug). Undated articles count as the oldest (their Pagefind
sort value is "0000"). A part is named after its first month (``2022-07``), day
(``2022-07-16``), year (``2022``, articles dated only by year) or ``undated``.
Parts are disjoint, consecutive ranges of the date sort: a newest-first list
is the parts' own lists, newest part first. Each part has a *key*: a hash of
what Pagefind reads from its pages (`indexed_page`); a part whose key is
unchanged since the previous build is copied from it instead of being indexed
again (build_archive/search/indexing.py).

Within a part, pages are cut in date order into *groups* of about
`GROUP_SIZE` (`groups`), and each page's bigram tokens are indexed with its
group's letter at the end (bigrams.suffixed; the site's pages keep the
plain tokens). Why: Pagefind's wasm scores a search in time ~ (matching
pages) x (matching page-word entries) per index, because each result scans the
list of every page matching a query word (measured at 10,000 articles: 245 ms
for a query found in 80 % of the pages, with every chunk already loaded). A
search per group letter scans only that group's entries, so the time falls
with the group size, while the letters of one bigram sort next to each other
and so share its index chunk: as cheap as small parts, with the chunks of
large ones. A query word without a letter is a prefix of every group's form
of it (a one-character query is a prefix of all its bigrams), but Pagefind
loads only the one index chunk the word falls in: the search page preloads
the rest of the range first (search.js, prefixProbes).
"""
from __future__ import annotations

import hashlib
import html as html_lib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby

from build_archive.search import bigrams

# Measured on synthetic pages (an idle core): Pagefind takes ~4.3 s per 1,000 article pages and peaks
# at ~0.4 MB per page (it indexes only the bigram blocks: overrides/partials/article.html).
PART_SIZE = 300  # articles per block (ten days at 30 a day); the open part: <= ~1.5 s of Pagefind a day
# Articles per sealed part (about three months): ~10 s and ~1.4 GB of Pagefind, re-indexed when a
# block fills (every ten days at 30 a day). A search loads about one index chunk per query bigram
# *per part*, so fewer, larger parts load fewer bytes; what made large parts slow to search (scoring
# and filter counts, both ~ results x pages per index) is cut by the groups below and by the
# search page's own facets (build_archive/search/facets.py). At 10,000 articles a query loaded 483 KB
# with parts of 2,000, 341 KB with 3,000, 288 KB with 4,000; 3,000 is the largest whose two
# Pagefind runs fit in memory together (search_index.PARALLEL_PAGES; benchmarks/RESULTS.md).
SEALED_SIZE = 3000
FORMAT = 4  # bump when the bundle layout or its canonical form changes: every part is re-indexed
MANIFEST = "parts.json"  # in the bundle folder, next to pagefind.js
# Pages per group: Pagefind's scoring grows with the square of a group's matching pages, each group
# costs one more search call (~0.4 ms per index); at 10,000 articles 500 searched faster than 250
# (median 164 against 186 ms; benchmarks/RESULTS.md).
GROUP_SIZE = 500
GROUP_LETTERS = "abcdefghijklmnopqrstuvwxyz"  # at most 26 groups a part: larger parts get larger groups
# The search page searches the newest parts first, about WINDOW_PAGES pages of them, and older
# ones while that gives fewer than WINDOW_RESULTS results or when the reader asks (search.js,
# findInScope): in parts.json, so that a test can make the windows small.
WINDOW_PAGES = 12_000
WINDOW_RESULTS = 20
PARTS_DIR = "parts"  # older parts live in <bundle>/parts/<id>/; the newest part is the bundle itself

_ARTICLE = re.compile(r"articles/(?:\d{4}|undated)/(\d{4}(?:-\d{2}){0,2}|undated)-[^/]+\.html")
UNDATED = "undated"


@dataclass(frozen=True)
class Part:
    id: str
    pages: tuple[str, ...]  # site-relative paths, sorted


@dataclass(frozen=True)
class Group:
    """Consecutive pages of a part in date order, searched with their own letter."""

    suffix: str
    pages: tuple[str, ...]  # in date order
    first: str  # date sort values of its oldest and newest page
    last: str


def is_article(path: str) -> bool:
    """A page that belongs to a search part: an article page as addresses.article_slug names it."""
    return _ARTICLE.fullmatch(path) is not None


def date_of(path: str) -> str:
    """The date an article path starts with: ``2022-07-19``, ``2022-07``, ``2022`` or ``undated``."""
    match = _ARTICLE.fullmatch(path)
    if match is None:
        raise ValueError(f"not an article page: {path}")
    return match.group(1)


def _sort_value(date: str) -> str:
    """The page's data-pagefind-sort="date" value (overrides/partials/article.html)."""
    return "0000" if date == UNDATED else date


def _units(dated: list[tuple[str, str]], size: int) -> list[tuple[str, list[str]]]:
    """Sorted (sort value, path) pairs -> (unit key, paths): months, or the days of a month too big.

    Keys sort as Pagefind sorts the pages: "0000" (undated) < "2022" < "2022-07" < "2022-07-01".
    """
    units = []
    for month, group in groupby(dated, key=lambda dp: dp[0][:7]):
        pairs = list(group)
        if len(pairs) <= size or len(month) < 7:
            units.append((month, [p for _, p in pairs]))
        else:
            units += [(day, [p for _, p in g]) for day, g in groupby(pairs, key=lambda dp: dp[0])]
    return units


def _pack(units: list[tuple[str, list[str]]], size: int) -> list[tuple[str, list[str]]]:
    """Consecutive units packed greedily, oldest first, into runs of at most `size` (a unit is never cut)."""
    runs: list[tuple[str, list[str]]] = []
    for key, pages in units:
        if runs and len(runs[-1][1]) + len(pages) <= size:
            runs[-1][1].extend(pages)
        else:
            runs.append((key, list(pages)))
    return runs


def partition(paths: Iterable[str], size: int | None = None, sealed: int | None = None) -> list[Part]:
    """Article paths -> parts, oldest first: sealed parts, then the open part (module docstring).

    Deterministic, and depends only on the paths: a full build and an
    incremental one of the same site get the same parts.
    """
    size = PART_SIZE if size is None else size
    sealed = max(size, SEALED_SIZE if sealed is None else sealed)
    if size < 1:
        raise ValueError(f"part size must be at least 1, not {size}")
    dated = sorted((_sort_value(date_of(p)), p) for p in set(paths))
    blocks = _pack(_units(dated, size), size)
    runs = _pack(blocks[:-1], sealed) + blocks[-1:]
    return [Part(UNDATED if key == "0000" else key, tuple(sorted(pages))) for key, pages in runs]


def groups(sorts: Mapping[str, str], size: int | None = None) -> list[Group]:
    """A part's pages (page -> date sort value) cut in date order into about equal groups of at
    most `size` (GROUP_SIZE unless given; at most 26 groups), oldest first, lettered a, b, c, ..."""
    size = GROUP_SIZE if size is None else size
    ordered = sorted(sorts, key=lambda page: (sorts[page], page))
    count = min(len(GROUP_LETTERS), max(1, -(-len(ordered) // max(1, size))))
    cuts = [len(ordered) * i // count for i in range(count + 1)]
    slices = [tuple(ordered[a:b]) for a, b in zip(cuts, cuts[1:])]
    return [Group(letter, pages, sorts[pages[0]], sorts[pages[-1]])
            for letter, pages in zip(GROUP_LETTERS, slices) if pages]


_SORT = re.compile(r'data-pagefind-sort="date">([^<]*)<')


def sort_value_of(html: str, path: str) -> str:
    """The date sort value an article page carries (overrides/partials/article.html); its path's otherwise."""
    match = _SORT.search(html)
    return match.group(1) if match else _sort_value(date_of(path))


# --- what Pagefind reads from a page --------------------------------------------

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(/?)>")
_PAGEFIND_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\bdata-pagefind-[^>]*>")
_PAGEFIND_ATTR = re.compile(r"\bdata-pagefind-([a-z-]+)")
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def _element(html: str, start: int, name: str) -> str:
    """The element whose start tag begins at `start`, up to its matching end tag."""
    if name.lower() in _VOID:
        return html[start:html.index(">", start) + 1]
    depth = 0
    for tag in _TAG.finditer(html, start):
        if tag.group(2).lower() != name.lower() or tag.group(3):
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start:tag.end()]
    return html[start:]  # unclosed: everything after it


def indexed_text(html: str) -> str:
    """The parts of a page Pagefind reads: the ``<html>`` tag (its lang) and every
    element carrying a ``data-pagefind-*`` attribute (body, meta, filters, sort)
    but ``data-pagefind-ignore`` alone.

    What lies outside them (navigation, lists of related articles, links to the
    previous and next article) does not change the index, so a page whose only
    change is there does not make its part be indexed again: adding articles
    changes their neighbours' links, not their index. A page with no
    ``data-pagefind-body`` is taken whole: Pagefind may index all of it.
    """
    if "data-pagefind-body" not in html:
        return html
    lang = _HTML_TAG.search(html)
    pieces = [lang.group(0) if lang else ""]
    for start, name, tag in _pagefind_tags(html):
        if set(_PAGEFIND_ATTR.findall(tag)) != {"ignore"}:  # what Pagefind skips: links to other articles
            pieces.append(_element(html, start, name))
    return "\n".join(pieces)


def _pagefind_tags(html: str):
    """(start, name, start tag) of each tag carrying a data-pagefind-* attribute, in order."""
    return _tags_with(html, "data-pagefind-", _PAGEFIND_TAG)


def _tags_with(html: str, attribute: str, pattern: re.Pattern):
    """(start, name, start tag) of each start tag holding `attribute` (`pattern` matches such a
    tag whole; the text never does: its "<" and ">" are escaped), in order.
    Found from the attribute back to its "<" (a regex from each "<" onwards is ~5× slower:
    it scans every tag of the page to its end)."""
    at, end = html.find(attribute), -1
    while at != -1:
        start = html.rfind("<", 0, at)
        if start > end:  # not a second attribute of the tag just taken
            end = html.find(">", at)
            tag = html[start:end + 1] if end != -1 else html[start:]
            match = pattern.fullmatch(tag)
            if match:
                yield start, match.group(1), tag
            if end == -1:
                return
        at = html.find(attribute, at + 1)


SEARCHED = "data-qz-searched"  # the elements whose text the search finds (overrides/partials/article.html)
_SEARCHED_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\bdata-qz-searched\b[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")


def searched_text(html: str) -> str:
    """The text of the page's elements marked SEARCHED (title, subtitle, authors, body,
    captions), one line per run of text between tags: a heading, a paragraph, a name.
    No bigram spans two lines, so none joins the title to the text or two authors."""
    lines, taken = [], 0
    for start, name, _ in _tags_with(html, SEARCHED, _SEARCHED_TAG):
        if start < taken:  # inside the element just taken: its text is in already
            continue
        element = _element(html, start, name)
        taken = start + len(element)
        for run in _ANY_TAG.split(element):
            lines += [line for line in html_lib.unescape(run).splitlines() if line.strip()]
    return "\n".join(lines)


TEXT_META = 'data-pagefind-meta="text"'  # the article's text, for the search page's excerpts
TEXT_ATTRIBUTE = "data-qz-text"
_TEXT_META_TAG = re.compile(r'<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\bdata-pagefind-meta="text"[^>]*>')
_BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|div|br|blockquote|pre|tr|table|section|figure|figcaption)\b[^>]*>",
                        re.IGNORECASE)


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment: a line per block (paragraph, heading, ...), inline tags dropped."""
    text = html_lib.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub("\n", fragment)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def text_in_attribute(html: str) -> str:
    """The page with its `text` meta element emptied, its text given in an attribute instead
    (data-pagefind-meta="text[data-qz-text]"). Pagefind's text of an element marks the end of
    each heading with ``___END_PAGEFIND_WEIGHT___`` (and adds ". " after it), which the search
    page's excerpts then showed; an attribute's value it takes as it is."""
    for start, name, tag in _tags_with(html, TEXT_META, _TEXT_META_TAG):
        if name.lower() in _VOID:
            continue
        element = _element(html, start, name)
        inner = element[len(tag):element.rfind("<")] if element.endswith(f"</{name}>") else element[len(tag):]
        text = html_lib.escape(plain_text(inner), quote=True)
        opened = tag.replace(TEXT_META, f'data-pagefind-meta="text[{TEXT_ATTRIBUTE}]" {TEXT_ATTRIBUTE}="{text}"', 1)
        return f"{html[:start]}{opened}</{name}>{html[start + len(element):]}"
    return html


def indexed_page(html: str) -> str:
    """The copy of a page that Pagefind indexes: `indexed_text` (its text meta in an attribute:
    text_in_attribute), with its empty bigram block filled from `searched_text` (bigrams.filled).
    The published page has no tokens."""
    return bigrams.filled(indexed_text(text_in_attribute(html)), searched_text(html))


def page_digest(html: str) -> str:
    return digest_of_indexed(indexed_page(html))


def digest_of_indexed(indexed: str) -> str:
    """page_digest of a page, from its indexed_page."""
    return hashlib.sha256(indexed.encode("utf-8")).hexdigest()


def part_key(digests: Mapping[str, str], pagefind_version: str) -> str:
    """The part's key: its pages (path and digest), the Pagefind version and our FORMAT."""
    h = hashlib.sha256(f"format {FORMAT}\npagefind {pagefind_version}\n".encode("utf-8"))
    for path in sorted(digests):
        h.update(f"{path}\t{digests[path]}\n".encode("utf-8"))
    return h.hexdigest()


# --- the manifest the browser reads -------------------------------------------------

def part_path(index: int, count: int, part_id: str) -> str:
    """Where a part's bundle lies, relative to the bundle folder: the newest part is
    the bundle itself (it carries pagefind.js and the wasm Pagefind loads from its
    primary index), the others are under parts/<id>/."""
    return "" if index == count - 1 else f"{PARTS_DIR}/{part_id}/"


def date_range(part: Part, sorts: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(first, last): the date sort values of the part's oldest and newest page.

    `sorts` maps a page to its real sort value (a corrected date may differ
    from the date in its path); the path's date otherwise."""
    values = [sorts[p] if sorts and p in sorts else _sort_value(date_of(p)) for p in part.pages]
    return min(values), max(values)


def group_entries(found: list[Group]) -> list[dict]:
    """A part's groups as its manifest entry lists them: newest first, as the parts."""
    return [{"suffix": g.suffix, "pages": len(g.pages), "first": g.first, "last": g.last} for g in reversed(found)]


def manifest(parts: list[Part], keys: Mapping[str, str], pagefind_version: str,
             sorts: Mapping[str, str] | None = None, part_groups: Mapping[str, list[dict]] | None = None,
             term_shards: int | None = None) -> dict:
    """The manifest: parts newest first (the order of a newest-first listing).

    Each part says `first` and `last` (date_range): where parts overlap in
    dates (shards of different papers, build_archive/scale/combine.py) the browser
    merges them by date instead of taking them one after another. `part_groups`:
    part id -> its group_entries (the letters its pages were indexed with). `n`: the part's
    number, 0 the oldest, as the term directory names parts; `term_shards`: the directory's
    shard count (build_archive/search/terms.py), when there is one."""
    count = len(parts)
    entries = []
    for i, part in reversed(list(enumerate(parts))):
        first, last = date_range(part, sorts)
        entry = {"id": part.id, "n": i, "path": part_path(i, count, part.id), "pages": len(part.pages),
                 "key": keys[part.id], "first": first, "last": last}
        if part_groups and part.id in part_groups:
            entry["groups"] = part_groups[part.id]
        entries.append(entry)
    data = {"format": FORMAT, "pagefind": pagefind_version, "parts": entries,
            "window": {"pages": WINDOW_PAGES, "results": WINDOW_RESULTS}}
    if term_shards:
        data["terms"] = {"shards": term_shards}
    return data


def manifest_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def read_manifest(data: bytes) -> dict:
    """A manifest written by `manifest_bytes`; ValueError if it is not one we can use."""
    value = json.loads(data.decode("utf-8"))
    if not isinstance(value, dict) or value.get("format") != FORMAT or not isinstance(value.get("parts"), list):
        raise ValueError("not a parts manifest of this format")
    for part in value["parts"]:
        if not (isinstance(part, dict) and isinstance(part.get("id"), str) and isinstance(part.get("path"), str)
                and isinstance(part.get("key"), str) and isinstance(part.get("pages"), int)):
            raise ValueError(f"bad part entry: {part!r}")
    return value
