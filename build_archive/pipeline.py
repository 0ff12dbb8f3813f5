"""The build, top to bottom: read → segment → metadata → Markdown → site."""
from __future__ import annotations

import functools
import hashlib
import time
from array import array
from importlib import resources
from collections import Counter, abc
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, MutableMapping, Sequence

import yaml

from . import datafiles, dates, gazetteer, horizon, indexes, links, parallel, render, themes, words
from .cache import PageCache, page_key
from .corpus import PageFile
from .corrections import Correction, apply_corrections, settled
from .models import Article, Issue
from .segment import SegmentedPage, conservation, segment_page


@dataclass
class Report:
    """What the build did, printed at its end: the curator's to-do list."""

    pages: int = 0
    articles: int = 0
    characters: int = 0
    unaccounted: int = 0
    issues: list[Issue] = field(default_factory=list)
    unassigned: list[tuple[str, int, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def time(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started

    def text(self) -> str:
        kinds = Counter(issue.kind for issue in self.issues)
        lines = [
            f"pages read: {self.pages}",
            f"articles written: {self.articles}",
            f"characters: {self.characters} read, {self.unaccounted} unaccounted"
            f" ({len(self.unassigned)} unassigned lines kept in this report)",
            "warnings: " + (", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())) or "none"),
        ]
        lines += [f"  {issue}" for issue in sorted(self.issues, key=lambda i: (i.source, i.line, i.kind))]
        lines += [f"  {source}:{line}: [unassigned] {text}" for source, line, text in self.unassigned]
        lines.append("seconds: " + ", ".join(f"{stage} {secs:.2f}" for stage, secs in self.seconds.items()))
        return "\n".join(lines)


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


def page_date(page_file: PageFile, seg: SegmentedPage) -> dates.DateGuess | None:
    """Masthead, then sources.yml, then the dates the page's text mentions.

    A sources.yml date is valid here: corpus.load_sources reported and dropped a bad one."""
    from_sources = dates.parse_date_value(page_file.facts["date"]) if "date" in page_file.facts else None
    text = "\n".join(a.body for a in seg.articles)
    return dates.resolve(dates.masthead_date(seg.page.chrome), from_sources, dates.infer_from_text(text))


def extract_page(page_file: PageFile, names: frozenset[str]) -> tuple[list[Article], SegmentedPage, list[Issue]]:
    """One page dump → its articles with date, districts and themes (no I/O)."""
    seg = segment_page(page_file.text, page_file.source, names)
    issues = list(seg.issues)
    date = page_date(page_file, seg)
    paper = page_file.facts.get("paper") or seg.page.paper
    articles = []
    for article in seg.articles:
        article = classified(replace(
            article,
            paper=paper,
            page=page_file.facts.get("page") or article.page,
            date=date.value if date else None,
            date_precision=date.precision if date else None,
        ))
        if not article.date:
            issues.append(Issue("no-date", page_file.source, article.line, f"no date found: {article.title}"))
        if not article.districts:
            issues.append(Issue("no-district", page_file.source, article.line, f"no district found: {article.title}"))
        if article.themes == ("其他",):
            issues.append(Issue("no-theme", page_file.source, article.line, f"only 其他 as theme: {article.title}"))
        articles.append(article)
    return articles, seg, issues


@dataclass(frozen=True)
class Terms:
    """An article's content words, as keywords need them: each distinct word
    once, in order of first appearance, with its count. Gives the same TF-IDF
    keywords as the full token list (counts and first-appearance order are all
    they use) in a fraction of its memory, which matters at 100,000 articles."""

    words: str  # "\n".join(distinct words); a token never holds white space
    counts: array  # array("I"), one count per word

    @classmethod
    def of(cls, tokens: list[str]) -> "Terms":
        counts = Counter(tokens)  # insertion order = first appearance
        joined = "\n".join(counts)
        if counts and joined.count("\n") != len(counts) - 1:
            raise ValueError("a token holds a line break")
        return cls(joined, array("I", counts.values()))

    def tokens(self) -> list[str]:
        """A token list with the same counts and the same order of first appearance."""
        if not self.words:
            return []
        return [word for word, count in zip(self.words.split("\n"), self.counts) for _ in range(count)]


def article_terms(article: Article) -> Terms:
    return Terms.of(words.tokens(f"{article.title}\n{article.body}"))


def _terms_digest(terms: Terms) -> bytes:
    return hashlib.blake2b(terms.words.encode("utf-8") + b"\0" + terms.counts.tobytes(), digest_size=16).digest()


def with_keywords_and_slugs(articles: list[Article], terms: list[Terms] | None = None,
                            memo: MutableMapping[str, tuple[str, ...]] | None = None) -> list[Article]:
    """Keywords by TF-IDF over the archive itself; a stable path for each article.

    `terms` are the articles' words, tokenised per page (in the worker pool,
    cached); only the IDF and the top-k selection happen here. Each article's
    IDF is over the articles dated up to its horizon (build_archive/horizon.py:
    the oldest BASE_ARTICLES share one IDF, each later article the archive as
    it stood on its own day, undated ones the whole archive), so adding a newer
    day changes no older article's keywords. One pass in date order, adding
    each day's documents to a running count (themes.GrowingIdf).

    `memo` (cache.PageCache.memo("keywords")): keywords already chosen, keyed by
    the article's words and a hash of every document its IDF counts, in the
    order counted; it is read, and left holding exactly this archive's
    entries. A +1-day build so chooses keywords only for the new day's articles.
    """
    if terms is None:
        words.setup(gazetteer.gazetteer_words())
        terms = [article_terms(a) for a in articles]
    distinct = _DistinctWords(terms)
    places = frozenset(gazetteer.gazetteer_words())  # names make poor keywords: they are districts already
    base = horizon.base_date(a.date for a in articles)
    undated = [i for i, a in enumerate(articles) if not a.date]
    by_horizon: dict[str, list[int]] = {}
    for i in sorted((i for i, a in enumerate(articles) if a.date), key=lambda i: articles[i].date):
        by_horizon.setdefault(horizon.horizon(articles[i].date, base), []).append(i)

    known = dict(memo or {})
    fresh: dict[str, tuple[str, ...]] = {}
    digests = [_terms_digest(t) for t in terms]
    counted = hashlib.blake2b(digest_size=16)  # the documents in the IDF so far, in order
    idf = themes.GrowingIdf()
    for i in undated:  # undated articles count as the oldest: in every article's IDF
        idf.add(distinct[i])
        counted.update(digests[i])
    chosen: list[tuple[str, ...]] = [()] * len(articles)
    for group in [*by_horizon.values(), undated]:  # undated last: they use the whole archive
        for i in group:
            if articles[i].date:
                idf.add(distinct[i])
                counted.update(digests[i])
        view = counted.digest()
        for i in group:
            key = (view + digests[i]).hex()
            chosen[i] = fresh[key] = known.get(key) or themes.keywords(terms[i].tokens(), idf, exclude=places)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    return [replace(a, keywords=k, slug="") for a, k in zip(articles, chosen)]


class _DistinctWords(abc.Sequence):
    """Each article's distinct words, as build_idf needs them (it takes a set
    of each document), split only when reached: every token list at once
    would hold ~13 kB an article, over 1 GB at 100,000 articles."""

    def __init__(self, terms: list[Terms]):
        self.terms = terms

    def __len__(self) -> int:
        return len(self.terms)

    def __getitem__(self, i: int) -> list[str]:
        return self.terms[i].words.split("\n") if self.terms[i].words else []


def classified(article: Article) -> Article:
    """Districts and themes from the article's own text (and its paper's home district);
    extract_page and corrections (an edited text is classified again) share it."""
    return replace(
        article,
        districts=gazetteer.locate(article.title, article.body, article.subtitle)
        or tuple(d for d in [paper_districts().get(article.paper)] if d),
        themes=themes.classify(article.title, article.body, article.subtitle),
    )


def corrected(pages: list[PageFile], articles: list[Article], terms: list[Terms],
              entries: Sequence[Correction], report: Report) -> tuple[list[Article], list[Terms]]:
    """corrections.yml applied (build_archive/corrections.py); terms follow the changed texts."""
    fixed, issues = apply_corrections(articles, entries, sources=[p.source for p in pages],
                                      texts={p.source: p.text for p in pages}, reclassify=classified)
    report.issues = settled(report.issues, fixed) + issues
    known = {(a.title, a.body): t for a, t in zip(articles, terms)}
    words.setup(gazetteer.gazetteer_words())  # the pool may have tokenised the pages elsewhere
    return fixed, [known.get((a.title, a.body)) or article_terms(a) for a in fixed]


def assign_slugs(articles: list[Article], report: Report) -> list[Article]:
    seen: dict[str, Article] = {}
    out = []
    for article in articles:
        slug = article.extra.get("slug") or render.article_slug(article)  # a corrected article keeps its address
        if slug in seen:  # the same page exported twice: build it once
            first = seen[slug]
            report.issues.append(Issue("duplicate", article.source, article.line,
                                       f"same article as {first.source}:{first.line}; built once"))
            continue
        article = replace(article, slug=slug)
        seen[slug] = article
        out.append(article)
    return out


@dataclass(frozen=True)
class PageResult:
    """One page's share of the build: what `process_page` returns, the unit
    the worker pool computes and the cache stores (build_archive/cache.py)."""

    articles: tuple[Article, ...]
    terms: tuple[Terms, ...]  # one per article, for keywords
    issues: tuple[Issue, ...]
    characters: int  # non-space characters read
    unaccounted: int  # characters found in no output field
    unassigned: tuple[tuple[str, int, str], ...]  # (source, line, text)


# Fewer pages than this are extracted in this process. A page takes 20–30 ms;
# the pool costs 30–50 ms (fork, sending pages and results; jieba is loaded
# before the fork), so it pays from a few pages on an idle machine: 8 keeps
# `inspect` of a page or two, and the 5-page sample, in one process.
POOL_MIN_PAGES = 8


def prepare_worker() -> None:
    """Load once per process what every page needs: jieba with the place names, the gazetteer."""
    words.setup(gazetteer.gazetteer_words())
    words.tokenizer()
    district_names()


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
    )


def page_results(pages: list[PageFile], cache: PageCache | None = None,
                 pool_min_pages: int = POOL_MIN_PAGES) -> list[PageResult]:
    """Every page's result, in page order: from the cache when its key is
    there, else computed (in a process pool when enough pages are missing)."""
    keys = [page_key(p.source, p.text, p.facts) for p in pages] if cache else []
    results: list[PageResult | None] = [cache.get(key, PageResult) for key in keys] if cache else [None] * len(pages)
    missing = [i for i, result in enumerate(results) if result is None]
    computed = parallel.map_ordered(process_page, [pages[i] for i in missing],
                                    initializer=prepare_worker, min_items=pool_min_pages)
    for i, result in zip(missing, computed):
        results[i] = result
        if cache:
            cache.put(keys[i], result)
    return results


def extract(pages: list[PageFile], report: Report, cache: PageCache | None = None,
            pool_min_pages: int = POOL_MIN_PAGES, corrections: Sequence[Correction] = ()) -> list[Article]:
    started = time.perf_counter()
    articles: list[Article] = []
    terms: list[Terms] = []
    for result in page_results(pages, cache, pool_min_pages):
        report.pages += 1
        report.characters += result.characters
        report.unaccounted += result.unaccounted
        report.unassigned += result.unassigned
        report.issues += result.issues
        articles += result.articles
        terms += result.terms
    report.time("extract", started)
    started = time.perf_counter()
    if corrections:  # the curator's corrections.yml: before keywords, which follow the corrected text
        articles, terms = corrected(pages, articles, terms, corrections, report)
    memo = cache.memo("keywords") if cache else None
    articles = assign_slugs(with_keywords_and_slugs(articles, terms, memo), report)
    if cache:
        cache.save_memo("keywords", memo)
    articles = links.link_articles(articles)  # related, previous, next (build_archive/links.py)
    report.articles = len(articles)
    report.time("keywords", started)
    return articles


# Rendering an article takes ~2 ms: a pool pays for itself from a few hundred.
POOL_MIN_RENDERS = 200


def _no_setup() -> None:
    pass


def docs_items(articles: list[Article], unchanged=None) -> Iterator[tuple[str, str | None]]:
    """Every generated file of docs/ as (path, text), text None where `unchanged(path,
    article)` says docs/ already holds that article's page (cache.RenderedPages).

    A generator, so that the build writes each page as it comes and never holds
    the whole archive's Markdown (site.write_docs)."""
    paths = [f"{a.slug}.md" for a in articles]
    keep = [bool(unchanged and unchanged(path, a)) for path, a in zip(paths, articles)]
    todo = [a for a, kept in zip(articles, keep) if not kept]
    rendered = parallel.map_ordered(render.article_markdown, todo, initializer=_no_setup, min_items=POOL_MIN_RENDERS)
    for path, kept in zip(paths, keep):
        yield path, None if kept else next(rendered)
    yield from indexes.build_indexes(articles).items()
    yield from datafiles.data_files(articles).items()  # docs/data/articles.json, .csv


def docs_files(articles: list[Article], unchanged=None) -> dict[str, str | None]:
    """`docs_items` as one dict (tests, and small archives)."""
    return dict(docs_items(articles, unchanged))
