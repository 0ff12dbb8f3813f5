"""Search in parts: the partition rule, what makes a part be indexed again, and a
real build of the sample corpus cut into four parts, searched in Chromium."""
from __future__ import annotations

import concurrent.futures
import gzip
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_archive.search import facets, parts, indexing, bigrams, offline, stable_bundle
from build_archive.site import builder
from conftest import serving
from test_site import articles  # the same reading of built articles

PROJECT = Path(__file__).resolve().parent.parent
SMALL, SEALED = 5, 10  # part sizes for the real build: the 22 sample articles become 4 parts
GROUPED = 1  # pages per group in the real build: its parts of 1, 7, 8 and 6 pages get letters a to h


def article(date: str, n: int = 0) -> str:
    year = date[:4] if date != "undated" else "undated"
    return f"articles/{year}/{date}-kecheng-{n:08x}.html"


def days(start: int, count: int, per_day: int, year: int = 2022) -> list[str]:
    """`per_day` articles on each of `count` days from day-of-year `start` (months of 30 days, for the test)."""
    out = []
    for d in range(start, start + count):
        month, day = divmod(d, 30)
        out += [article(f"{year}-{month + 1:02d}-{day + 1:02d}", d * 1000 + i) for i in range(per_day)]
    return out


# --- the partition rule --------------------------------------------------------------------


def test_two_tiers_sealed_parts_and_the_open_part():
    paths = days(0, 150, 10)  # five months of 300
    paths += [article("2022", 1), article("undated", 2)]
    got = parts.partition(paths, size=700, sealed=1500)
    # blocks: [undated, 2022, Jan, Feb] [Mar, Apr] [May] (open); the full blocks sealed together
    assert [p.id for p in got] == ["undated", "2022-05"]
    assert [len(p.pages) for p in got] == [1202, 300]
    assert sorted(p for part in got for p in part.pages) == sorted(paths)
    got = parts.partition(paths, size=700, sealed=1000)
    assert [(p.id, len(p.pages)) for p in got] == [("undated", 602), ("2022-03", 600), ("2022-05", 300)]


def test_a_month_too_big_is_cut_into_days_never_a_day():
    paths = days(0, 30, 10) + [article("2022-01", 999)]  # January: 300 dated to the day, 1 to the month
    got = parts.partition(paths, size=95, sealed=95)
    assert [p.id for p in got] == ["2022-01", "2022-01-10", "2022-01-19", "2022-01-28"]
    assert [len(p.pages) for p in got] == [91, 90, 90, 30]
    one_day = days(0, 1, 50)
    assert [len(p.pages) for p in parts.partition(one_day, size=10)] == [50]


def test_the_sample_archive_is_one_part_by_default():
    sample = [article("2022-07-19", i) for i in range(6)] + [article("2022-08", i) for i in range(7)]
    assert [len(p.pages) for p in parts.partition(sample)] == [13]


def sort_key(path: str) -> str:
    """The value of the page's data-pagefind-sort="date" (overrides/partials/article.html)."""
    date = parts.date_of(path)
    return "0000" if date == parts.UNDATED else date


archives = st.lists(
    st.tuples(st.sampled_from([2020, 2021, 2022]), st.integers(1, 12), st.integers(0, 28), st.integers(0, 3)),
    max_size=300,
).map(lambda rows: [article(f"{y}-{m:02d}" + (f"-{d:02d}" if d else ""), i)
                    if k else article("undated", i) for i, (y, m, d, k) in enumerate(rows)])


@settings(max_examples=150, deadline=None)
@given(archives, st.integers(1, 40), st.integers(1, 4), st.randoms())
def test_partition_is_deterministic_bounded_and_ordered(paths, size, ratio, rng):
    got = parts.partition(paths, size, size * ratio)
    shuffled = list(paths)
    rng.shuffle(shuffled)
    assert parts.partition(shuffled, size, size * ratio) == got
    assert sorted(p for part in got for p in part.pages) == sorted(set(paths))
    if got:  # the open part: one block; a sealed part: whole blocks
        assert len(got[-1].pages) <= size or len({parts.date_of(p) for p in got[-1].pages}) == 1
    for part in got[:-1]:
        assert len(part.pages) <= size * ratio or len({parts.date_of(p) for p in part.pages}) == 1
    # consecutive ranges of the sort key: a newest-first list is the parts' lists, newest part first
    for older, newer in zip(got, got[1:]):
        assert max(map(sort_key, older.pages)) < min(map(sort_key, newer.pages))


