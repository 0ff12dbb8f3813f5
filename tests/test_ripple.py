"""Issue 8: adding a newer day changes no older article's keywords (build_archive/extract/horizon.py).

Keywords use an IDF over the articles dated up to each article's horizon
(max(own date, the BASE_ARTICLES-th oldest article's date)), so a new day
leaves the IDF of every older article, and so its keywords, as they were.
(Related lists: tests/test_links.py.)
"""
from __future__ import annotations

import random

import pytest

from build_archive.extract import horizon, themes
from build_archive import pipeline
from build_archive.models import Article
from build_archive.extract import gazetteer
from build_archive.extract import keywords


def zipf_words(n: int, seed: int) -> tuple[list[str], list[float]]:
    vocabulary = [f"词{i}" for i in range(n)]
    cumulative, total = [], 0.0
    for rank in range(n):
        total += 1 / (rank + 1)
        cumulative.append(total)
    return vocabulary, cumulative


def archive(days: int, per_day: int, seed: int = 1, first_day: int = 0):
    """(articles, terms): `per_day` articles on each of `days` days from 2020-01-01 + first_day,
    each 60 tokens drawn from one Zipf vocabulary, plus a few undated articles."""
    rng = random.Random(seed)
    vocabulary, cumulative = zipf_words(3000, seed)
    articles, terms = [], []
    for day in range(first_day, first_day + days):
        date = f"{2020 + day // 336}-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}"
        for n in range(per_day):
            articles.append(Article(source=f"{date}-{n // 8}.txt", line=n % 8 * 10 + 1, ordinal=n % 8 + 1,
                                    title=f"{date}#{n}", date=date, date_precision="day"))
            terms.append(keywords.Terms.of(rng.choices(vocabulary, cum_weights=cumulative, k=60)))
    return articles, terms


def undated(count: int, seed: int = 9):
    rng = random.Random(seed)
    vocabulary, cumulative = zipf_words(3000, seed)
    articles = [Article(source=f"undated-{n}.txt", line=1, ordinal=1, title=f"undated#{n}") for n in range(count)]
    return articles, [keywords.Terms.of(rng.choices(vocabulary, cum_weights=cumulative, k=60)) for _ in articles]


@pytest.fixture(scope="module")
def old_and_new():
    old_articles, old_terms = archive(days=60, per_day=20)  # 1,200 articles
    loose, loose_terms = undated(3)
    day_articles, day_terms = archive(days=1, per_day=30, seed=2, first_day=60)  # one newer day
    old = keywords.with_keywords_and_slugs(old_articles + loose, old_terms + loose_terms)
    new = keywords.with_keywords_and_slugs(old_articles + loose + day_articles,
                                           old_terms + loose_terms + day_terms)
    return old, new, old_terms + loose_terms + day_terms


def test_the_rule_needs_more_than_the_base(old_and_new):
    old, _, _ = old_and_new
    assert sum(1 for a in old if a.date) > horizon.BASE_ARTICLES


def test_a_newer_day_leaves_older_keywords_alone(old_and_new):
    old, new, _ = old_and_new
    assert all(a.keywords for a in new)
    for before, after in zip(old, new):
        if before.date:
            assert after.keywords == before.keywords, before.title


def test_the_whole_archive_idf_would_have_changed_them(old_and_new):
    """The old rule (one IDF over everything) fails the test above on this archive."""
    old, new, terms = old_and_new
    whole_old = themes.build_idf([t.words.split("\n") for t in terms[:len(old)]])
    whole_new = themes.build_idf([t.words.split("\n") for t in terms])
    changed = sum(themes.keywords(t.tokens(), whole_old) != themes.keywords(t.tokens(), whole_new)
                  for t in terms[:len(old)])
    assert changed > 10


