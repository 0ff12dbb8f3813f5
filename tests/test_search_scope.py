"""A search touches only the parts that can hold its results, newest first (issue 24).

The sample corpus built in four parts (as tests/test_parts.py builds it), with search windows of
eight pages: the term directory names the parts holding each bigram, and the search page loads
index chunks only from those (and from the newest part, Pagefind's primary index, which
every Pagefind search reads); a query found everywhere is searched in the newest window first,
older windows when the reader asks.
"""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_archive.search import bigrams, numbers, parts, terms
from conftest import serving
from test_parts import PROJECT, Spy, articles, build, containing, manifest, part_of, shown

WINDOW = 8  # pages a window: the parts of 1, 7, 8 and 6 pages make the windows [1 + 7] [8] [6]


@pytest.fixture(scope="module")
def scoped_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("scoped")
    shutil.copytree(PROJECT / "corpus", root / "corpus")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parts, "WINDOW_PAGES", WINDOW)
        mp.setattr(parts, "WINDOW_RESULTS", 2)
        build(root / "corpus", root, Spy())
    return root


def site_tokens(root: Path) -> dict[str, set[str]]:
    """Part id -> the bigram tokens of its pages, from the built pages themselves."""
    data = manifest(root / "site")
    found: dict[str, set[str]] = {p["id"]: set() for p in data["parts"]}
    for page in (root / "site" / "articles").rglob("*.html"):
        rel = page.relative_to(root / "site").as_posix()
        found[part_of(rel, data)].update(terms.page_tokens(parts.indexed_page(page.read_text("utf-8"))))
    return found


def directory(root: Path) -> dict[str, set[str]]:
    """Token -> ids of the parts the site's term directory names."""
    data = manifest(root / "site")
    ids = {p["n"]: p["id"] for p in data["parts"]}
    out: dict[str, set[str]] = {}
    for n in range(data["terms"]["shards"]):
        shard = json.loads((root / "site" / "pagefind" / "terms" / f"{n}.json").read_text("ascii"))
        for token, held in shard.items():
            assert terms.shard_of(token, data["terms"]["shards"]) == n
            out[token] = {ids[k] for k in numbers.read_gaps(held)}
    return out


def test_the_directory_names_exactly_the_parts_holding_each_token(scoped_site):
    by_part = site_tokens(scoped_site)
    expected: dict[str, set[str]] = {}
    for part_id, tokens in by_part.items():
        for token in tokens:
            expected.setdefault(token, set()).add(part_id)
    got = directory(scoped_site)
    assert got == expected
    assert any(len(ids) == 1 for ids in got.values()) and any(len(ids) == 4 for ids in got.values())
    # its file:// twins are there too
    shards = manifest(scoped_site / "site")["terms"]["shards"]
    assert len(list((scoped_site / "site" / "pagefind" / "offline" / "terms").glob("*.json.js"))) == shards


@given(st.sets(st.integers(min_value=0, max_value=300)))
def test_number_sets_round_trip(chosen):
    text = numbers.gaps(chosen)
    assert numbers.read_gaps(text) == sorted(chosen)
    assert len(text.split()) <= len(chosen)


def test_shards_grow_with_the_directory_and_stay_small():
    small = {f"{i:08d}": "0-3" for i in range(10)}
    big = {"".join(chr(97 + (i >> (5 * k)) % 26) for k in range(8)): "0-3 7" for i in range(20_000)}
    assert terms.shard_count(small) == 1
    shards, files = terms.shard_files(big)
    assert shards > 4 and len(files) == shards
    sizes = [len(raw) for raw in files.values()]
    assert max(sizes) < 3 * terms.SHARD_BYTES
    assert sum(len(json.loads(raw)) for raw in files.values()) == len(big)