@settings(max_examples=150, deadline=None)
@given(archives, st.integers(1, 40), st.integers(1, 4), st.integers(1, 40))
def test_adding_the_newest_day_changes_only_the_open_part(paths, size, ratio, per_day):
    dated = [p for p in paths if parts.date_of(p) != parts.UNDATED]
    newest = max((parts.date_of(p) for p in dated), default="2022-12-28")
    day = newest[:7] + "-28" if len(newest) >= 7 else newest + "-12-28"  # same month (or year), after the rest
    before = parts.partition(paths, size, size * ratio)
    after = parts.partition(paths + [article(day, 10**6 + i) for i in range(per_day)], size, size * ratio)
    if len(after) == len(before) and (not before or after[-1].id == before[-1].id):
        assert after[:-1] == before[:-1]  # the day fit in the open part: nothing else changed
    else:  # the open block filled up: it joined the newest sealed part (or opened one), a new block opened
        assert after[:max(0, len(before) - 2)] == before[:-2]
        assert len(after) - len(before) in (0, 1)


def test_not_an_article_path():
    assert not parts.is_article("districts/衢江区.html")
    assert parts.is_article("articles/2022/2022-07-19-qujiang-3f3caa64.html")
    with pytest.raises(ValueError, match="not an article page"):
        parts.date_of("articles/2022/notes.html")
    with pytest.raises(ValueError):
        parts.partition([], size=0)


# --- what makes a part be indexed again ---------------------------------------------------------

PAGE = """<!doctype html><html lang="zh"><head><title>T</title></head><body>
<nav><a href="x.html">上一篇</a></nav>
<article><span hidden data-pagefind-sort="date">2022-07-19</span>
<h1 data-pagefind-meta="title">标题</h1>
<a class="chip" href="d.html" data-pagefind-filter="区县">衢江区</a>
<div class="qz-body" data-pagefind-body><p>正文<b>一</b></p><div class="qz-grams" hidden>qzgrams abcdabcd</div><p>尾</p></div>
<aside>相关文章：<a href="r.html">某文</a></aside>
<div class="qz-more" data-pagefind-ignore><a rel="next" href="n.html">下一篇：某某</a></div></article></body></html>"""


@pytest.mark.parametrize("old, new, changes", [
    ("相关文章：<a href=\"r.html\">某文", "相关文章：<a href=\"s.html\">另一篇", False),  # related list: not indexed
    ("上一篇", "下一篇", False),
    ("下一篇：某某", "下一篇：另一篇", False),  # data-pagefind-ignore outside the body: Pagefind skips it
    ("<title>T</title>", "<title>U</title>", False),
    ("正文<b>一</b>", "正文<b>二</b>", True),
    ("<p>尾</p>", "<p>尾。</p>", True),  # after the nested div: the body is matched to its own end tag
    ("abcdabcd", "abcdabce", True),
    ("标题</h1>", "新标题</h1>", True),
    (">衢江区<", ">柯城区<", True),
    ("2022-07-19", "2022-07-20", True),
    ('lang="zh"', 'lang="en"', True),
])
def test_only_what_pagefind_reads_changes_a_page_digest(old, new, changes):
    assert old in PAGE
    assert (parts.page_digest(PAGE) != parts.page_digest(PAGE.replace(old, new))) == changes


def test_a_page_without_pagefind_body_is_taken_whole():
    page = "<html lang='zh'><body><p>x</p></body></html>"
    assert parts.indexed_text(page) == page


def test_part_key_depends_on_pages_and_pagefind_version():
    digests = {"articles/2022/a.html": "1", "articles/2022/b.html": "2"}
    key = parts.part_key(digests, "1.5.2")
    assert key == parts.part_key(dict(reversed(list(digests.items()))), "1.5.2")
    assert key != parts.part_key({**digests, "articles/2022/b.html": "3"}, "1.5.2")
    assert key != parts.part_key(digests, "1.5.3")


def test_manifest_round_trip_and_rejects():
    plan = parts.partition(days(0, 40, 3), size=50)
    data = parts.manifest(plan, {p.id: p.id * 2 for p in plan}, "1.5.2")
    assert [p["id"] for p in data["parts"]] == [p.id for p in reversed(plan)]
    assert data["parts"][0]["path"] == "" and data["parts"][1]["path"] == f"parts/{plan[-2].id}/"
    assert parts.read_manifest(parts.manifest_bytes(data)) == data
    with pytest.raises(ValueError):
        parts.read_manifest(b'{"format": 0, "parts": []}')
    with pytest.raises(ValueError):
        parts.read_manifest(json.dumps({"format": parts.FORMAT, "parts": [{"id": 1}]}).encode())


# --- a real build in four parts -------------------------------------------------------------------


# --- groups within a part ------------------------------------------------------------------


def test_groups_cut_a_part_in_date_order_into_lettered_slices():
    sorts = {article(f"2022-07-{d:02d}", i): f"2022-07-{d:02d}" for d in range(1, 11) for i in range(3)}
    sorts[article("2022-07", 99)] = "2022-07"  # dated by month only: older than every day of July
    found = parts.groups(sorts, size=8)
    assert [g.suffix for g in found] == ["a", "b", "c", "d"]
    assert [len(g.pages) for g in found] == [7, 8, 8, 8]  # about equal, none above 8
    assert found[0].pages[0] == article("2022-07", 99) and found[0].first == "2022-07"
    assert found[-1].last == "2022-07-10"
    ordered = [p for g in found for p in g.pages]
    assert sorted(ordered) == sorted(sorts) and [sorts[p] for p in ordered] == sorted(sorts.values())
    assert all(a.last <= b.first for a, b in zip(found, found[1:]))  # consecutive date ranges
    # never more than 26 letters: a larger part gets larger groups
    many = {article("2022-08-01", i): "2022-08-01" for i in range(100)}
    assert len(parts.groups(many, size=1)) == 26
    assert parts.groups({article("2022-08-01"): "2022-08-01"})[0].suffix == "a"


