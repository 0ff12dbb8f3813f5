"""The build, top to bottom: read → segment → metadata → Markdown → site."""
from __future__ import annotations

import functools
import time
from importlib import resources
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from . import dates, gazetteer, indexes, render, themes, words
from .corpus import PageFile
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


def district_names() -> frozenset[str]:
    """Names that can prefix a headline (`柯城:`, `江山 `): districts and their aliases."""
    g = gazetteer.default_gazetteer()
    return frozenset(name for name in gazetteer.gazetteer_words(g) if gazetteer.headline_prefix(name + ":x", g))


@functools.lru_cache(maxsize=1)
def paper_districts() -> dict[str, str]:
    """Each paper's home district (build_archive/data/papers.yml)."""
    text = resources.files("build_archive").joinpath("data/papers.yml").read_text("utf-8")
    return yaml.safe_load(text) or {}


def page_date(page_file: PageFile, seg: SegmentedPage, issues: list[Issue]) -> dates.DateGuess | None:
    """Masthead, then sources.yml, then the dates the page's text mentions."""
    from_sources = None
    if "date" in page_file.facts:
        try:
            from_sources = dates.parse_date_value(page_file.facts["date"])
        except ValueError as error:
            issues.append(Issue("bad-sources", "sources.yml", page_file.facts.get("line", 0),
                                f"{page_file.path.name}: date: {error}"))
    text = "\n".join(a.body for a in seg.articles)
    return dates.resolve(dates.masthead_date(seg.page.chrome), from_sources, dates.infer_from_text(text))


def extract_page(page_file: PageFile, names: frozenset[str]) -> tuple[list[Article], SegmentedPage, list[Issue]]:
    """One page dump → its articles with date, districts and themes (no I/O)."""
    seg = segment_page(page_file.text, page_file.source, names)
    issues = list(seg.issues)
    date = page_date(page_file, seg, issues)
    paper = page_file.facts.get("paper") or seg.page.paper
    articles = []
    for article in seg.articles:
        article = replace(
            article,
            paper=paper,
            page=page_file.facts.get("page") or article.page,
            date=date.value if date else None,
            date_precision=date.precision if date else None,
            districts=gazetteer.locate(article.title, article.body, article.subtitle)
            or tuple(d for d in [paper_districts().get(paper)] if d),
            themes=themes.classify(article.title, article.body, article.subtitle),
        )
        if not article.date:
            issues.append(Issue("no-date", page_file.source, article.line, f"no date found: {article.title}"))
        if not article.districts:
            issues.append(Issue("no-district", page_file.source, article.line, f"no district found: {article.title}"))
        if article.themes == ("其他",):
            issues.append(Issue("no-theme", page_file.source, article.line, f"only 其他 as theme: {article.title}"))
        articles.append(article)
    return articles, seg, issues


def with_keywords_and_slugs(articles: list[Article]) -> list[Article]:
    """Keywords by TF-IDF over the archive itself; a stable path for each article."""
    tokens = [words.tokens(f"{a.title}\n{a.body}") for a in articles]
    idf = themes.build_idf(tokens)
    places = frozenset(gazetteer.gazetteer_words())  # names make poor keywords: they are districts already
    return [
        replace(a, keywords=themes.keywords(t, idf, exclude=places), slug="")
        for a, t in zip(articles, tokens)
    ]


def assign_slugs(articles: list[Article], report: Report) -> list[Article]:
    seen: dict[str, Article] = {}
    out = []
    for article in articles:
        slug = render.article_slug(article)
        if slug in seen:  # the same page exported twice: build it once
            first = seen[slug]
            report.issues.append(Issue("duplicate", article.source, article.line,
                                       f"same article as {first.source}:{first.line}; built once"))
            continue
        article = replace(article, slug=slug)
        seen[slug] = article
        out.append(article)
    return out


def extract(pages: list[PageFile], report: Report) -> list[Article]:
    started = time.perf_counter()
    words.setup(gazetteer.gazetteer_words())
    names = district_names()
    articles: list[Article] = []
    for page_file in pages:
        found, seg, issues = extract_page(page_file, names)
        lost = conservation(page_file.text, seg)
        report.pages += 1
        report.characters += sum(1 for ch in page_file.text if not ch.isspace())
        report.unaccounted += sum(lost.values())
        if lost:
            issues.append(Issue("unaccounted", page_file.source, 0, f"characters lost: {''.join(sorted(lost.elements()))}"))
        report.unassigned += [(page_file.source, line, text) for line, text in seg.unassigned]
        report.issues += issues
        articles += found
    report.time("extract", started)
    started = time.perf_counter()
    articles = assign_slugs(with_keywords_and_slugs(articles), report)
    report.articles = len(articles)
    report.time("keywords", started)
    return articles


def docs_files(articles: list[Article]) -> dict[str, str]:
    files = {f"{a.slug}.md": render.article_markdown(a) for a in articles}
    files.update(indexes.build_indexes(articles))
    return files