def only_in_one_old_part(root: Path) -> tuple[str, str]:
    """A two-character string of one article whose bigram only one part holds, not the newest."""
    data = manifest(root / "site")
    newest = data["parts"][0]["id"]
    got = directory(root)
    for article in articles(root):
        text = bigrams.normalise(article["title"])
        for a, b in zip(text, text[1:]):
            token = bigrams.encode_query(a + b)
            holders = got.get(token, set())
            if len(holders) == 1 and newest not in holders and re.fullmatch(r"[\u4e00-\u9fff]{2}", a + b):
                return a + b, holders.pop()
    raise AssertionError("no bigram held by one old part only")


@pytest.fixture(scope="module", params=["http", "file"])
def where(request, scoped_site, tmp_path_factory):
    if request.param == "file":
        yield (scoped_site / "site" / "search.html").as_uri()
        return
    with serving(scoped_site / "site", tmp_path_factory.mktemp("www-scoped")) as url:
        yield url + "search.html"


def part_folders(urls: list[str], kind: str) -> Counter:
    """Which part each requested file of `kind` (index, fragment, meta…) came from ('' the newest)."""
    out: Counter = Counter()
    for url in urls:
        m = re.search(r"/pagefind/(?:offline/)?(?:parts/([^/]+)/)?(?:offline/)?(" + kind + r")", url)
        if m:
            out[m.group(1) or ""] += 1
    return out


def test_a_query_loads_index_chunks_only_from_parts_holding_its_bigrams(scoped_site, where, page):
    needle, holder = only_in_one_old_part(scoped_site)
    page.goto(where + "?q=" + quote(needle))
    found = shown(page)
    expected = containing(articles(scoped_site), needle)
    assert {r["title"] for r in found} == {a["title"] for a in expected} and found
    chunks = part_folders(page.requests, r"index/")
    metas = part_folders(page.requests, r"pagefind\.[^/]+\.pf_meta")
    assert chunks[holder] > 0
    # nothing of the parts that lack the bigram: no index chunk, not even their metadata
    assert set(chunks) <= {holder, ""} and set(metas) <= {holder, ""}
    assert not page.errors


def test_a_common_query_searches_the_newest_window_first_then_older_ones_on_request(scoped_site, where, page):
    data = manifest(scoped_site / "site")
    ids = [p["id"] for p in data["parts"]]  # newest first: windows [ids 0, 1] [2] [3]
    everywhere = containing(articles(scoped_site), "衢州")
    assert {part_of(a["url"], data) for a in everywhere} == set(ids)
    upto = lambda window: sum(part_of(a["url"], data) in window for a in everywhere)  # noqa: E731
    page.goto(where + "?q=" + quote("衢州"))
    found = shown(page)
    assert {part_of(r["url"], data) for r in found} == set(ids[:2])
    status = page.locator(".qz-search__status").inner_text()
    assert status.startswith(f"找到 {upto(ids[:2])} 篇") and "只搜索了" in status and "以来的文章" in status
    assert not part_folders(page.requests, r"index/").keys() - {"", ids[1]}
    earlier = page.locator(".qz-search__earlier")
    assert earlier.inner_text() == "搜索更早的文章"
    for depth, window in ((2, ids[:3]), (3, ids)):
        earlier.click()
        page.locator(".qz-search__status", has_text=re.compile(f"^找到 {upto(window)} 篇")).wait_for()
        assert f"w={depth}" in page.url
        found = shown(page)
        assert {part_of(r["url"], data) for r in found} == set(window)
    page.locator(".qz-search__earlier").wait_for(state="hidden")
    assert "只搜索了" not in page.locator(".qz-search__status").inner_text()
    # the address keeps the depth: opened again, the same search covers the same windows
    page.goto(where + "?q=" + quote("衢州") + "&w=3")
    page.locator(".qz-search__status", has_text=re.compile(f"^找到 {len(everywhere)} 篇")).wait_for()
    assert not page.errors


def test_an_oldest_first_list_starts_from_the_oldest_window(scoped_site, where, page):
    data = manifest(scoped_site / "site")
    ids = [p["id"] for p in data["parts"]]
    page.goto(where + "?q=" + quote("衢州") + "&sort=date-asc")
    found = shown(page)
    assert {part_of(r["url"], data) for r in found} == set(ids[-2:])  # oldest first: windows [6 + 8] [7 + 1]
    assert "以前的文章" in page.locator(".qz-search__status").inner_text()
    page.locator(".qz-search__earlier", has_text="搜索更晚的文章").wait_for()
    assert not page.errors