def test_a_page_is_indexed_with_its_groups_letter_on_every_bigram_token():
    page = ('<html lang="zh"><p>营商环境 aabbccdd</p><div class="qz-grams" hidden>qzgrams aabobmlr aabpaser</div>'
            '<div class="qz-grams" hidden>qzgrams aaaaaaaa</div></html>')
    out = bigrams.suffixed(page, "c")
    assert out == page.replace("aabobmlr aabpaser", "aabobmlrc aabpaserc")  # the first block only
    assert bigrams.suffixed("<p>no block</p>", "c") == "<p>no block</p>"
    # tokens at any white space, the marker and other words left alone
    block = '<div class="qz-grams" hidden>qzgrams aabobmlr\n  aabpaser abc aabpaserx</div>'
    assert bigrams.suffixed(block, "c") == block.replace("mlr\n  aabpaser ", "mlrc\n  aabpaserc ")


def test_searched_text_is_each_run_of_text_of_the_marked_elements():
    page = ('<html lang="zh"><nav>菜单栏</nav><h1 data-pagefind-meta="title" data-qz-searched>标题 &amp; 副</h1>'
            '<span data-qz-searched><a href="a">张三</a><a href="b">李四</a></span><p>未标的段落</p>'
            '<div data-qz-searched><p>第一段<br />续行</p><h2 id="x">小标题</h2>'
            '<p data-qz-searched>内层&lt;段&gt;</p></div>'
            '<figure><figcaption data-qz-searched>图片 说明</figcaption></figure>'
            '<div class="qz-grams" hidden></div></html>')
    assert parts.searched_text(page).split("\n") == [
        "标题 & 副", "张三", "李四", "第一段", "续行", "小标题", "内层<段>", "图片 说明"]  # the inner one once
    indexed = parts.indexed_page(page)
    tokens = bigrams.bigram_tokens(parts.searched_text(page))
    assert bigrams.grams_block(parts.searched_text(page)) in indexed
    assert bigrams.encode_char("张") + bigrams.encode_char("三") in tokens
    assert bigrams.encode_char("三") + bigrams.encode_char("李") not in tokens  # two names, two lines
    assert "未标" not in parts.searched_text(page) and "菜单" not in parts.searched_text(page)
    # the attribute's name in the text (an article may quote it) marks nothing
    quoted = '<html><p>引文 data-qz-searched 在此</p><h1 data-qz-searched>标题</h1></html>'
    assert parts.searched_text(quoted) == "标题"
    # a page without the empty block is left as it is; its digest follows its searched text
    assert parts.indexed_page("<p data-qz-searched>字</p>") == "<p data-qz-searched>字</p>"
    assert parts.page_digest(page) != parts.page_digest(page.replace("图片 说明", "图片 说话"))


def test_what_pagefind_reads_is_found_in_tags_with_several_of_its_attributes():
    page = ('<html lang="zh"><head><meta data-pagefind-meta="title" content="x"></head><body><nav>menu</nav>'
            '<span hidden data-pagefind-filter="年份">2015</span><a data-pagefind-ignore href="y">next</a>'
            '<div class="b" data-pagefind-body><div data-pagefind-ignore="index" data-pagefind-meta="text">'
            '<p>正文</p></div><div class="qz-grams" hidden>qzgrams aabobmlr</div></div><p>after</p></body></html>')
    assert parts.indexed_text(page).split("\n") == [
        '<html lang="zh">', '<meta data-pagefind-meta="title" content="x">',
        '<span hidden data-pagefind-filter="年份">2015</span>',
        page[page.index('<div class="b"'):page.index("<p>after")],
        '<div data-pagefind-ignore="index" data-pagefind-meta="text"><p>正文</p></div>']


def test_parts_are_indexed_together_only_while_their_pages_fit_the_budget():
    """Pagefind's memory grows with the pages it indexes: two parts run at once only if they fit."""
    budget = indexing.PageBudget(10)
    started, release = {}, threading.Event()

    def task(name):
        def run():
            started[name] = threading.Event()
            started[name].set()
            release.wait(10)
            return name
        return run

    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        big = pool.submit(budget.run, 6, task("big"))
        while "big" not in started:
            time.sleep(0.01)
        small = pool.submit(budget.run, 4, task("small"))  # 6 + 4 fit: runs at once
        other = pool.submit(budget.run, 6, task("other"))  # 6 + 4 + 6 do not: waits
        while "small" not in started:
            time.sleep(0.01)
        time.sleep(0.2)
        assert "other" not in started
        release.set()
        assert {big.result(), small.result(), other.result()} == {"big", "small", "other"}
    assert budget.used == 0
    assert indexing.PageBudget(5).run(50, lambda: "alone") == "alone"  # larger than the budget: alone


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Spy:
    """builder.pagefind, recording which part each run indexed (its temporary folder is named after it)."""

    def __init__(self):
        self.runs: list[str] = []
        self.real = builder.pagefind

    def __call__(self, folder: Path) -> str:
        self.runs.append(folder.name)
        return self.real(folder)


