"""Related articles and previous/next (build_archive/site/links.py), as pure functions."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest
import yaml

from build_archive import addresses
from build_archive.site import indexes, links, render
from build_archive.models import Article, ArticleLink

DISTRICTS = list(addresses.DISTRICT_SLUGS)
THEMES = [f"主题{i}" for i in range(20)] + ["其他"]


def article(i: int, date: str | None = "2022-07-19", keywords=(), themes=(), districts=(), **fields) -> Article:
    precision = None if date is None else {10: "day", 7: "month", 4: "year"}[len(date)]
    return Article(source=f"page{i // 8:05d}.txt", line=i % 8 * 10 + 1, ordinal=i % 8 + 1, title=f"标题{i}",
                   body=f"正文{i}", date=date, date_precision=precision, keywords=tuple(keywords),
                   themes=tuple(themes), districts=tuple(districts), slug=f"articles/x/{i:06d}", **fields)


def synthetic(n: int, seed: int = 1) -> list[Article]:
    """n articles: Zipf-distributed keywords (some very common), 1–3 themes, one district, 2 % undated."""
    rng = random.Random(seed)
    vocabulary = [f"词{i}" for i in range(max(50, n))]
    cumulative, total = [], 0.0
    for rank in range(len(vocabulary)):
        total += 1 / (rank + 1)
        cumulative.append(total)
    out = []
    for i in range(n):
        date = None if rng.random() < 0.02 else \
            f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}" + (f"-{rng.randint(1, 28):02d}" if rng.random() < .9 else "")
        out.append(article(i, date, keywords=dict.fromkeys(rng.choices(vocabulary, cum_weights=cumulative, k=8)),
                           themes=rng.sample(THEMES, rng.randint(1, 3)), districts=[rng.choice(DISTRICTS)]))
    return out


def by_slug(articles: list[Article]) -> dict[str, Article]:
    return {a.slug: a for a in articles}


def shares_something(a: Article, b: Article) -> bool:
    themes = (set(a.themes) & set(b.themes)) - {"其他"}
    return bool(set(a.keywords) & set(b.keywords) or themes or set(a.districts) & set(b.districts))


@pytest.fixture(scope="module")
def linked() -> list[Article]:
    return links.link_articles(synthetic(3000))


def test_keeps_the_articles_and_their_order(linked):
    original = synthetic(3000)
    assert [a.slug for a in linked] == [a.slug for a in original]
    assert [replace(a, related=(), previous=None, next=None) for a in linked] == original


def test_related_are_at_most_five_others_that_share_something(linked):
    found = by_slug(linked)
    assert any(len(a.related) == links.LIMIT for a in linked)
    for a in linked:
        slugs = [r.slug for r in a.related]
        assert len(slugs) <= links.LIMIT
        assert a.slug not in slugs
        assert len(set(slugs)) == len(slugs)
        for link in a.related:
            other = found[link.slug]
            assert shares_something(a, other), (a.slug, other.slug)
            assert link == ArticleLink(other.slug, other.title, other.date, other.date_precision)


def test_related_prefers_shared_keywords_then_themes_then_district():
    articles = [
        article(0, keywords=["垃圾分类", "社区"], themes=["主题1"], districts=["柯城区"]),
        article(1, keywords=["垃圾分类", "社区"], themes=["主题9"], districts=["江山市"]),  # 2 keywords
        article(2, keywords=["垃圾分类"], themes=["主题9"], districts=["江山市"]),  # 1 keyword
        article(3, keywords=["垃圾分类"], themes=["主题1"], districts=["江山市"]),  # 1 keyword + theme
        article(4, keywords=["无关"], themes=["主题1"], districts=["柯城区"]),  # theme + district
        article(5, keywords=["无关"], themes=["主题1"], districts=["江山市"]),  # theme only
        article(6, keywords=["无关"], themes=["主题8"], districts=["柯城区"]),  # district only
        article(7, keywords=["无关"], themes=["其他"], districts=["龙游县"]),  # nothing (其他 is no theme)
    ]
    first = links.link_articles(articles)[0]
    assert [r.title for r in first.related] == ["标题1", "标题3", "标题2", "标题4", "标题5"]
    # with fewer candidates the district-only one comes in; the one sharing nothing never does
    fewer = links.link_articles([articles[0], articles[6], articles[7]])[0]
    assert [r.title for r in fewer.related] == ["标题6"]


def test_an_article_sharing_nothing_has_no_related():
    lonely = links.link_articles([article(0, keywords=["甲"], themes=["主题1"], districts=["柯城区"]),
                                  article(1, keywords=["乙"], themes=["主题2"], districts=["江山市"])])
    assert [a.related for a in lonely] == [(), ()]


def test_linking_is_deterministic_whatever_the_input_order(linked):
    shuffled = synthetic(3000)
    random.Random(7).shuffle(shuffled)
    again = by_slug(links.link_articles(shuffled))
    for a in linked:
        b = again[a.slug]
        assert (a.related, a.previous, a.next) == (b.related, b.previous, b.next)


def test_previous_and_next_form_one_chain_in_index_order(linked):
    found = by_slug(linked)
    for a in linked:
        if a.next:
            assert found[a.next.slug].previous.slug == a.slug
        if a.previous:
            assert found[a.previous.slug].next.slug == a.slug
    # walking `previous` from the newest dated article visits every dated article, newest first,
    # exactly as the index pages list them
    newest = indexes.newest_first(linked)
    dated = [a for a in newest if a.date]
    walk, current = [], found[dated[0].slug]
    assert current.next is None
    while current:
        walk.append(current.slug)
        current = found[current.previous.slug] if current.previous else None
    assert walk == [a.slug for a in dated]


def test_undated_articles_are_chained_among_themselves(linked):
    found = by_slug(linked)
    undated = [a for a in indexes.newest_first(linked) if not a.date]
    assert len(undated) > 2
    for a in linked:
        for other in (a.previous, a.next):
            if other:
                assert bool(found[other.slug].date) == bool(a.date)
    assert [a.slug for a in undated[1:]] == [found[a.slug].previous.slug for a in undated[:-1]]
    assert found[undated[0].slug].next is None and found[undated[-1].slug].previous is None


def test_a_single_article_links_to_nothing():
    (alone,) = links.link_articles([article(0, keywords=["甲"], themes=["主题1"], districts=["柯城区"])])
    assert (alone.related, alone.previous, alone.next) == ((), None, None)


def test_a_very_common_keyword_brings_the_articles_nearest_in_time():
    # 200 articles share one keyword: only those near in date order are candidates, nearest first
    articles = [article(i, f"2020-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}", keywords=["发展"],
                        themes=[f"主题{i}"], districts=[]) for i in range(200)]
    linked = {a.slug: a for a in links.link_articles(articles)}
    middle = indexes.chronological(articles)[100]
    near = [a.slug for a in indexes.chronological(articles)[98:103] if a.slug != middle.slug]
    assert sorted(r.slug for r in linked[middle.slug].related[:4]) == sorted(near)


def test_twenty_thousand_articles_are_linked():
    """Scale: no pairwise loop (the cost per article does not grow with n). No timing asserted."""
    linked = links.link_articles(synthetic(20000, seed=3))
    assert len(linked) == 20000
    assert sum(len(a.related) == links.LIMIT for a in linked) > 19000
    assert sum(a.previous is None for a in linked) == 2  # the oldest dated and the oldest undated


def test_the_page_front_matter_carries_the_links(linked):
    a = next(a for a in linked if a.related and a.previous and a.next)
    meta = yaml.safe_load(render.article_markdown(a).split("---\n")[1])
    assert meta["previous"] == {"title": a.previous.title, "path": a.previous.slug + ".html",
                                "date_display": render.dates.display(a.previous.date, a.previous.date_precision)}
    assert meta["next"]["path"] == a.next.slug + ".html"
    assert [r["path"] for r in meta["related"]] == [r.slug + ".html" for r in a.related]
    assert meta == render.front_matter(a)
    unlinked = render.front_matter(replace(a, related=(), previous=None, next=None))
    assert (unlinked["related"], unlinked["previous"], unlinked["next"]) == ([], None, None)


def test_a_newer_day_leaves_older_related_lists_alone():
    """Issue 8: candidates are the articles dated up to each article's horizon
    (build_archive/extract/horizon.py), so 30 articles of a new day change no older
    article's related list, only the `next` of the previously newest one.
    (The old rule, every article a candidate of every other, changes hundreds.)"""
    old = synthetic(1500, seed=5)
    assert sum(1 for a in old if a.date) > links.horizon.BASE_ARTICLES
    rng = random.Random(6)
    vocabulary = sorted({k for a in old for k in a.keywords})
    day = [article(100000 + i, "2025-01-01", keywords=dict.fromkeys(rng.sample(vocabulary[:200], 8)),
                   themes=rng.sample(THEMES, 2), districts=[rng.choice(DISTRICTS)]) for i in range(30)]
    before = by_slug(links.link_articles(old))
    after = by_slug(links.link_articles(old + day))
    newest = indexes.newest_first(old)[0].slug
    for slug, a in before.items():
        b = after[slug]
        if a.date:
            assert b.related == a.related, slug
            assert b.previous == a.previous and (b.next == a.next or slug == newest), slug
    assert all(len(after[a.slug].related) == links.LIMIT for a in day)
    # beyond the base, an article links only to older ones (or same day, or undated)
    base = links.horizon.base_date(a.date for a in old + day)
    for a in after.values():
        if a.date and a.date > base:
            assert all((r.date or "") <= a.date for r in a.related), a.slug
