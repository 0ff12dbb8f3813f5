"""The records that flow through the pipeline.

A page dump is read into a `Page` (its chrome as metadata) and a list of
`Article`s; later stages return new, enriched copies (`dataclasses.replace`),
never mutate. Everything here is plain data so that it can be cached, compared
and written as JSON.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """Something the curator should look at: printed in the build report."""

    kind: str  # e.g. "suspected-gap", "continued", "no-date", "bad-sources"
    source: str  # the corpus file (as given)
    line: int  # 1-based line in that file, 0 when not tied to a line
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: [{self.kind}] {self.message}"


@dataclass(frozen=True)
class Caption:
    text: str  # the caption as printed, photographer removed
    photographer: str | None = None
    raw: str = ""  # the line(s) as printed

    def display(self) -> str:
        if not self.photographer or self.photographer in self.text:
            return self.text
        return f"{self.text}（{self.photographer} 摄）"


@dataclass(frozen=True)
class ArticleLink:
    """Another article as one article's page shows it: related, previous, next."""

    slug: str
    title: str
    date: str | None = None
    date_precision: str | None = None


@dataclass(frozen=True)
class Page:
    """One page dump: where it came from and what its chrome says."""

    source: str  # the corpus file, relative path as given
    paper: str | None = None
    date: str | None = None  # YYYY-MM-DD | YYYY-MM | YYYY
    date_precision: str | None = None  # day | month | year
    issue_number: str | None = None
    page_label: str | None = None  # "1—4版", "今日8版" …
    editors: tuple[str, ...] = ()
    chrome: tuple[str, ...] = ()  # every chrome line, verbatim (conservation)
    date_evidence: str | None = None  # the printed line the date was read from
    date_source: str | None = None  # masthead (a printed page's masthead) | page (web-page furniture)
    repost_source: str | None = None  # the paper or site a repost names (来源:, 转自:)
    furniture: int = 0  # lines of web-page furniture taken out (site chrome, toolbars, footers)


@dataclass(frozen=True)
class Article:
    source: str  # corpus file
    line: int  # 1-based line of the article's first line (headline or body)
    ordinal: int  # position on the page, 1-based
    title: str
    subtitle: str | None = None
    body: str = ""  # Markdown: paragraphs separated by blank lines, "## " section heads
    authors: tuple[str, ...] = ()
    captions: tuple[Caption, ...] = ()
    bylines: tuple[str, ...] = ()  # byline text as printed (`本报讯（记者 刘威）`, `郑晨 陈菊梅`)
    headline_lines: tuple[int, ...] = ()  # source lines of the printed headline; () when the title is made up
    type: str = "新闻"  # 新闻 | 评论
    continued: bool = False  # cut off at the page end
    gaps: tuple[str, ...] = ()  # "…before|after…" snippets of suspected lost text
    # page-level facts copied onto the article
    paper: str | None = None
    page: str | None = None
    repost_source: str | None = None  # the paper or site a repost names (来源: 衢州日报, 转自: …)
    # metadata stages
    date: str | None = None
    date_precision: str | None = None
    date_source: str | None = None  # masthead | page | sources.yml | correction | text
    districts: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    slug: str = ""  # docs path without ".md", set by the pipeline
    # set by links.link_articles once every article has its slug
    related: tuple[ArticleLink, ...] = ()  # at most 5, most related first
    previous: ArticleLink | None = None  # the one just older (date order of the index pages)
    next: ArticleLink | None = None  # the one just newer
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Report:
    """What the build did, printed at its end: the curator's to-do list."""

    pages: int = 0
    articles: int = 0
    characters: int = 0
    unaccounted: int = 0
    issues: list[Issue] = field(default_factory=list)
    unassigned: list[tuple[str, int, str]] = field(default_factory=list)
    furniture: list[tuple[str, int]] = field(default_factory=list)  # (page, web-page furniture lines taken out)
    seconds: dict[str, float] = field(default_factory=dict)

    def time(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started

    def text(self, first: int | None = None) -> str:
        """The report; `first`: show at most that many lines of each warning kind (the screen),
        saying how many more there are, else every line (the report file)."""
        kinds = Counter(issue.kind for issue in self.issues)
        if self.unassigned:
            kinds["unassigned"] += len(self.unassigned)
        lines = [
            f"pages read: {self.pages}",
            f"articles written: {self.articles}",
            f"characters: {self.characters} read, {self.unaccounted} unaccounted"
            f" ({len(self.unassigned)} unassigned lines kept in this report)",
            "warnings: " + (", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())) or "none"),
        ]
        if first is None:
            lines += [f"  {line}" for _, line in self.warning_lines()]
        else:  # the screen: each kind's first lines, grouped by kind
            by_kind: dict[str, list[str]] = {}
            for kind, line in self.warning_lines():
                by_kind.setdefault(kind, []).append(line)
            for kind, found in sorted(by_kind.items()):
                lines += [f"  {line}" for line in found[:first]]
                if len(found) > first:
                    lines.append(f"  … {len(found) - first} more [{kind}]")
        if self.furniture:  # counts, not warnings: what a curator may want to check was dropped
            lines.append(f"web-page furniture: {sum(n for _, n in self.furniture)} lines taken out of"
                         f" {len(self.furniture)} pages (site chrome, toolbars, footers: kept as page metadata)")
            counted = [f"  {source}: [furniture] {n} lines" for source, n in sorted(self.furniture)]
            lines += counted if first is None else counted[:first]
            if first is not None and len(counted) > first:
                lines.append(f"  … {len(counted) - first} more pages [furniture]")
        lines.append("seconds: " + ", ".join(f"{stage} {secs:.2f}" for stage, secs in self.seconds.items()))
        return "\n".join(lines)

    def warning_lines(self) -> list[tuple[str, str]]:
        """(kind, line) for every warning, issues by file and line, then the unassigned lines."""
        out = [(issue.kind, str(issue)) for issue in sorted(self.issues, key=lambda i: (i.source, i.line, i.kind))]
        out += [("unassigned", f"{source}:{line}: [unassigned] {text}") for source, line, text in self.unassigned]
        return out

    def as_json(self) -> dict:
        """The whole report as data (build-report.json)."""
        return {
            "pages": self.pages, "articles": self.articles,
            "characters": self.characters, "unaccounted": self.unaccounted,
            "warnings": dict(sorted(Counter(i.kind for i in self.issues).items())),
            "issues": [{"kind": i.kind, "source": i.source, "line": i.line, "message": i.message}
                       for i in sorted(self.issues, key=lambda i: (i.source, i.line, i.kind))],
            "unassigned": [{"source": s, "line": n, "text": t} for s, n, t in self.unassigned],
            "furniture": [{"source": s, "lines": n} for s, n in sorted(self.furniture)],
            "seconds": {stage: round(secs, 3) for stage, secs in self.seconds.items()},
        }