def build(corpus_dir: Path, root: Path, spy: Spy) -> None:
    from build_archive import cli

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parts, "PART_SIZE", SMALL)
        mp.setattr(parts, "SEALED_SIZE", SEALED)
        mp.setattr(parts, "GROUP_SIZE", GROUPED)
        mp.setattr(builder, "pagefind", spy)
        assert cli.build(corpus_dir, root / "site", root / "docs") == 0


@pytest.fixture(scope="module")
def parted(tmp_path_factory):
    root = tmp_path_factory.mktemp("parted")
    shutil.copytree(PROJECT / "corpus", root / "corpus")
    spy = Spy()
    build(root / "corpus", root, spy)
    return root, spy.runs


def manifest(site_dir: Path) -> dict:
    return json.loads((site_dir / "pagefind" / "parts.json").read_text("utf-8"))


def test_the_sample_build_has_four_parts(parted):
    root, runs = parted
    data = manifest(root / "site")
    assert [p["id"] for p in data["parts"]] == ["2024-02", "2023-04", "2022-08", "2022-07-19"]
    assert [p["pages"] for p in data["parts"]] == [1, 7, 8, 6]
    assert sorted(runs) == sorted(p["id"] for p in data["parts"])  # a first build indexes every part
    bundle = root / "site" / "pagefind"
    for part in data["parts"]:
        folder = bundle / part["path"]
        entry = json.loads((folder / "pagefind-entry.json").read_text("utf-8"))
        assert entry["languages"]["zh"]["page_count"] == part["pages"]
        assert len(list(folder.glob("fragment/*.pf_fragment"))) == part["pages"]
        assert len(list(folder.glob("offline/fragment/*.js"))) == part["pages"]
    # Pagefind's runtime once, in the bundle folder (the newest part); the older parts hold data only
    assert (bundle / "pagefind.js").is_file() and (bundle / "offline" / "pagefind.js").is_file()
    assert not list((bundle / "parts").glob("*/pagefind.js")) and not list((bundle / "parts").glob("*/wasm.*"))
    assert not (root / "site" / indexing.WORK).exists()


def fragment_of(folder: Path, page_hash: str) -> dict:
    raw = gzip.decompress((folder / "fragment" / f"{page_hash}.pf_fragment").read_bytes())
    return json.loads(raw[len(stable_bundle.MAGIC):].decode("utf-8"))


def test_each_part_is_indexed_in_lettered_groups(parted):
    """Each page's bigram tokens are in its part's index with the letter of the page's group
    (and not without it), and the manifest lists the groups, newest first, with their dates."""
    root, _ = parted
    site_dir, bundle = root / "site", root / "site" / "pagefind"
    for part in manifest(site_dir)["parts"]:
        groups = part["groups"]
        assert [g["suffix"] for g in groups] == list(parts.GROUP_LETTERS[:len(groups)])[::-1]
        assert sum(g["pages"] for g in groups) == part["pages"] and max(g["pages"] for g in groups) <= GROUPED
        assert all(g["first"] <= g["last"] for g in groups)
        folder = bundle / part["path"]
        words: dict[str, set[int]] = {}
        for chunk in folder.glob("index/*.pf_index"):
            for word, pages, *_ in stable_bundle.read_chunk(chunk)[0]:
                numbers = itertools.accumulate(delta for delta, *_ in pages)  # postings hold page number deltas
                words.setdefault(word, set()).update(numbers)
        meta = stable_bundle.read_chunk(next(folder.glob("pagefind.*.pf_meta")))
        letters = []
        for number, (page_hash, _) in enumerate(meta[1]):
            url = fragment_of(folder, page_hash)["url"].split("/articles/", 1)[1]
            html = (site_dir / "articles" / url).read_text("utf-8")
            assert bigrams.EMPTY_BLOCK in html  # the published page carries no tokens
            tokens = bigrams.bigram_tokens(parts.searched_text(html))
            assert tokens
            letter = {w[-1] for w in words if len(w) == 9 and w[:8] == tokens[0] and number in words[w]}
            assert len(letter) == 1, (url, letter)
            letters.append(letter.pop())
            assert [t for t in tokens if number not in words.get(t + letters[-1], ())] == [], url
            assert not any(number in words.get(t, ()) for t in tokens)
        assert {g["suffix"]: letters.count(g["suffix"]) for g in groups} == {g["suffix"]: g["pages"] for g in groups}


