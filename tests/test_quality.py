"""Quality gate: score the segmenter against hand-made gold annotations.

tests/data/gold.yml says, for each sample page, what a careful reader cuts
out of it. Each field is scored on its own and must stay at or above its
pinned minimum, for the pages as printed and for the same pages with their
Markdown-ish `#` marks stripped (a plain dump must cut the same way).
`pytest -s tests/test_quality.py` prints the table.

The same gold file also gives each article's metadata (date, districts, themes),
scored on the real pipeline's output (corpus → segment → metadata), articles
matched to gold by title; `-s` prints that table and every disagreement too.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from build_archive import pipeline
from build_archive.extract.corpus import read_corpus
from build_archive.extract.gazetteer import default_gazetteer
from build_archive.extract.page import district_names
from build_archive.extract.themes import load_taxonomy
from build_archive.extract.segment import conservation, is_chrome, segment_page
from build_archive import models

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = yaml.safe_load((Path(__file__).parent / "data" / "gold.yml").read_text("utf-8"))["pages"]
SOURCES = (yaml.safe_load((CORPUS / "sources.yml").read_text("utf-8")) or {}).get("files") or {}

# Pinned at what the segmenter reaches today. Raising a minimum is fine;
# lowering one needs a reason in the commit message.
MINIMUMS = {
    "articles": 1.0,
    "titles": 1.0,
    "subtitles": 1.0,
    "authors": 1.0,
    "captions": 1.0,
    "types": 1.0,
    "continued": 1.0,
    "rejoined": 1.0,
    "headings": 1.0,
    "gaps": 1.0,
    "unassigned": 1.0,
    "page facts": 1.0,
}

# The metadata stages, scored over every gold article on the pipeline's output.
# Pinned at what the pipeline reaches today. Raising a minimum is fine;
# lowering one needs a reason in the commit message.
METADATA_MINIMUMS = {
    "date": 1.0,           # value and precision exact
    "main district": 1.0,  # districts[0] is the gold's first district
    "districts": 1.0,      # the set of districts is the gold's
    "main theme": 0.954,   # themes[0] is one of the gold's themes_any (21/22 today)
}


FLAVOURS = {
    "printed": lambda text: text,
    "plain": lambda text: re.sub(r"(?m)^#+[ \t]*", "", text),  # no `#`/`##` marks
}


@pytest.fixture(scope="module")
def segmented_all():
    names = district_names()
    out = {}
    for flavour, make in FLAVOURS.items():
        for source in GOLD:
            text = make((CORPUS / source).read_text("utf-8"))
            out[flavour, source] = (text, segment_page(text, source, names))
    return out


@pytest.fixture(scope="module")
def segmented(segmented_all):
    return {source: result for (flavour, source), result in segmented_all.items() if flavour == "printed"}


def paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p and not p.startswith("## ")]


def boundaries_match(gold: dict, article) -> bool:
    paras = paragraphs(article.body)
    return bool(paras) and paras[0].startswith(gold["first"]) and paras[-1].endswith(gold["last"])


def match_articles(gold_articles: list[dict], articles) -> list:
    """For each gold article, the found article with exactly its boundaries (or None)."""
    left = list(articles)
    matched = []
    for gold in gold_articles:
        found = next((a for a in left if boundaries_match(gold, a)), None)
        if found is not None:
            left.remove(found)
        matched.append(found)
    return matched


def score_page(gold: dict, seg, source: str) -> dict[str, list[int]]:
    """field -> [correct, total] for one page."""
    s: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def count(field: str, ok: bool, weight: int = 1) -> None:
        s[field][0] += weight if ok else 0
        s[field][1] += weight

    matched = match_articles(gold["articles"], seg.articles)
    extra = len(seg.articles) - sum(a is not None for a in matched)
    for g, a in zip(gold["articles"], matched):
        count("articles", a is not None)
        count("titles", a is not None and a.title == g["title"])
        count("subtitles", a is not None and a.subtitle == g["subtitle"])
        count("authors", a is not None and list(a.authors) == g["authors"])
        count("captions", a is not None and [c.display() for c in a.captions] == g["captions"])
        count("types", a is not None and a.type == g["type"])
        count("continued", a is not None and a.continued == g["continued"])
    s["articles"][1] += extra  # articles that should not exist

    all_paras = [p for a in seg.articles for p in paragraphs(a.body)]
    for piece in gold["rejoined"]:
        count("rejoined", any(piece in p for p in all_paras))

    headings = [p[3:] for a in seg.articles for p in a.body.split("\n\n") if p.startswith("## ")]
    for heading in gold["headings"]:
        count("headings", heading in headings)
    s["headings"][1] += len([h for h in headings if h not in gold["headings"]])

    found_gaps = [gap for a in seg.articles for gap in a.gaps]
    for gap in gold["gaps"]:
        count("gaps", any(gap in found for found in found_gaps))
    s["gaps"][1] += len([f for f in found_gaps if not any(g in f for g in gold["gaps"])])

    unassigned = [text for _, text in seg.unassigned]
    for line in gold["unassigned"]:
        count("unassigned", line in unassigned)
    s["unassigned"][1] += len([u for u in unassigned if u not in gold["unassigned"]])

    page = seg.page
    paper = (SOURCES.get(source) or {}).get("paper") or page.paper  # as the pipeline does
    count("page facts", paper == gold["paper"])
    count("page facts", page.page_label == gold["page_label"])
    count("page facts", page.issue_number == gold["issue_number"])
    count("page facts", list(page.editors) == gold["editors"])
    return s


@pytest.fixture(scope="module")
def scores(segmented_all):
    """flavour -> field -> (correct, total, accuracy)."""
    out = {}
    for flavour in FLAVOURS:
        total: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for source, gold in GOLD.items():
            for field, (ok, n) in score_page(gold, segmented_all[flavour, source][1], source).items():
                total[field][0] += ok
                total[field][1] += n
        out[flavour] = {field: (ok, n, ok / n if n else 1.0) for field, (ok, n) in total.items()}
    return out


def test_quality_gate(scores):
    print("\nsegmentation quality against tests/data/gold.yml")
    print(f"{'field':<12} " + " ".join(f"{flavour:>16}" for flavour in FLAVOURS) + f" {'minimum':>8}")
    for field in MINIMUMS:
        cells = []
        for flavour in FLAVOURS:
            ok, n, accuracy = scores[flavour].get(field, (0, 0, 0.0))
            cells.append(f"{f'{ok}/{n}':>8} {accuracy:>7.3f}")
        print(f"{field:<12} " + " ".join(cells) + f" {MINIMUMS[field]:>8.3f}")
    below = {(flavour, field): s[field][2] for flavour, s in scores.items()
             for field in MINIMUMS if s[field][2] < MINIMUMS[field]}
    assert not below, f"segmentation quality below the pinned minimum: {below}"


@pytest.fixture(scope="module")
def extracted():
    """The sample corpus through the real pipeline: articles with date, districts, themes."""
    pages, _ = read_corpus(CORPUS)
    return pipeline.extract(pages, models.Report())


def gold_articles() -> list[tuple[str, dict]]:
    return [(source, gold) for source, page in GOLD.items() for gold in page["articles"]]


def metadata_checks(gold: dict, article) -> dict[str, tuple[bool, object, object]]:
    """field -> (correct, found, expected) for one gold article (article None: not found)."""
    date = (article.date, article.date_precision) if article else None
    districts = list(article.districts) if article else []
    themes = list(article.themes) if article else []
    return {
        "date": (date == (gold["date"], gold["date_precision"]), date,
                 (gold["date"], gold["date_precision"])),
        "main district": (districts[:1] == gold["districts"][:1], districts[:1], gold["districts"][:1]),
        "districts": (set(districts) == set(gold["districts"]), districts, gold["districts"]),
        "main theme": (themes[:1] != [] and themes[0] in gold["themes_any"], themes,
                       f"first in {gold['themes_any']}"),
    }


def score_metadata(articles) -> tuple[dict[str, tuple[int, int, float]], list[str]]:
    """field -> (correct, total, accuracy) over all gold articles, and the disagreements."""
    by_title = {(Path(a.source).name, a.title): a for a in articles}
    total: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong = []
    for source, gold in gold_articles():
        article = by_title.get((source, gold["title"]))
        for field, (ok, found, expected) in metadata_checks(gold, article).items():
            total[field][0] += ok
            total[field][1] += 1
            if not ok:
                wrong.append(f"{source[:3]} {gold['title']}: {field} {found} (gold {expected})"
                             + ("" if article else " [article not found by title]"))
    scores = {field: (ok, n, ok / n if n else 1.0) for field, (ok, n) in total.items()}
    return scores, wrong


def test_metadata_gate(extracted):
    scores, wrong = score_metadata(extracted)
    print("\nmetadata quality against tests/data/gold.yml (pipeline output)")
    print(f"{'field':<14} {'score':>8} {'accuracy':>8} {'minimum':>8}")
    for field, minimum in METADATA_MINIMUMS.items():
        ok, n, accuracy = scores.get(field, (0, 0, 0.0))
        print(f"{field:<14} {f'{ok}/{n}':>8} {accuracy:>8.3f} {minimum:>8.3f}")
    for line in wrong:
        print(f"  disagrees: {line}")
    assert set(scores) == set(METADATA_MINIMUMS)
    below = {field: scores[field][2] for field in METADATA_MINIMUMS if scores[field][2] < METADATA_MINIMUMS[field]}
    assert not below, f"metadata quality below the pinned minimum: {below}"


def test_gold_metadata_is_well_formed():
    """Every gold article carries the metadata, in the archive's own vocabulary."""
    places = default_gazetteer()
    canonical = {places.city, *places.districts}
    theme_names = set(load_taxonomy().names)
    shapes = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
    for source, gold in gold_articles():
        where = (source, gold["title"])
        assert isinstance(gold["date"], str), where  # quoted: YAML would make 2022-07-19 a date
        assert re.fullmatch(shapes[gold["date_precision"]], gold["date"]), where
        assert gold["districts"] and set(gold["districts"]) <= canonical, where
        assert len(set(gold["districts"])) == len(gold["districts"]), where
        assert 1 <= len(gold["themes"]) <= 3 and set(gold["themes"]) <= theme_names, where
        assert set(gold["themes_any"]) <= theme_names and gold["themes"][0] in gold["themes_any"], where