def test_each_article_uses_the_archive_up_to_its_horizon(old_and_new):
    _, new, terms = old_and_new
    base = horizon.base_date(a.date for a in new)
    assert base is not None
    newest = max(a.date for a in new if a.date)
    for pick in [0, 500, 999, 1000, 1150, len(new) - 5, len(new) - 31]:
        article = new[pick]
        seen = horizon.horizon(article.date, base)
        documents = [t.words.split("\n") for a, t in zip(new, terms)
                     if seen is None or not a.date or a.date <= seen]
        if article.date:
            assert seen == max(article.date, base)
        else:
            assert len(documents) == len(new)  # undated: the whole archive
        idf = themes.build_idf(documents)
        assert article.keywords == themes.keywords(terms[pick].tokens(), idf,
                                                   exclude=gazetteer.gazetteer_words()), pick
    assert horizon.horizon(newest, base) == newest


def test_a_small_archive_has_one_idf():
    articles, terms = archive(days=10, per_day=5)
    loose, loose_terms = undated(2)
    got = keywords.with_keywords_and_slugs(articles + loose, terms + loose_terms)
    idf = themes.build_idf([t.words.split("\n") for t in terms + loose_terms])
    places = gazetteer.gazetteer_words()
    assert [a.keywords for a in got] == [themes.keywords(t.tokens(), idf, exclude=places)
                                         for t in terms + loose_terms]


def test_growing_idf_equals_build_idf():
    documents = [["衢州", "发展", "审批"], ["衢州", "外贸"], ["衢州", "发展", "招商"], ["旅游"]]
    growing = themes.GrowingIdf()
    for n, document in enumerate(documents, 1):
        growing.add(document)
        built = themes.build_idf(documents[:n])
        assert dict(growing) == dict(built) and growing.unseen == built.unseen


def test_base_date_and_horizon():
    dates = ["2020-01-03", None, "2020-01-01", "2020-01-02", "2020-01"]
    assert horizon.base_date(dates, base=2) == "2020-01-01"
    assert horizon.base_date(dates, base=10) == "2020-01-03"  # fewer: the newest date
    assert horizon.base_date([None]) is None
    assert horizon.horizon("2019-05-01", "2020-01-01") == "2020-01-01"
    assert horizon.horizon("2021-05-01", "2020-01-01") == "2021-05-01"
    assert horizon.horizon(None, "2020-01-01") is None


def test_the_keyword_memo_gives_the_same_keywords_and_spares_the_old_days(old_and_new, monkeypatch):
    """A +1-day build reads the keywords of every older article from the memo the previous build
    left (cache.PageCache.memo): it chooses keywords for the new day and the undated only."""
    old_articles, old_terms = archive(days=60, per_day=20)
    loose, loose_terms = undated(3)
    day_articles, day_terms = archive(days=1, per_day=30, seed=2, first_day=60)
    memo: dict = {}
    keywords.with_keywords_and_slugs(old_articles + loose, old_terms + loose_terms, memo)
    assert len(memo) == len(old_articles) + len(loose)
    chosen = []
    real = themes.keywords
    monkeypatch.setattr(themes, "keywords", lambda tokens, idf, **kw: chosen.append(1) or real(tokens, idf, **kw))
    again = keywords.with_keywords_and_slugs(old_articles + loose + day_articles,
                                             old_terms + loose_terms + day_terms, memo)
    _, new, _ = old_and_new
    assert [a.keywords for a in again] == [a.keywords for a in new]
    assert len(chosen) == len(day_articles) + len(loose)  # the undated see the whole archive: chosen again
    assert len(memo) == len(again), "the memo keeps this archive's entries only"


def test_an_older_day_added_invalidates_the_memo_after_it(monkeypatch):
    """Backfilling a day changes the IDF of every later article: their memo entries no longer apply."""
    articles, terms = archive(days=60, per_day=20)
    memo: dict = {}
    keywords.with_keywords_and_slugs(articles, terms, memo)
    extra, extra_terms = archive(days=1, per_day=5, seed=3, first_day=59)  # the last day, again
    chosen = []
    real = themes.keywords
    monkeypatch.setattr(themes, "keywords", lambda tokens, idf, **kw: chosen.append(1) or real(tokens, idf, **kw))
    fresh = keywords.with_keywords_and_slugs(articles + extra, terms + extra_terms, memo)
    assert len(chosen) == 20 + 5  # that day's articles, old and new
    assert [a.keywords for a in fresh] == [a.keywords for a in keywords.with_keywords_and_slugs(articles + extra, terms + extra_terms)]