def test_each_part_has_its_facets(parted):
    """facets.json: the part's pages as Pagefind names them (its fragments) and each page's
    filter values, the same as the article page's own chips and year."""
    root, _ = parted
    bundle = root / "site" / "pagefind"
    by_title = {a["title"]: a for a in articles(root)}
    seen = 0
    for part in manifest(root / "site")["parts"]:
        folder = bundle / part["path"]
        data = facets.unpack(json.loads((folder / facets.FILE).read_text("utf-8")))
        assert (folder / "offline" / f"{facets.FILE}.js").is_file()
        assert sorted(data["pages"]) == sorted(p.stem for p in folder.glob("fragment/*.pf_fragment"))
        assert set(data["filters"]) == {"区县", "主题", "年份", "日期"}  # 日期: the date range, never shown as a filter
        assert sorted(data["order"]) == list(range(len(data["pages"])))  # every page once, oldest first:
        dates = [by_title[fragment_of(folder, data["pages"][n])["meta"]["title"]]["date"] for n in data["order"]]
        assert dates == sorted(dates)
        for number, page_hash in enumerate(data["pages"]):
            fragment = fragment_of(folder, page_hash)
            values = {name: sorted(v for v, pages in data["filters"][name].items() if number in pages)
                      for name in data["filters"]}
            assert values == {name: sorted(fragment["filters"].get(name, [])) for name in data["filters"]}
            assert values["年份"] == [by_title[fragment["meta"]["title"]]["date"][:4]]
            seen += 1
    assert seen == 22


@pytest.fixture(scope="module")
def rebuilt(parted, tmp_path_factory):
    """One article of the newest part changed: rebuilt over the parted site, and built afresh elsewhere."""
    root, _ = parted
    before = tree(root / "site" / "pagefind")
    page = root / "corpus" / "003_3ed9d74e6378c7df.txt"  # the one 2024 article
    text = page.read_text("utf-8")
    assert text.count("衢州") > 3
    page.write_text(text.rstrip("\n") + "\n衢州智造新城再添新项目。\n", "utf-8")
    again = Spy()
    build(root / "corpus", root, again)
    fresh = tmp_path_factory.mktemp("fresh")
    full = Spy()
    build(root / "corpus", fresh, full)
    return before, tree(root / "site" / "pagefind"), tree(fresh / "site" / "pagefind"), again.runs, full.runs


def test_incremental_rebuild_reindexes_only_the_changed_part(rebuilt):
    before, after, _, runs, full_runs = rebuilt
    assert runs == ["2024-02"] and len(full_runs) == 4
    older = {name: data for name, data in before.items() if name.startswith("parts/")}
    assert older and all(after.get(name) == data for name, data in older.items())  # byte for byte
    newest = {name for name in before if not name.startswith("parts/") and name.endswith(".pf_fragment")}
    assert newest and newest.isdisjoint(after)  # the changed article's fragment is new


def test_incremental_rebuild_equals_a_full_build(rebuilt):
    _, after, full, _, _ = rebuilt
    assert sorted(after) == sorted(full)
    assert [name for name in after if after[name] != full[name]] == []


def test_a_pagefind_version_change_reindexes_everything(parted, tmp_path):
    root, _ = parted
    shutil.copytree(root / "site", tmp_path / "site")
    bundle = tmp_path / "site" / "pagefind"
    assert set(indexing.previous_parts(bundle)) == {p["id"] for p in manifest(tmp_path / "site")["parts"]}
    data = manifest(tmp_path / "site")
    (bundle / "parts.json").write_text(json.dumps({**data, "pagefind": "0.0.1"}), "utf-8")
    assert indexing.previous_parts(bundle) == {}
    (bundle / "parts.json").write_text(json.dumps(data), "utf-8")
    shutil.rmtree(bundle / "parts" / "2022-07-19" / "fragment")  # a damaged part is not reused
    assert set(indexing.previous_parts(bundle)) == {"2024-02", "2023-04", "2022-08"}


def never(folder: Path) -> str:
    raise AssertionError(f"Pagefind ran on {folder}")


def test_a_bundle_already_in_the_site_is_the_previous_one(parted, tmp_path):
    """A staging folder seeded with the whole previous site: nothing is indexed again."""
    root, _ = parted
    shutil.copytree(root / "site", tmp_path / "site")
    before = tree(tmp_path / "site" / "pagefind")
    stats = indexing.index_site(tmp_path / "site", None, never, size=SMALL, sealed=SEALED)
    assert stats.indexed == () and set(stats.reused) == {p["id"] for p in manifest(tmp_path / "site")["parts"]}
    assert tree(tmp_path / "site" / "pagefind") == before
    assert sorted(p.name for p in (tmp_path / "site").iterdir() if p.name.startswith(".")) == []


