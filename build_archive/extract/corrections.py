"""The curator's corrections: `corpus/corrections.yml` applied to the extracted articles.

Extraction is sometimes wrong and the paper's staff know better. They never
touch generated files: they add an entry to corrections.yml, keyed by the page
dump's file name and the start of the article as extracted, which survives a
rebuild:

    - source: 001_19db697eee0491fa.txt   # the page dump, named as in the build report
      article: 开化 打造国家公园            # start of the extracted title, or of the body
      set: {themes: [城市建设与更新, 文化旅游]}
    - source: 002_….txt
      article: 某标题开头
      split: {at: 第二篇文章开头几个字, title: 新文章的标题}
    - source: 002_….txt
      merge: [标题开头A, 标题开头B]

Keys ignore white space, full-/half-width forms and letter case; a key equal to
one article's whole title picks it even when it also starts another title. On
each page merges are applied first, then splits, then sets, each matched
against the page as the previous step left it: a set can name an article made
by a split by its new title or by the words it starts with (`at`).

Every bad entry (or bad field of a `set`) is an Issue naming corrections.yml
and its line, and is left out; the rest applies. The loader reads the file with
`yaml.compose`, so that every value keeps its line and its text as written
(`2022-08-03` stays a string, not a YAML date).

A corrected article records what extraction found in `extra["corrected"]`
({field: extracted value}, plus `merged`, `split`, `split_from`) and keeps the
address it had before (`extra["slug"]`, `extra["id"]`): a permalink must not
break because a curator fixed a title or a date.
"""
from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import yaml

from build_archive import addresses
from build_archive.extract import dates, gazetteer, themes, words
from build_archive.extract.corpus import PageFile
from build_archive.extract.keywords import Terms, article_terms
from build_archive.models import Article, Issue, Report

FILE_NAME = "corrections.yml"
BAD = "bad-correction"
REDUNDANT = "redundant-correction"
ENTRY_KEYS = ("source", "article", "set", "split", "merge")
ACTIONS = ("set", "split", "merge")
FIELDS = ("title", "subtitle", "date", "districts", "themes", "authors", "type")
SPLIT_KEYS = ("at", "title")
# The build report's warnings that a corrected field answers (same source and line as the article).
SETTLES = {"date": "no-date", "districts": "no-district", "themes": "no-theme", "title": "no-headline"}

_NULL = "tag:yaml.org,2002:null"
_NAME_LIST = re.compile(r"[\s、，,；;]+")
_HEADING = re.compile(r"^#+[ \t]*", re.MULTILINE)


@dataclass(frozen=True)
class Correction:
    """One entry of corrections.yml, checked; `line`s point into that file."""

    file: str  # corrections.yml as named in the build report
    line: int  # the entry's first line
    source: str  # the page dump
    action: str  # set | split | merge
    keys: tuple[tuple[str, int], ...]  # (article key, its line): one for set/split, 2+ for merge
    values: tuple[tuple[str, object, int], ...] = ()  # set: (field, value, line)
    at: tuple[str, int] = ("", 0)  # split: where the new article starts, and its line
    title: str | None = None  # split: the new article's title (None: from the text)


# --- reading corrections.yml ------------------------------------------------------------


def load_corrections(path: Path, name: str = FILE_NAME) -> tuple[list[Correction], list[Issue]]:
    """The corrections file (none: no corrections) → checked entries and the problems found."""
    if not path.is_file():
        return [], []
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [Issue(BAD, name, data.count(b"\n", 0, error.start) + 1,
                          f"not UTF-8 (byte {error.start}): save it as UTF-8; no correction applied")]
    except OSError as error:
        return [], [Issue(BAD, name, 0, f"cannot read the file ({error.strerror}); no correction applied")]
    return parse_corrections(text, name)


def parse_corrections(text: str, name: str = FILE_NAME) -> tuple[list[Correction], list[Issue]]:
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or error
        return [], [Issue(BAD, name, mark.line + 1 if mark else 0,
                          f"not valid YAML: {problem}; no correction applied")]
    if root is None or _is_null(root):
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [Issue(BAD, name, _line(root), "expected a list of entries, each starting with `- source:`")]
    entries, issues = [], []
    for node in root.value:
        entry, problems = _entry(node, name)
        issues += [Issue(BAD, name, line, message) for line, message in problems]
        if entry:
            entries.append(entry)
    return entries, issues


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL


