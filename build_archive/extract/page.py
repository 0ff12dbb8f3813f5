"""One page dump → its articles, with date, districts and themes (pure; run in a worker).

`process_page` is the unit the worker pool computes and the page cache stores:
segmentation (segment.py), the page's date (dates.py), each article's places
(gazetteer.py) and themes (themes.py), its words for keywords (keywords.py),
and the conservation check (every character accounted for).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from importlib import resources

import yaml

from build_archive.extract import dates, fold, gazetteer, themes, words
from build_archive.extract.corpus import PageFile
from build_archive.extract.keywords import Terms, article_terms
from build_archive.extract.segment import SegmentedPage, conservation, segment_page
from build_archive.models import Article, Issue
from build_archive.scale import parallel
from build_archive.scale.cache import PageCache, page_key


@functools.lru_cache(maxsize=1)
def district_names() -> frozenset[str]:
    """Names that can prefix a headline (`柯城:`, `江山 `): districts and their aliases."""
    g = gazetteer.default_gazetteer()
    return frozenset(name for name in gazetteer.gazetteer_words(g) if gazetteer.headline_prefix(name + ":x", g))

@functools.lru_cache(maxsize=1)
def paper_districts() -> dict[str, str]:
    """Each paper's home district (build_archive/data/papers.yml)."""
    text = resources.files("build_archive").joinpath("data/papers.yml").read_text("utf-8")
    return yaml.safe_load(text) or {}

def page_date(page_file: PageFile, seg: SegmentedPage) -> tuple[dates.DateGuess | None, str | None]:
    """The page's date and where it came from: printed (masthead, or web-page
    furniture: `page`; or `printed_date` in the page's facts, from a saved web page's
    own metadata: `page`), then sources.yml, then the dates the page's text mentions
    (`text`, never a day; dates.infer_publication says which mentions count).

    A sources.yml date is valid here: corpus.load_sources reported and dropped a bad one."""
    if seg.date is not None:
        return seg.date, seg.page.date_source
    if page_file.facts.get("printed_date"):  # a reader of saved web pages found it in the page's own metadata
        try:
            return dates.parse_date_value(page_file.facts["printed_date"]), "page"
        except ValueError:
            pass  # not a date: the other evidence decides
    if "date" in page_file.facts:
        return dates.parse_date_value(page_file.facts["date"]), "sources.yml"
    inferred = dates.infer_publication([a.body for a in seg.articles],
                                       [t for a in seg.articles if a.headline_lines for t in (a.title, a.subtitle)])
    return (inferred, "text") if inferred else (None, None)

def extract_page(page_file: PageFile, names: frozenset[str]) -> tuple[list[Article], SegmentedPage, list[Issue]]:
    """One page dump → its articles with date, districts and themes (no I/O)."""
    seg = segment_page(page_file.text, page_file.source, names)
    issues = list(seg.issues)
    date, date_source = page_date(page_file, seg)
    paper = page_file.facts.get("paper") or seg.page.paper
    articles = []
    for article in seg.articles:
        article = classified(replace(
            article,
            paper=paper,
            page=page_file.facts.get("page") or article.page,
            repost_source=seg.page.repost_source,
            date=date.value if date else None,
            date_precision=date.precision if date else None,
            date_source=date_source,
        ))
        if not article.date:
            issues.append(Issue("no-date", page_file.source, article.line, f"no date found: {article.title}"))
        if not article.districts:
            issues.append(Issue("no-district", page_file.source, article.line, f"no district found: {article.title}"))
        if article.themes == ("其他",):
            issues.append(Issue("no-theme", page_file.source, article.line, f"only 其他 as theme: {article.title}"))
        articles.append(article)
    return articles, seg, issues

def classified(article: Article) -> Article:
    """Districts and themes from the article's own text (and its paper's home district);
    extract_page and corrections (an edited text is classified again) share it."""
    return replace(
        article,
        districts=gazetteer.locate(article.title, article.body, article.subtitle)
        or tuple(d for d in [paper_districts().get(article.paper)] if d),
        themes=themes.classify(article.title, article.body, article.subtitle),
    )

@dataclass(frozen=True)
class PageResult:
    """One page's share of the build: what `process_page` returns, the unit
    the worker pool computes and the cache stores (build_archive/scale/cache.py)."""

    articles: tuple[Article, ...]
    terms: tuple[Terms, ...]  # one per article, for keywords
    issues: tuple[Issue, ...]
    characters: int  # non-space characters read
    unaccounted: int  # characters found in no output field
    unassigned: tuple[tuple[str, int, str], ...]  # (source, line, text)
    furniture: int = 0  # lines of web-page furniture taken out (counted in the build report)

# Fewer pages than this are extracted in this process. A page takes 20–30 ms;
# the pool costs 30–50 ms (fork, sending pages and results; jieba is loaded
# before the fork), so it pays from a few pages on an idle machine: 8 keeps
# `inspect` of a page or two, and the 5-page sample, in one process.
POOL_MIN_PAGES = 8

def prepare_worker() -> None:
    """Load once per process what every page needs: jieba with the place names, the gazetteer,
    the traditional → simplified character table (a quarter of a second: before the fork)."""
    words.setup(gazetteer.gazetteer_words())
    words.tokenizer()
    district_names()
    fold.character_table()

def process_page(page_file: PageFile) -> PageResult:
    """One page dump → its articles, their words and its report lines (pure; run in a worker)."""
    found, seg, issues = extract_page(page_file, district_names())
    lost = conservation(page_file.text, seg)
    if lost:
        issues.append(Issue("unaccounted", page_file.source, 0, f"characters lost: {''.join(sorted(lost.elements()))}"))
    return PageResult(
        articles=tuple(found),
        terms=tuple(article_terms(a) for a in found),
        issues=tuple(issues),
        characters=len("".join(page_file.text.split())),  # str.split() splits where str.isspace()
        unaccounted=sum(lost.values()),
        unassigned=tuple((page_file.source, line, text) for line, text in seg.unassigned),
        furniture=seg.page.furniture,
    )

def page_results(pages: list[PageFile], cache: PageCache | None = None,
                 pool_min_pages: int = POOL_MIN_PAGES, stage=None) -> list[PageResult]:
    """Every page's result, in page order: from the cache when its key is
    there, else computed (in a process pool when enough pages are missing)."""
    keys = [page_key(p.source, p.text, p.facts) for p in pages] if cache else []
    results: list[PageResult | None] = [cache.get(key, PageResult) for key in keys] if cache else [None] * len(pages)
    missing = [i for i, result in enumerate(results) if result is None]
    if stage:  # progress.Stage: cached pages count as done at once
        stage.set_total(len(pages))
        stage.advance(len(pages) - len(missing))
    computed = parallel.map_ordered(process_page, [pages[i] for i in missing],
                                    initializer=prepare_worker, min_items=pool_min_pages)
    for i, result in zip(missing, computed):
        results[i] = result
        if cache:
            cache.put(keys[i], result)
        if stage:
            stage.advance()
    return results