def test_metadata_scoring_catches_wrong_metadata(extracted):
    """The metadata gate can fail: a wrong date, district or theme scores below 1."""
    articles = list(extracted)
    last = articles[-1]
    articles[-1] = replace(last, date="2022-07", date_precision="month",
                           districts=("柯城区", *last.districts), themes=("教育",))
    scores, wrong = score_metadata(articles)
    for field in METADATA_MINIMUMS:
        assert scores[field][0] < scores[field][1], field
    assert any(last.title in line for line in wrong)
    scores, _ = score_metadata(extracted[:-1])  # an article lost: all its fields count as wrong
    assert all(scores[field][0] < scores[field][1] for field in METADATA_MINIMUMS)


def test_every_field_is_scored(scores):
    for flavour in FLAVOURS:
        assert set(scores[flavour]) == set(MINIMUMS)


@pytest.mark.parametrize("source", sorted(GOLD))
def test_article_count(segmented, source):
    assert len(segmented[source][1].articles) == len(GOLD[source]["articles"])


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("source", sorted(GOLD))
def test_nothing_lost(segmented_all, flavour, source):
    text, seg = segmented_all[flavour, source]
    assert conservation(text, seg) == {}


@pytest.mark.parametrize("source", sorted(GOLD))
def test_chrome_never_in_articles(segmented, source):
    _, seg = segmented[source]
    chrome = set(GOLD[source]["chrome"]) | set(seg.page.chrome)
    for article in seg.articles:
        blocks = [article.title, article.subtitle or "", *article.body.split("\n\n")]
        for block in blocks:
            assert not is_chrome(block), (article.title, block)
            assert not any(line in block for line in chrome), (article.title, block)


@pytest.mark.parametrize("source", sorted(GOLD))
def test_gold_chrome_is_detected(segmented, source):
    detected = {line.lstrip("# ") for line in segmented[source][1].page.chrome}
    assert set(GOLD[source]["chrome"]) <= detected


def test_scoring_catches_a_wrong_cut(segmented):
    """The gate can fail: a segmentation missing an article or a title scores below 1."""
    source = "004_3f3caa643c8b9b4a.txt"
    seg = segmented[source][1]
    broken = replace(seg, articles=seg.articles[:-1] + (replace(seg.articles[-1], title="x"),))
    s = score_page(GOLD[source], broken, source)
    assert s["titles"][0] < s["titles"][1]
    broken = replace(seg, articles=seg.articles[:-1])
    s = score_page(GOLD[source], broken, source)
    assert s["articles"][0] < s["articles"][1]