def _text(node: yaml.Node, what: str) -> str:
    """A scalar's text as written (YAML's own typing ignored); ValueError when there is none."""
    if not isinstance(node, yaml.ScalarNode):
        raise ValueError(f"{what}: expected text, not a list or mapping")
    text = node.value.strip()
    if _is_null(node) or not text:
        raise ValueError(f"{what}: is empty")
    if "\n" in text:
        raise ValueError(f"{what}: expected one line of text")
    return text


def _pairs(node: yaml.MappingNode, known: tuple[str, ...], what: str, problems: list):
    """(key, value node) of a mapping; unknown and repeated keys become problems."""
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        line = _line(key_node)
        if key not in known:
            problems.append((line, f"{what}unknown key {key!r} (known: {', '.join(known)})"))
        elif key in seen:
            problems.append((line, f"{what}{key!r} given twice (first on line {seen[key]}); remove one"))
        else:
            seen[key] = line
            yield key, value_node


def _entry(node: yaml.Node, name: str) -> tuple[Correction | None, list[tuple[int, str]]]:
    line = _line(node)
    if not isinstance(node, yaml.MappingNode):
        return None, [(line, "expected an entry with `source:` and one of `set:`, `split:`, `merge:`")]
    problems: list[tuple[int, str]] = []
    fields = dict(_pairs(node, ENTRY_KEYS, "", problems))
    try:
        source = _text(fields["source"], "source") if "source" in fields else None
    except ValueError as error:
        return None, [*problems, (_line(fields["source"]), str(error))]
    if not source:
        return None, [*problems, (line, "entry without `source:` (the page dump's file name, as in the build report)")]
    actions = [key for key in ACTIONS if key in fields]
    if len(actions) != 1:
        found = " and ".join(f"`{a}:`" for a in actions) or "none"
        return None, [*problems, (line, f"{source}: an entry needs exactly one of `set:`, `split:`, `merge:` ({found})")]
    action = actions[0]
    base = Correction(name, line, source, action, ())
    where = f"{source}: "
    if action == "merge":
        if "article" in fields:
            return None, [*problems, (_line(fields["article"]), f"{where}a merge names its articles in its own list;"
                                      " remove `article:`")]
        entry, found = _merge_entry(base, fields["merge"], where)
        return entry, problems + found
    if "article" not in fields:
        return None, [*problems, (line, f"{where}`{action}:` needs `article:` (the start of the article's title or body)")]
    try:
        key = (_text(fields["article"], "article"), _line(fields["article"]))
    except ValueError as error:
        return None, [*problems, (_line(fields["article"]), f"{where}{error}")]
    base = replace(base, keys=(key,))
    if action == "set":
        entry, found = _set_entry(base, fields["set"], where)
    else:
        entry, found = _split_entry(base, fields["split"], where)
    return entry, problems + found


def _merge_entry(base: Correction, node: yaml.Node, where: str):
    if not isinstance(node, yaml.SequenceNode) or len(node.value) < 2:
        return None, [(_line(node), f"{where}merge: expected a list of two or more article starts, e.g."
                       " `merge: [标题开头A, 标题开头B]`")]
    keys = []
    for item in node.value:
        try:
            keys.append((_text(item, "merge"), _line(item)))
        except ValueError as error:
            return None, [(_line(item), f"{where}{error}")]
    return replace(base, keys=tuple(keys)), []


def _split_entry(base: Correction, node: yaml.Node, where: str):
    if not isinstance(node, yaml.MappingNode):
        return None, [(_line(node), f"{where}split: expected `at:` (the words the new article starts with)"
                       " and optionally `title:`")]
    problems: list[tuple[int, str]] = []
    fields = dict(_pairs(node, SPLIT_KEYS, f"{where}split: ", problems))
    if "at" not in fields:
        return None, [*problems, (_line(node), f"{where}split: needs `at:` (the words the new article starts with)")]
    try:
        at = (_text(fields["at"], "split: at"), _line(fields["at"]))
    except ValueError as error:
        return None, [*problems, (_line(fields["at"]), f"{where}{error}")]
    try:
        title = _text(fields["title"], "split: title") if "title" in fields else None
    except ValueError as error:
        return None, [*problems, (_line(fields["title"]), f"{where}{error}")]
    if not _norm(at[0]):
        return None, [*problems, (at[1], f"{where}split: at: has no text")]
    return replace(base, at=at, title=title), problems


