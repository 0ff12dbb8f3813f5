"""Score the extractor on the web-page layouts (tests/data/layouts/gold.yml).

A helper module, not a test file (pytest collects only ``test_*.py``):

    results = parse_inspect(jsonl_text)          # `python -m build_archive inspect FILES`
    scores = score(results, load_gold())
    print(table(scores))

or from the command line, which runs `inspect` on the pages itself:

    PYTHONPATH=. python tests/layout_gold.py            # the .txt pages
    PYTHONPATH=. python tests/layout_gold.py --html     # and the saved .html pages
    PYTHONPATH=. python tests/layout_gold.py --jsonl out.jsonl --details

`results_by_file` maps a page's file name (``A.txt``; a path is reduced to its
name) to the list of article dicts `inspect` prints for it (JSON Lines: source,
title, subtitle, date, date_precision, districts, themes, authors, captions,
type, body, line, and after issue #21 date_source, paper, page). A page of the
gold with no entry counts as read with no article found.

Gold articles are matched to found articles by title similarity first (a gold
article without a printed headline: by its derived-title sources or its first
paragraph), then the rest in order. Fields (see the header of gold.yml):

  articles        gold articles found (title similar, or first paragraph right); the
                  total also counts found articles that match no gold article
  titles          headline equal, whitespace ignored (or one of title_alt); no printed
                  headline: a derived title that is a piece of one of title_from
  subtitles       equal, whitespace and `——` ignored (null == "")
  bodies          first paragraph starts with `first` (or a first_alt), last ends with
                  `last` (`## ` subheads skipped, whitespace ignored)
  dates           (date, date_precision) equal to the gold's (null == null)
  date sources    date_source equal to the gold's
  authors         the set of authors equal
  main district   districts[0] is the gold's first (or one of main_any)
  districts       the set of districts equal
  paper, page     equal to the page's (page: whitespace, 第, 版 and : ignored)
  date wrong      (a count) articles given a date that contradicts the gold: a date
                  where the gold has none, or one that is not the gold's date or a
                  coarser form of it (2019-06 for 2019-06-18 is not wrong, only imprecise)
  furniture leaks (a count) furniture strings of the page (and GLOBAL_FURNITURE) found
                  in a found article's title, subtitle, body, captions or authors; one
                  per string per article
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from difflib import SequenceMatcher
from pathlib import Path
from typing import NamedTuple

import yaml

LAYOUTS = Path(__file__).resolve().parent / "data" / "layouts"
GOLD_PATH = LAYOUTS / "gold.yml"

# Furniture of the sites in general: never article text on any page.
GLOBAL_FURNITURE = (
    "数字报纸", "您当前的位置", "404 Not Found", "nginx/", "/enpproperty-->", "电子报阅读机",
    "All Rights Reserved", "版权和免责申明", "一审:", "二审:", "三审:", "责任编辑",
)

RATE_FIELDS = ("articles", "titles", "subtitles", "bodies", "dates", "date sources", "authors",
               "main district", "districts", "paper", "page")
COUNT_FIELDS = ("date wrong", "furniture leaks")
MATCH_AT = 0.6  # title similarity at which a found article is taken to be a gold article


class Score(NamedTuple):
    ok: int
    n: int

    @property
    def rate(self) -> float:
        return self.ok / self.n if self.n else 1.0


def load_gold(path: Path | str = GOLD_PATH) -> dict:
    return yaml.safe_load(Path(path).read_text("utf-8"))


def parse_inspect(text: str) -> dict[str, list[dict]]:
    """`inspect` output (JSON Lines; other lines such as warnings skipped) by file name."""
    out: dict[str, list[dict]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            article = json.loads(line)
        except json.JSONDecodeError:
            continue
        out.setdefault(Path(article.get("source") or "").name, []).append(article)
    return out


def run_inspect(files: list[Path], python: str = sys.executable, cwd: Path | None = None) -> dict[str, list[dict]]:
    done = subprocess.run([python, "-m", "build_archive", "inspect", *map(str, files)],
                          capture_output=True, text=True, cwd=cwd)
    return parse_inspect(done.stdout)


# --- comparisons ------------------------------------------------------------

def squash(text) -> str:
    """All whitespace removed."""
    return "".join(str(text or "").split())


def paragraphs(body: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body or "")
            if p.strip() and not p.strip().startswith("#")]


def _derived_title_ok(title: str | None, sources: list[str]) -> bool:
    t = squash(title).rstrip(".…")
    if not t:
        return False
    pieces = [squash(s) for s in sources]
    return any(t in s and (len(t) >= 4 or t == s) for s in pieces)


def title_ok(gold: dict, found: dict) -> bool:
    if gold.get("title") is None:
        return _derived_title_ok(found.get("title"), gold.get("title_from") or [])
    return squash(found.get("title")) in {squash(t) for t in [gold["title"], *(gold.get("title_alt") or [])]}


def title_similarity(gold: dict, found: dict) -> float:
    got = squash(found.get("title"))
    if not got:
        return 0.0
    if gold.get("title") is None:
        if _derived_title_ok(found.get("title"), gold.get("title_from") or []):
            return 1.0
        wanted = [squash(s) for s in gold.get("title_from") or []]
    else:
        wanted = [squash(t) for t in [gold["title"], *(gold.get("title_alt") or [])]]
    return max((SequenceMatcher(None, w, got).ratio() for w in wanted), default=0.0)


def first_ok(gold: dict, found: dict) -> bool:
    paras = paragraphs(found.get("body"))
    return bool(paras) and any(squash(paras[0]).startswith(squash(f))
                               for f in [gold["first"], *(gold.get("first_alt") or [])])


def body_ok(gold: dict, found: dict) -> bool:
    paras = paragraphs(found.get("body"))
    return first_ok(gold, found) and squash(paras[-1]).endswith(squash(gold["last"]))


def subtitle_ok(gold: dict, found: dict) -> bool:
    def norm(s):
        return squash(s).replace("——", "")
    return norm(gold.get("subtitle")) == norm(found.get("subtitle"))


def districts_ok(gold: dict, found: dict) -> tuple[bool, bool]:
    """(main district right, set of districts right)."""
    got = list(found.get("districts") or [])
    want = list(gold["districts"])
    alternatives = set(gold.get("main_any") or []) | set(want[:1])
    main = bool(got) and got[0] in alternatives
    whole = set(got) == set(want) or (main and bool(gold.get("main_any"))
                                     and set(got) <= set(want) | alternatives)
    return main, whole


def date_wrong(gold_date: str | None, found_date) -> bool:
    if not found_date:
        return False
    found_date = str(found_date)
    if gold_date is None:
        return True
    return not (found_date == gold_date or gold_date.startswith(found_date + "-"))


def page_norm(page) -> str:
    return re.sub(r"[\s第版:：]", "", str(page or ""))


# --- matching and scoring ---------------------------------------------------

def match(gold_articles: list[dict], found: list[dict]) -> list[tuple[dict, dict | None, bool]]:
    """(gold, found or None, taken for the same article) for each gold article."""
    pairs = sorted(((title_similarity(g, f), i, j) for i, g in enumerate(gold_articles)
                    for j, f in enumerate(found)), key=lambda t: (-t[0], t[1], t[2]))
    by_gold: dict[int, tuple[int, bool]] = {}
    used: set[int] = set()
    for sim, i, j in pairs:
        if sim < MATCH_AT or i in by_gold or j in used:
            continue
        by_gold[i] = (j, True)
        used.add(j)
    for i, g in enumerate(gold_articles):  # no similar title: the same first paragraph
        if i in by_gold:
            continue
        j = next((j for j, f in enumerate(found) if j not in used and first_ok(g, f)), None)
        if j is not None:
            by_gold[i] = (j, True)
            used.add(j)
    rest = iter(j for j in range(len(found)) if j not in used)
    for i in range(len(gold_articles)):  # then in order
        if i not in by_gold:
            j = next(rest, None)
            if j is not None:
                by_gold[i] = (j, False)
    out = []
    for i, g in enumerate(gold_articles):
        j, same = by_gold.get(i, (None, False))
        f = found[j] if j is not None else None
        out.append((g, f, same or (f is not None and first_ok(g, f))))
    return out


def leaks(furniture: list[str], article: dict) -> list[str]:
    fields = [article.get("title"), article.get("subtitle"), article.get("body"),
              *(article.get("captions") or []), *(article.get("authors") or [])]
    text = "\n".join(str(x) for x in fields if x)
    found = [f for f in dict.fromkeys(furniture) if f and f in text]
    # a general string inside a page's own furniture string already counted is one leak, not two
    return found + [g for g in GLOBAL_FURNITURE if g in text and not any(g in f for f in found)]


def score(results_by_file: dict[str, list[dict]], gold, pages: list[str] | None = None) -> dict:
    """Field -> Score(ok, n) for RATE_FIELDS, field -> int for COUNT_FIELDS, and
    "disagreements": one line per wrong field. `gold`: load_gold()'s dict, its "pages",
    or a path; `pages`: score only these files (default: every gold page)."""
    if not isinstance(gold, dict):
        gold = load_gold(gold)
    gold_pages = gold.get("pages", gold)
    results = {Path(name).name: arts for name, arts in results_by_file.items()}
    tally = {f: [0, 0] for f in RATE_FIELDS}
    counts = {f: 0 for f in COUNT_FIELDS}
    wrong: list[str] = []

    def count(field: str, ok: bool, where: str, found=None, expected=None) -> None:
        tally[field][0] += bool(ok)
        tally[field][1] += 1
        if not ok:
            wrong.append(f"{where}: {field} {found!r} (gold {expected!r})")

    for name in pages if pages is not None else list(gold_pages):
        page = gold_pages[name]
        found = list(results.get(name) or [])
        matched = match(page["articles"], found)
        same = sum(s for _, _, s in matched)
        tally["articles"][1] += len(found) - same  # found articles that are no gold article
        for k, (g, f, is_same) in enumerate(matched):
            where = f"{name}#{k + 1}"
            f_ = f or {}
            count("articles", is_same, where, f_.get("title"), g.get("title") or g.get("first"))
            count("titles", f is not None and title_ok(g, f_), where, f_.get("title"),
                  g.get("title") or f"a piece of {g.get('title_from')}")
            count("subtitles", f is not None and subtitle_ok(g, f_), where, f_.get("subtitle"), g.get("subtitle"))
            paras = paragraphs(f_.get("body"))
            count("bodies", f is not None and body_ok(g, f_), where,
                  (paras[0][:20] + " … " + paras[-1][-20:]) if paras else None, f"{g['first']} … {g['last']}")
            gold_date = g.get("date", page["date"])
            gold_precision = g.get("date_precision", page["date_precision"])
            found_date = (f_.get("date"), f_.get("date_precision"))
            count("dates", f is not None and found_date == (gold_date, gold_precision), where,
                  found_date, (gold_date, gold_precision))
            count("date sources", f is not None and f_.get("date_source") == g.get("date_source", page["date_source"]),
                  where, f_.get("date_source"), g.get("date_source", page["date_source"]))
            if date_wrong(gold_date, f_.get("date")):
                counts["date wrong"] += 1
                wrong.append(f"{where}: date wrong {f_.get('date')!r} (gold {gold_date!r})")
            count("authors", f is not None and {squash(a) for a in f_.get("authors") or []}
                  == {squash(a) for a in g["authors"]}, where, f_.get("authors"), g["authors"])
            main, whole = districts_ok(g, f_) if f is not None else (False, False)
            count("main district", main, where, (f_.get("districts") or [None])[0], g["districts"][0])
            count("districts", whole, where, f_.get("districts"), g["districts"])
            count("paper", f is not None and squash(f_.get("paper")) == squash(page["paper"]),
                  where, f_.get("paper"), page["paper"])
            count("page", f is not None and page_norm(f_.get("page")) == page_norm(page["page"]),
                  where, f_.get("page"), page["page"])
        for k, f in enumerate(found):
            for piece in leaks(page.get("furniture") or [], f):
                counts["furniture leaks"] += 1
                wrong.append(f"{name} found #{k + 1} {f.get('title')!r}: furniture leak {piece!r}")

    out: dict = {field: Score(*tally[field]) for field in RATE_FIELDS}
    out.update(counts)
    out["disagreements"] = wrong
    out["pages"] = len(pages if pages is not None else gold_pages)
    return out


def table(scores: dict, title: str = "layout gold") -> str:
    lines = [f"{title}: {scores.get('pages', '?')} pages",
             f"{'field':<16} {'score':>9} {'rate':>7}"]
    for field in RATE_FIELDS:
        s = scores[field]
        lines.append(f"{field:<16} {f'{s.ok}/{s.n}':>9} {s.rate:>7.3f}")
    for field in COUNT_FIELDS:
        lines.append(f"{field:<16} {scores[field]:>9} {'(count)':>7}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jsonl", help="score this saved inspect output instead of running inspect")
    parser.add_argument("--html", action="store_true", help="also run inspect on the .html pages")
    parser.add_argument("--details", action="store_true", help="print every disagreement")
    args = parser.parse_args(argv)
    gold = load_gold()
    names = [n for n in gold["pages"] if args.html or not n.endswith(".html")]
    if args.jsonl:
        results = parse_inspect(Path(args.jsonl).read_text("utf-8"))
    else:
        results = run_inspect([LAYOUTS / n for n in names])
    scores = score(results, gold, pages=names)
    print(table(scores, f"layout gold ({'all pages' if args.html else '.txt pages'})"))
    if args.details:
        for line in scores["disagreements"]:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