def test_a_build_that_reuses_every_part_writes_this_versions_copy_of_pagefind_js(parted, tmp_path):
    """The classic-script copy of pagefind.js (offline/pagefind.js, which the search page loads
    over http and on file://) is ours, not Pagefind's: a build that re-indexes nothing, and takes
    Pagefind's runtime from the previous build, still writes this version's copy, and leaves the
    previous site's copy as it was (the runtime is hard-linked from it)."""
    root, _ = parted
    shutil.copytree(root / "site", tmp_path / "old")
    old_copy = tmp_path / "old" / "pagefind" / "offline" / "pagefind.js"
    older = "// an older version's copy\n" + old_copy.read_text("utf-8")
    old_copy.write_text(older, "utf-8")
    shutil.copytree(root / "site", tmp_path / "site", ignore=shutil.ignore_patterns("pagefind"))
    stats = indexing.index_site(tmp_path / "site", tmp_path / "old" / "pagefind", never, size=SMALL, sealed=SEALED)
    assert stats.indexed == ()
    bundle = tmp_path / "site" / "pagefind"
    assert (bundle / "offline" / "pagefind.js").read_text("utf-8") == offline.classic_copy(bundle)
    assert (bundle / "offline" / "pagefind.js").read_text("utf-8") == (root / "site" / "pagefind" / "offline" / "pagefind.js").read_text("utf-8")
    assert old_copy.read_text("utf-8") == older


@pytest.mark.parametrize("ram", ["usable", "too small"])
def test_parts_are_indexed_in_ram_when_there_is_room_and_nothing_is_left_there(parted, tmp_path, monkeypatch, ram):
    root, _ = parted
    shutil.copytree(root / "site", tmp_path / "site")
    shutil.rmtree(tmp_path / "site" / "pagefind")
    monkeypatch.setattr(indexing, "RAM_FOLDER", tmp_path / "ram")
    monkeypatch.setattr(parts, "GROUP_SIZE", GROUPED)  # as the fixture's build
    (tmp_path / "ram").mkdir()
    if ram == "too small":
        monkeypatch.setattr(indexing, "RAM_FREE_NEEDED", 1 << 62)
    folders: list[Path] = []

    def run(folder: Path) -> str:
        folders.append(folder)
        assert (folder / "articles").is_dir()  # the part's pages are there for Pagefind
        return builder.pagefind(folder)

    stats = indexing.index_site(tmp_path / "site", None, run, size=SMALL, sealed=SEALED)
    expected = tmp_path / ("ram" if ram == "usable" else "site")
    assert len(folders) == len(stats.indexed) == 4
    assert all(expected in folder.parents for folder in folders), folders
    assert list((tmp_path / "ram").iterdir()) == []  # the pages and Pagefind's output: gone
    assert not (tmp_path / "site" / indexing.WORK).exists()
    # the same parts as the build into the site folder (keys: what Pagefind read of each page)
    assert manifest(tmp_path / "site") == manifest(root / "site")
    for part in manifest(tmp_path / "site")["parts"]:
        entry = json.loads((tmp_path / "site" / "pagefind" / part["path"] / "pagefind-entry.json").read_text("utf-8"))
        assert entry["languages"]["zh"]["page_count"] == part["pages"]


def test_a_first_build_reads_each_page_once_and_caches_every_pages_digest(parted, tmp_path, monkeypatch):
    root, _ = parted
    shutil.copytree(root / "site", tmp_path / "site")
    shutil.rmtree(tmp_path / "site" / "pagefind")
    monkeypatch.setattr(parts, "GROUP_SIZE", GROUPED)  # as the fixture's build
    cache = tmp_path / "search-pages.json"
    real_digest = parts.page_digest

    def no_digest(html):  # no part to reuse: no page is read for its digest before it is indexed
        raise AssertionError("a page was read for its digest alone")

    monkeypatch.setattr(parts, "page_digest", no_digest)
    indexing.index_site(tmp_path / "site", None, builder.pagefind, size=SMALL, sealed=SEALED, cache=cache)
    assert manifest(tmp_path / "site") == manifest(root / "site")  # the same keys
    recorded = indexing.read_cache(cache)
    pages, _ = indexing.site_pages(tmp_path / "site")
    assert sorted(recorded) == sorted(pages)
    for rel, (size, mtime, digest) in recorded.items():
        stat = os.stat(tmp_path / "site" / rel)
        assert [size, mtime] == [stat.st_size, stat.st_mtime_ns]
        assert digest == real_digest((tmp_path / "site" / rel).read_text("utf-8"))
    # the next build finds every page in the cache: nothing read, nothing indexed
    stats = indexing.index_site(tmp_path / "site", None, never, size=SMALL, sealed=SEALED, cache=cache)
    assert stats.indexed == () and len(stats.reused) == 4


def test_a_killed_builds_scratch_in_ram_is_removed_a_running_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(indexing, "RAM_FOLDER", tmp_path)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / f"{indexing.SCRATCH_PREFIX}{gone.pid}-x1"
    alive = tmp_path / f"{indexing.SCRATCH_PREFIX}{os.getpid()}-x2"
    other = tmp_path / "someone-elses"
    for folder in (dead, alive, other):
        (folder / "2022").mkdir(parents=True)
    made = indexing.make_scratch(tmp_path / "work")
    assert made.parent == tmp_path and made.name.startswith(f"{indexing.SCRATCH_PREFIX}{os.getpid()}-")
    assert not dead.exists() and alive.exists() and other.exists()