def _set_entry(base: Correction, node: yaml.Node, where: str):
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return None, [(_line(node), f"{where}set: expected fields to set, any of: {', '.join(FIELDS)}")]
    problems: list[tuple[int, str]] = []
    values = []
    for key, value_node in _pairs(node, FIELDS, f"{where}set: ", problems):
        try:
            values.append((key, FIELD_VALUES[key](value_node), _line(value_node)))
        except ValueError as error:
            problems.append((_line(value_node), f"{where}set: {error}"))
    return (replace(base, values=tuple(values)) if values else None), problems


# --- field values: each returns what the Article holds, or raises ValueError saying what to write


def _title(node) -> str:
    return _text(node, "title")


def _subtitle(node) -> str | None:
    return None if _is_null(node) else _text(node, "subtitle")


def _type(node) -> str:
    return _text(node, "type")


def _date(node) -> tuple[str | None, str | None]:
    """`date: 2022-08-03` / `2022-08` / `2022` (precision follows), or null for no date."""
    if _is_null(node):
        return None, None
    text = _text(node, "date")
    try:
        guess = dates.parse_date_value(text)
    except ValueError:
        raise ValueError(f"date: {text!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"
                         " (e.g. 2022-08-03; a month or year alone when the day is not known)") from None
    return guess.value, guess.precision


def _names(node, what: str) -> list[tuple[str, int]]:
    """A list of names, or one line of names separated by spaces or 、."""
    if _is_null(node):
        return []
    if isinstance(node, yaml.SequenceNode):
        return [(_text(item, what), _line(item)) for item in node.value]
    return [(name, _line(node)) for name in _NAME_LIST.split(_text(node, what)) if name]


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _authors(node) -> tuple[str, ...]:
    return _unique(name for name, _ in _names(node, "authors"))


def _districts(node) -> tuple[str, ...]:
    g = gazetteer.default_gazetteer()
    canonical = []
    for name, _ in _names(node, "districts"):
        place = g.places.get(name)
        if place and place.kind in (gazetteer.CITY_NAME, gazetteer.DISTRICT):
            canonical.append(place.canonical)  # 柯城 → 柯城区
        elif place:
            raise ValueError(f"districts: {name!r} is a place in {place.canonical}: write {place.canonical}")
        else:
            raise ValueError(f"districts: unknown district {name!r} (known: {'、'.join(g.order)})")
    return _unique(canonical)


def _themes(node) -> tuple[str, ...]:
    taxonomy = themes.load_taxonomy()
    known = (*taxonomy.names, taxonomy.fallback)
    names = [name for name, _ in _names(node, "themes")]
    if not names:
        raise ValueError(f"themes: give at least one theme ({taxonomy.fallback} when none fits)")
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.3)
            hint = f"did you mean {close[0]}? " if close else ""
            raise ValueError(f"themes: unknown theme {name!r}; {hint}known: {'、'.join(known)}"
                             " (build_archive/data/themes.yml)")
    return _unique(names)


FIELD_VALUES: dict[str, Callable[[yaml.Node], object]] = {
    "title": _title, "subtitle": _subtitle, "date": _date, "districts": _districts,
    "themes": _themes, "authors": _authors, "type": _type,
}


# --- finding an article by its first words -------------------------------------------------


def _fold(ch: str) -> str:
    return "" if ch.isspace() else unicodedata.normalize("NFKC", ch).casefold()


def _norm(text: str) -> str:
    """What keys are compared on: no white space, NFKC (：= :, ＡＢ = ab), case folded."""
    return "".join(_fold(ch) for ch in text)


def _folded(text: str) -> tuple[str, list[int]]:
    """`_norm(text)` and, for each of its characters, the index in `text` it came from."""
    out, where = [], []
    for index, ch in enumerate(text):
        folded = _fold(ch)
        out.append(folded)
        where += [index] * len(folded)
    return "".join(out), where


def _starts(article: Article) -> tuple[str, str]:
    return _norm(article.title), _norm(_HEADING.sub("", article.body))


def find_article(articles: list[Article], key: str) -> list[int]:
    """Indexes of the articles whose title or body starts with `key` (one exact title wins)."""
    wanted = _norm(key)
    starts = [_starts(a) for a in articles]
    exact = [i for i, (title, _) in enumerate(starts) if title == wanted]
    if len(exact) == 1:
        return exact
    return [i for i, (title, body) in enumerate(starts) if title.startswith(wanted) or body.startswith(wanted)]