@given(st.lists(st.sets(st.integers(min_value=0, max_value=500)), min_size=1, max_size=4),
       st.permutations(list(range(60))))
def test_packed_facets_read_back_as_written(sets, order):
    from build_archive.search import facets
    pages = [f"zh_{n:07x}" for n in range(60)]
    filters = {"区县": {f"v{i}": sorted(s) for i, s in enumerate(sets)}}
    packed = facets.pack(pages, filters, list(order))
    assert facets.unpack(json.loads(json.dumps(packed))) == {"pages": pages, "filters": filters, "order": list(order)}


def test_packed_facets_are_small_for_dated_runs():
    from build_archive.search import facets
    pages = [f"zh_{n:07x}" for n in range(3000)]
    packed = facets.pack(pages, {"年份": {"2022": list(range(0, 1500)), "2023": list(range(1500, 3000))}},
                         list(range(3000)))
    assert packed["filters"]["年份"] == {"2022": "0+5db", "2023": "5dc+5db"} and packed["order"] == "0+bb7"


from test_accessibility import SCHEMES, axe_script, describe, run_axe, view  # noqa: E402,F401 (fixtures)


def test_axe_with_the_earlier_button_shown(scoped_site, where, view, axe_script):  # noqa: F811
    """The status line's scope note and 搜索更早的文章: no serious or critical axe finding, both palettes, both widths."""
    scheme, width, page = view
    page.goto(where + "?q=" + quote("衢州"))
    page.locator(".qz-search__earlier", has_text="搜索更早的文章").wait_for()
    page.locator('.qz-search__filters[data-counts="complete"]').wait_for(state="attached")
    assert page.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[scheme]
    bad = [v for v in run_axe(page, axe_script) if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe, {scheme} palette at {width} px:\n{describe({'search (earlier)': bad})}"
    shots = Path("/tmp/qz-shots")
    if shots.is_dir():  # for a person to look at: mkdir /tmp/qz-shots first
        page.screenshot(path=str(shots / f"search-earlier-{scheme}-{width}.png"), full_page=True)


def test_the_next_search_page_takes_each_part_entry_from_the_browser_cache(scoped_site, browser, tmp_path):
    """Pagefind asks for an index's pagefind-entry.json with "?ts=<now>" unless it is given a tag
    (metaCacheTag): the loader gives each part the start of its key, so on a host that lets the
    browser keep files (GitHub Pages: max-age=600) the next search page asks for no entry again.
    (A part's key changes whenever what it was indexed from does: tests/test_parts.py.)"""
    import functools
    import http.server
    import threading

    from build_archive.bench import StaticHandler

    asked: list[str] = []

    class Recording(StaticHandler):
        gzipped: dict[str, bytes] = {}

        def do_GET(self):
            asked.append(self.path)
            super().do_GET()

    (tmp_path / "repo").symlink_to((scoped_site / "site").resolve(), target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Recording, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/repo/"
    data = manifest(scoped_site / "site")
    tags = {"/repo/pagefind/" + p["path"] + "pagefind-entry.json": p["key"][:16] for p in data["parts"]}
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "search.html?q=" + quote("衢州") + "&w=3")  # every window: every part joined
        page.locator(".qz-search__status", has_text=re.compile("^找到")).wait_for()
        entries = sorted(path for path in asked if "pagefind-entry.json" in path)
        assert entries == sorted(f"{path}?ts={tag}" for path, tag in tags.items())
        asked.clear()
        page.goto(base + "search.html?q=" + quote("江山") + "&w=3")
        page.locator(".qz-search__status", has_text=re.compile("^找到")).wait_for()
        assert any(path.endswith("parts.json") for path in asked)  # it did ask the server (parts.json: no-cache)
        assert not [path for path in asked if "pagefind-entry.json" in path]
        assert not errors
    finally:
        context.close()
        server.shutdown()
        server.server_close()