def test_pages_outside_articles_are_never_indexed_silently(tmp_path):
    (tmp_path / "articles" / "2022").mkdir(parents=True)
    (tmp_path / "articles" / "2022" / "2022-07-19-qujiang-00000001.html").write_text(PAGE, "utf-8")
    (tmp_path / "about.html").write_text(PAGE, "utf-8")
    with pytest.raises(indexing.SearchIndexError, match="about.html"):
        indexing.index_site(tmp_path, None, never)


# --- searching the four parts in Chromium ---------------------------------------------------------




def containing(found: list[dict], needle: str) -> list[dict]:
    norm = bigrams.normalise(needle)
    return [a for a in found if norm in bigrams.normalise(a["title"]) or norm in bigrams.normalise(a["text"])]


def part_of(url: str, data: dict) -> str:
    """The part holding an article, by its date (parts are date ranges)."""
    key = sort_key(re.search(r"articles/.*\.html", url).group(0))
    return max((p["id"] for p in data["parts"] if p["id"] <= key or p["id"] == parts.UNDATED), default="")


@pytest.fixture(scope="module")
def parted_http(rebuilt, parted, tmp_path_factory):
    root, _ = parted
    with serving(root / "site", tmp_path_factory.mktemp("www-parted")) as url:
        yield url


@pytest.fixture(scope="module", params=["http", "file"])
def where(request, parted, parted_http):
    """The search page of the four-part site, over http under /repo/ or from disk."""
    root, _ = parted
    return parted_http + "search.html" if request.param == "http" else (root / "site" / "search.html").as_uri()


def shown(page) -> list[dict]:
    page.locator(".qz-search__status", has_text=re.compile("找到")).wait_for()
    return page.locator(".qz-result").evaluate_all("""els => els.map(e => ({
        title: e.querySelector('.qz-result__title').textContent,
        url: e.querySelector('.qz-result__title').href,
        meta: e.querySelector('.qz-result__meta').textContent}))""")


def counts(page, name: str) -> dict[str, int]:
    # with a query, the counts come once the results are shown (search.js loads the filter chunks then)
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    labels = page.locator(f".qz-filter[data-filter='{name}'] label").all_inner_texts()
    return {m.group(1): int(m.group(2)) for m in (re.fullmatch(r"\s*(\S+)\s+\((\d+)\)\s*", t) for t in labels) if m}


@pytest.mark.parametrize("query", ["营商环境", "招商引资", "服务业"])
def test_a_query_finds_its_articles_in_every_part(parted, where, page, query):
    root, _ = parted
    data = manifest(root / "site")
    expected = containing(articles(root), query)
    page.goto(where + "?q=" + quote(query))
    found = shown(page)
    assert {r["title"] for r in found} == {a["title"] for a in expected}
    if query != "服务业":
        assert len({part_of(r["url"], data) for r in found}) >= 2  # the results come from several parts
    # filter counts add up over the parts: per year, the articles that contain the query
    years: dict[str, int] = {}
    for a in expected:
        years[a["date"][:4]] = years.get(a["date"][:4], 0) + 1
    assert counts(page, "年份") == years
    assert not page.errors
    assert all(u.startswith(where.split("/repo/")[0] if where.startswith("http") else "file://")
               for u in page.requests)


def test_serviceindustry_needs_every_bigram_in_every_part(parted):
    """Why results are checked bigram by bigram: 服务业's second bigram (务业) is in no 2024
    article, and Pagefind drops query words an index does not have, so the 2024 part
    alone would answer 服务 for 服务业 (the newest-part article has 服务 but not 服务业)."""
    root, _ = parted
    newest = [a for a in articles(root) if a["date"].startswith("2024")]
    flat = bigrams.normalise(newest[0]["title"] + newest[0]["text"])
    assert "服务" in flat and "务业" not in flat


def test_no_filter_counts_cover_every_part(parted, where, page):
    root, _ = parted
    page.goto(where)
    page.locator(".qz-filter[data-filter='年份']").wait_for()
    years: dict[str, int] = {}
    for a in articles(root):
        years[a["date"][:4]] = years.get(a["date"][:4], 0) + 1
    assert counts(page, "年份") == years == {"2022": 13, "2023": 8, "2024": 1}
    assert sum(counts(page, "区县").values()) >= 22