def _short(text: str, n: int = 14) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _resolve(articles: list[Article], entry: Correction, key: str, line: int) -> int | Issue:
    found = find_article(articles, key)
    if len(found) == 1:
        return found[0]
    if not found:
        listing = " | ".join(_short(a.title) for a in articles) or "none"
        return Issue(BAD, entry.file, line, f"{entry.source}: no article starts with {key!r}"
                     f" (in its title or body; this page's articles: {listing})")
    lines = ", ".join(str(articles[i].line) for i in found)
    return Issue(BAD, entry.file, line, f"{entry.source}: {key!r} starts {len(found)} articles"
                 f" (page lines {lines}); write more of the title")


# --- applying them ------------------------------------------------------------------------------


def apply_corrections(
    articles: list[Article],
    entries: Iterable[Correction],
    *,
    sources: Iterable[str] | None = None,
    texts: Mapping[str, str] | None = None,
    reclassify: Callable[[Article], Article] | None = None,
) -> tuple[list[Article], list[Issue]]:
    """The articles with the corrections applied, in page order; the entries that failed as Issues.

    `sources`: every page dump read (default: those that gave articles), so
    that a misspelt file name is an error. `texts`: page texts, to give an
    article made by a split the line it starts on. `reclassify`: districts and
    themes of the articles a split or merge made (their text changed).
    """
    known = set(sources) if sources is not None else {a.source for a in articles}
    pages: dict[str, list[Article]] = {}
    for article in articles:
        pages.setdefault(article.source, []).append(article)
    todo: dict[str, list[Correction]] = {}
    issues: list[Issue] = []
    for entry in entries:
        if entry.source in known:
            todo.setdefault(entry.source, []).append(entry)
            continue
        close = difflib.get_close_matches(entry.source, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else " (write the file name as the build report shows it)"
        issues.append(Issue(BAD, entry.file, entry.line, f"source {entry.source!r}: no such page dump was read{hint}"))
    out: list[Article] = []
    for source, page in pages.items():
        if source in todo:
            page, found = correct_page(page, todo[source], (texts or {}).get(source), reclassify)
            issues += found
        out += page
    for source in sorted(todo.keys() - pages.keys()):
        issues += [Issue(BAD, e.file, e.line, f"{source}: this page gave no article (see the build report);"
                         " nothing to correct") for e in todo[source]]
    return out, issues


def correct_page(page: list[Article], entries: list[Correction], text: str | None = None,
                 reclassify: Callable[[Article], Article] | None = None) -> tuple[list[Article], list[Issue]]:
    """One page's articles with its entries applied: merges, then splits, then sets."""
    page, issues = list(page), []
    remade: list[Article] = []  # what a merge or split made: its text changed, so its districts and themes may
    for action, change in (("merge", _merge), ("split", _split)):
        for entry in (e for e in entries if e.action == action):
            done = change(page, entry, text)
            if isinstance(done, Issue):
                issues.append(done)
            else:
                page, made = done
                remade += made
    if remade:
        page = [(reclassify(a) if reclassify and any(a is r for r in remade) else a) for a in page]
        page = [replace(a, ordinal=n) for n, a in enumerate(page, 1)]
    # every set is matched against the page before any set applies: a retitled
    # article is still found by its extracted title
    targets = []
    for entry in (e for e in entries if e.action == "set"):
        found = _resolve(page, entry, *entry.keys[0])
        if isinstance(found, Issue):
            issues.append(found)
        else:
            targets.append((found, entry))
    set_on: dict[tuple[int, str], int] = {}
    for index, entry in targets:
        page[index], found = _set(page[index], entry, index, set_on)
        issues += found
    return page, issues


def _frozen(article: Article) -> Article:
    """The article with the address it had before any correction (kept once set)."""
    if "slug" in article.extra:
        return article
    return replace(article, extra={**article.extra, "slug": addresses.article_slug(article),
                                   "id": addresses.article_id(article)})


def _record(article: Article, **found) -> Article:
    """Note what extraction found, keeping the first value noted for each field."""
    corrected = dict(article.extra.get("corrected", {}))
    for key, value in found.items():
        corrected.setdefault(key, value)
    return replace(article, extra={**article.extra, "corrected": corrected})


def _plain(value):
    """Front matter holds lists, not tuples (yaml.safe_dump cannot write a tuple)."""
    return list(value) if isinstance(value, tuple) else value


def _merge(page: list[Article], entry: Correction, text: str | None = None):
    indexes = []
    for key, line in entry.keys:
        found = _resolve(page, entry, key, line)
        if isinstance(found, Issue):
            return found
        if found in indexes:
            return Issue(BAD, entry.file, line, f"{entry.source}: {key!r} names an article already in this merge")
        indexes.append(found)
    parts = [page[i] for i in sorted(indexes)]
    merged = _frozen(parts[0])
    body = [merged.body]
    for part in parts[1:]:
        if part.headline_lines:  # a printed headline: a section head of the joined article
            body.append("## " + part.title)
        body += [part.subtitle or "", part.body]
    merged = replace(
        merged,
        body="\n\n".join(block for block in body if block.strip()),
        authors=_unique(name for part in parts for name in part.authors),
        bylines=tuple(b for part in parts for b in part.bylines),
        captions=tuple(c for part in parts for c in part.captions),
        gaps=tuple(g for part in parts for g in part.gaps),
        continued=parts[-1].continued,
    )
    merged = _record(merged, merged=[part.title for part in parts[1:]])
    first = min(indexes)
    return [merged if i == first else a for i, a in enumerate(page) if i == first or i not in indexes], [merged]


def _split(page: list[Article], entry: Correction, text: str | None = None):
    key, line = entry.keys[0]
    index = _resolve(page, entry, key, line)
    if isinstance(index, Issue):
        return index
    article = page[index]
    at, at_line = entry.at
    folded, where = _folded(article.body)
    hits = [where[m.start()] for m in re.finditer(re.escape(_norm(at)), folded)]
    heads = [cut for cut in hits if _is_head(article.body, cut, at)]
    chosen = heads if len(heads) == 1 else hits  # one whole `## ` head wins, as one whole title does
    if len(chosen) != 1:
        problem = "is not in its body" if not hits else f"is {len(hits)} times in its body; write more of it"
        return Issue(BAD, entry.file, at_line, f"{entry.source}: split at {at!r}: {_short(article.title)} {problem}")
    cut = chosen[0]
    nth = hits.index(cut)  # which of its occurrences on the page: for the new article's line
    line_start = article.body.rfind("\n", 0, cut) + 1
    if not article.body[line_start:cut].strip(" \t#"):  # cut before a `## ` mark, not after it
        cut = line_start
    head_body, tail_body = article.body[:cut].strip(), article.body[cut:].strip()
    if not head_body:
        return Issue(BAD, entry.file, at_line, f"{entry.source}: split at {at!r}: the body of"
                     f" {_short(article.title)} starts there, nothing would be left of it"
                     " (to change its title, use `set:`)")
    title, headline_lines, start = entry.title, (), _line_in(text, at, article.line, nth) or article.line
    if title is None and tail_body.startswith("## "):  # a printed head kept as a section head: the new title
        title, _, tail_body = tail_body[3:].partition("\n\n")
        title, tail_body, headline_lines = title.strip(), tail_body.strip(), (start,)
    if not tail_body:
        return Issue(BAD, entry.file, at_line, f"{entry.source}: split at {at!r}: nothing would be left for"
                     " the new article but its title")
    head = _frozen(article)
    tail = replace(
        article,
        line=start,
        title=title or _title_from(tail_body),
        subtitle=None,
        body=tail_body,
        authors=(), bylines=(), captions=(),
        headline_lines=headline_lines,
        gaps=tuple(g for g in article.gaps if _gap_in(g, tail_body)),
        extra={key: value for key, value in article.extra.items() if key not in ("slug", "id", "corrected")},
    )
    tail = _record(tail, split_from=article.title)
    head = replace(head, body=head_body, continued=False,
                   gaps=tuple(g for g in article.gaps if g not in tail.gaps))
    head = _record(head, split=[tail.title])
    return page[:index] + [head, tail] + page[index + 1:], [head, tail]


def _is_head(body: str, index: int, text: str) -> bool:
    start, end = body.rfind("\n", 0, index) + 1, body.find("\n", index)
    line = body[start:end if end >= 0 else len(body)]
    return line.startswith("## ") and _norm(line[3:]) == _norm(text)


def _line_in(text: str | None, at: str, from_line: int, nth: int = 0) -> int | None:
    """The page line where `at` starts (its `nth` time after the article's first line)."""
    if not text:
        return None
    offset = 0
    for _ in range(from_line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    folded, where = _folded(text[offset:])
    hits = [m.start() for m in re.finditer(re.escape(_norm(at)), folded)]
    return text.count("\n", 0, offset + where[hits[nth]]) + 1 if nth < len(hits) else None


def _title_from(body: str) -> str:
    """A title made from the text, as the segmenter makes one: the first sentence, 30 characters at most."""
    first = next((b for b in body.split("\n\n") if b and not b.startswith("## ")), body)
    sentence = re.split(r"[。！？!?]", first, maxsplit=1)[0].strip()
    return sentence[:30] + ("…" if len(sentence) > 30 else "") or "（无标题）"


def _gap_in(gap: str, body: str) -> bool:
    return _norm(gap.strip("…").replace("|", "")) in _norm(body)


def _set(article: Article, entry: Correction, index: int, set_on: dict) -> tuple[Article, list[Issue]]:
    issues = []
    label = f"{entry.source}: {_short(article.title)}"
    changes, found = {}, {}
    for field, value, line in entry.values:
        if (index, field) in set_on:
            issues.append(Issue(BAD, entry.file, line, f"{label}: {field} is also set on line"
                                f" {set_on[index, field]}; this later one wins"))
        set_on[index, field] = line
        now = getattr(article, field)
        new = value[0] if field == "date" else value
        if new == now and field not in article.extra.get("corrected", {}):
            issues.append(Issue(REDUNDANT, entry.file, line, f"{label}: {field} is already {_plain(now)!r}"
                                " as extracted; this correction can go"))
            continue
        if field == "date":
            changes.update(date=value[0], date_precision=value[1], date_source="correction" if value[0] else None)
        else:
            changes[field] = value
        found[field] = _plain(now)
    if not changes:
        return article, issues
    return _record(replace(_frozen(article), **changes), **found), issues


def settled(issues: list[Issue], articles: list[Article]) -> list[Issue]:
    """The build report without the warnings a correction answered (no-date once a date is set …)."""
    def answered_by(article: Article, field: str) -> bool:
        if field == "themes":
            return article.themes != (themes.load_taxonomy().fallback,)
        return field == "title" or bool(getattr(article, field))  # a date or a district was given

    answered = {
        (SETTLES[field], a.source, a.line)
        for a in articles for field in a.extra.get("corrected", {})
        if field in SETTLES and answered_by(a, field)
    }
    return [i for i in issues if (i.kind, i.source, i.line) not in answered]


def load_for_files(files: Mapping[Path, str]) -> tuple[list[Correction], list[Issue]]:
    """`inspect` of a few page dumps ({path: source name}): the corrections.yml in
    each file's folder or the nearest one above it (a build of that folder reads
    it), with its entries for these files renamed to their source names."""
    homes: dict[Path, dict[str, str]] = {}
    for path, source in files.items():
        path = path.resolve()
        home = next((f for f in path.parents if (f / FILE_NAME).is_file()), None)
        if home:
            homes.setdefault(home, {})[path.relative_to(home).as_posix()] = source
    entries, issues = [], []
    for home, names in sorted(homes.items()):
        relative = os.path.relpath(home / FILE_NAME)
        loaded, problems = load_corrections(home / FILE_NAME, str(home / FILE_NAME) if relative.startswith("..") else relative)
        entries += rebase(loaded, names)
        issues += problems
    return entries, issues


def rebase(entries: list[Correction], names: Mapping[str, str]) -> list[Correction]:
    """Entries for the page dumps in `names` ({file name as in corrections.yml: source name}),
    renamed to the source names used; the others dropped (`inspect` of a few files)."""
    return [replace(e, source=names[e.source]) for e in entries if e.source in names]


def corrected(pages: list[PageFile], articles: list[Article], terms: list[Terms],
              entries: Sequence[Correction], report: Report,
              reclassify: Callable[[Article], Article]) -> tuple[list[Article], list[Terms]]:
    """corrections.yml applied (build_archive/extract/corrections.py); terms follow the changed texts."""
    fixed, issues = apply_corrections(articles, entries, sources=[p.source for p in pages],
                                      texts={p.source: p.text for p in pages}, reclassify=reclassify)
    report.issues = settled(report.issues, fixed) + issues
    known = {(a.title, a.body): t for a, t in zip(articles, terms)}
    words.setup(gazetteer.gazetteer_words())  # the pool may have tokenised the pages elsewhere
    return fixed, [known.get((a.title, a.body)) or article_terms(a) for a in fixed]
