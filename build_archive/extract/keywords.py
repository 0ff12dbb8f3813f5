"""Keywords by TF-IDF over the archive itself, each article's IDF up to its horizon (pure)."""
from __future__ import annotations

import hashlib
from array import array
from collections import Counter, abc
from dataclasses import dataclass, replace
from typing import MutableMapping

from build_archive.extract import gazetteer, horizon, themes, words
from build_archive.models import Article


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
    IDF is over the articles dated up to its horizon (build_archive/extract/horizon.py:
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