@pytest.mark.parametrize("order", ["date", "date-asc"])
def test_sorting_by_date_runs_across_parts(parted, where, page, order):
    root, _ = parted
    data = manifest(root / "site")
    query = "衢州"
    expected = containing(articles(root), query)
    page.goto(where + "?q=" + quote(query) + "&sort=" + order)
    found = shown(page)
    assert {r["title"] for r in found} == {a["title"] for a in expected}
    by_url = {a["url"]: a["date"] for a in articles(root)}
    dates = [by_url[re.search(r"articles/.*\.html", r["url"]).group(0)] for r in found]
    assert dates == sorted(dates, reverse=order == "date")
    seen = [part_of(r["url"], data) for r in found]
    assert len(set(seen)) >= 3
    # what Pagefind's own merged sort does, and why search.js sorts part by part
    merged = page.evaluate("""async ([query, dir]) => {
        const pf = await ArchivePagefind.load(new URL("pagefind/", location.href).href);
        const found = await pf.search(QzSearchTokens.encodeQuery(query), {sort: {date: dir}});
        return Promise.all(found.results.map(r => r.data().then(d => d.url)));
    }""", [query, "desc" if order == "date" else "asc"])
    merged_dates = [by_url[re.search(r"articles/.*\.html", u).group(0)] for u in merged]
    assert sorted(merged_dates) == sorted(dates) and merged_dates != dates  # same pages, parts interleaved


def test_pagefind_warms_up_on_the_newest_part_before_the_first_query(parted, where, page):
    """As it starts, Pagefind searches once for 的 (the loader's WARM_UP token) so that a reader's
    first query runs V8's optimised wasm (measured by the bench); before the other parts are
    merged, so that costs one index chunk of the newest part, nothing of the other parts."""
    page.goto(where)
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    page.wait_for_load_state("networkidle")
    chunks = [u for u in page.requests if re.search(r"\.pf_index(\.js)?$", u)]
    assert len(chunks) == 1 and "/pagefind/parts/" not in chunks[0], chunks
    assert page.evaluate("() => QzSearchTokens.encodeQuery('的')") == bigrams.encode_query("的") == "bswy"
    assert "var WARM_UP = \"bswy\";" in (PROJECT / "docs/assets/javascripts/pagefind-loader.js").read_text("utf-8")
    assert not page.errors


def test_filters_come_from_the_facets_never_from_pagefind(parted, where, page):
    """The search page counts and applies 区县/主题/年份 from each part's facets.json and never
    loads Pagefind's filter chunks: Pagefind would then count every loaded filter on every
    search, in time ~ pages x results (build_archive/search/facets.py)."""
    root, _ = parted
    data = manifest(root / "site")
    query = "衢州"
    expected = containing(articles(root), query)
    tally: dict[str, int] = {}
    for a in expected:
        for d in a["districts"]:
            tally[d] = tally.get(d, 0) + 1
    first, second = sorted(tally, key=lambda d: (-tally[d], d))[:2]
    page.goto(where + "?q=" + quote(query) + "&区县=" + quote(first))
    found = shown(page)
    narrowed = [a for a in expected if first in a["districts"]]
    assert {r["title"] for r in found} == {a["title"] for a in narrowed} and 0 < len(found) < len(expected)
    assert counts(page, "区县")[first] == len(narrowed)
    years: dict[str, int] = {}
    for a in narrowed:
        years[a["date"][:4]] = years.get(a["date"][:4], 0) + 1
    assert counts(page, "年份") == years
    # two values of one filter: the articles that have both, as Pagefind reads a list of values
    page.goto(where + "?q=" + quote(query) + "&区县=" + quote(first) + "&区县=" + quote(second))
    both = [a for a in expected if first in a["districts"] and second in a["districts"]]
    if both:
        assert {r["title"] for r in shown(page)} == {a["title"] for a in both}
    else:
        page.locator(".qz-search__status", has_text="没有找到").wait_for()
    assert not [u for u in page.requests if re.search(r"\.pf_filter(\.js)?$", u)]
    facet_files = {u for u in page.requests if re.search(r"/facets\.json(\.js)?$", u)}
    assert len(facet_files) == len(data["parts"])
    assert not page.errors


@pytest.mark.parametrize("order", ["", "date-asc"])
def test_a_search_by_filters_alone_lists_them_from_the_facets(parted, where, page, order):
    """No query, one district: its articles, newest first (or oldest first), without Pagefind's
    search with no term, which loads every index chunk of every part first (facets.py)."""
    root, _ = parted
    every = articles(root)
    tally: dict[str, int] = {}
    for a in every:
        for d in a["districts"]:
            tally[d] = tally.get(d, 0) + 1
    district = sorted(tally, key=lambda d: (-tally[d], d))[0]
    page.goto(where + "?区县=" + quote(district) + ("&sort=" + order if order else ""))
    found = shown(page)
    expected = [a for a in every if district in a["districts"]]
    assert len(found) == len(expected) > 1 and {r["title"] for r in found} == {a["title"] for a in expected}
    by_url = {a["url"]: a["date"] for a in every}
    dates = [by_url[re.search(r"articles/.*\.html", r["url"]).group(0)] for r in found]
    assert dates == sorted(dates, reverse=order != "date-asc")
    assert counts(page, "区县")[district] == len(expected)
    chunks = [u for u in page.requests if re.search(r"\.pf_index(\.js)?$", u)]
    assert len(chunks) <= 1, chunks  # the loader's warm-up only
    assert not page.errors
