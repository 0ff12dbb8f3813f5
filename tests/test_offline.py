"""Pagefind search from file:// (twins) and over http (plain module import).

Builds a toy site (hand-written articles + generated filler pages, so that
Pagefind writes several index chunks), indexes it with the real Pagefind
extended binary, writes the offline twins, moves the site to a path with
spaces and Chinese characters, and searches it in headless Chromium.
"""
from __future__ import annotations

import functools
import gzip
import http.server
import json
import random
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote

import pytest

from build_archive.search import parts, indexing
from build_archive.search.offline import OfflineBundleError, OfflineStats, write_offline_bundle

playwright_sync = pytest.importorskip("playwright.sync_api")

REPO = Path(__file__).resolve().parents[1]
LOADER = REPO / "docs" / "assets" / "javascripts" / "pagefind-loader.js"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
QUERY = "营商环境"

# (slug, district, date, title, text): the articles that mention 营商环境, and one that does not.
ARTICLES = [
    ("kecheng-yingshang", "柯城区", "2022-07-19", "柯城区持续优化营商环境",
     "柯城区召开优化营商环境大会，推出二十条举措，为企业发展腾出空间。营商环境是发展的生命线。"),
    ("qujiang-touzi", "衢江区", "2022-08-10", "衢江服务业大爆发",
     "全区服务业发展大会召开，超600亿投资签约落地。衢江区以一流营商环境吸引重大产业项目。"),
    ("longyou-qiye", "龙游县", "2022-06-01", "龙游县企业服务月启动",
     "龙游县开展企业服务月活动，干部走进企业解难题，打造最优营商环境，助力工业经济稳进提质。"),
    ("kecheng-zhengwu", "柯城区", "2021-12-30", "柯城政务服务再提速",
     "柯城区政务服务中心推行一窗受理，企业开办一日办结，营商环境持续改善，群众满意度提升。"),
    ("jiangshan-wenming", "江山市", "2022-03-15", "江山市文明城市创建再出发",
     "江山市召开文明城市创建推进会，要求高标准引领、闭环化推进，全面提升城市品质。"),
]
EXPECTED = {a[0] for a in ARTICLES if QUERY in a[4]}
KECHENG = {a[0] for a in ARTICLES if QUERY in a[4] and a[1] == "柯城区"}
BY_DATE = [a[0] for a in sorted((a for a in ARTICLES if QUERY in a[4]), key=lambda a: a[2])]

# Filler text: common characters only, none of 营商环境, so filler pages never match.
FILLER_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你能而子那得着下自之"
    "年过发后里道行所然家种事方多经么去法学如都同现当没动面起看定天还进好小部其些主样理心她本前开但因"
    "只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应"
    "战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿"
    "原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太"
    "量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界"
)
N_FILLER = 200


def article_html(slug: str, district: str, date: str, title: str, text: str) -> str:
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>首页 导航 营商环境专题</nav>
<main data-pagefind-body>
<h1>{title}</h1>
<p>地区：<span data-pagefind-filter="district">{district}</span>
日期：<span data-pagefind-sort="date" data-pagefind-meta="date">{date}</span></p>
<p>{text}</p>
</main></body></html>
"""


SEARCH_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>搜索</title>
<script src="../assets/javascripts/pagefind-loader.js"></script></head>
<body><p>搜索测试页</p>
<script>
// Time from navigation start to the first result's data, as a reader would see it.
window.firstResults = (async () => {
  const pagefind = await ArchivePagefind.load("../pagefind/");
  const found = await pagefind.search("营商环境");
  const first = await found.results[0].data();
  return { ms: performance.now(), count: found.results.length, url: first.url };
})();
</script></body></html>
"""

SEARCHES_JS = """async () => {
  const pagefind = await ArchivePagefind.load("../pagefind/");
  const slugs = async (r) => (await Promise.all(r.results.map((x) => x.data())))
      .map((d) => ({ url: d.url, title: d.meta.title, date: d.meta.date }));
  const all = await pagefind.search("营商环境");
  const kecheng = await pagefind.search("营商环境", { filters: { district: "柯城区" } });
  const sorted = await pagefind.search("营商环境", { sort: { date: "asc" } });
  return {
    api: Object.keys(pagefind).sort(),
    same: pagefind === await ArchivePagefind.load("../pagefind/"),
    // an absolute URL written without percent-encoding (spaces, Chinese) names the same bundle
    sameDecoded: pagefind === await ArchivePagefind.load(decodeURI(new URL("../pagefind", location.href).href)),
    all: await slugs(all),
    kecheng: await slugs(kecheng),
    sorted: await slugs(sorted),
    filters: await pagefind.filters(),
    nothing: (await pagefind.search("鲸鱼蝴蝶")).results.length,
  };
}"""


def build_toy_site(site: Path) -> None:
    site.mkdir(parents=True)
    for slug, district, date, title, text in ARTICLES:
        path = site / "articles" / f"{slug}.html"
        path.parent.mkdir(exist_ok=True)
        path.write_text(article_html(slug, district, date, title, text), encoding="utf-8")
    rng = random.Random(20220719)
    districts = ["柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县"]
    for i in range(N_FILLER):
        words = ["".join(rng.choice(FILLER_CHARS) for _ in range(rng.choice((2, 2, 3, 4)))) for _ in range(300)]
        path = site / "filler" / f"p{i:03d}.html"
        path.parent.mkdir(exist_ok=True)
        date = f"2020-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
        path.write_text(article_html(f"p{i:03d}", districts[i % 6], date, f"第{i}号 {words[0]}", "，".join(words)),
                        encoding="utf-8")
    (site / "search").mkdir()
    (site / "search" / "index.html").write_text(SEARCH_PAGE, encoding="utf-8")
    js = site / "assets" / "javascripts"
    js.mkdir(parents=True)
    shutil.copy(LOADER, js / LOADER.name)


def run_pagefind(site: Path) -> None:
    subprocess.run([sys.executable, "-m", "pagefind_bin_extended", "--site", str(site)],
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, OfflineStats]:
    """The toy site, indexed and twinned, then moved to a path with spaces and Chinese."""
    work = tmp_path_factory.mktemp("offline")
    site = work / "build" / "site"
    build_toy_site(site)
    run_pagefind(site)
    stats = write_offline_bundle(site)
    # the loader reads parts.json first (build_archive/search/indexing.py): here one part, the bundle itself
    pages = tuple(sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")))
    # (toy paths carry no date: `sorts` gives the part's date range instead)
    indexing.write_manifest(site / "pagefind", parts.manifest([parts.Part("all", pages)], {"all": "-"}, "-",
                                                                  sorts={p: "0000" for p in pages}))
    moved = work / "媒体 存档" / "衢州"
    moved.parent.mkdir()
    shutil.move(str(site), str(moved))  # nothing may depend on the build location
    return moved, stats


# `browser`: the session-wide headless Chromium of tests/conftest.py (one Playwright per process)


@pytest.fixture(scope="module")
def http_root(built, tmp_path_factory):
    """The site served over http under a sub-path: http://127.0.0.1:PORT/repo/."""
    site, _ = built
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(site, root / "repo")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/repo/"
    server.shutdown()
    server.server_close()


def open_search(browser, url: str):
    """Open the search page; returns (page, requested URLs, console errors, first-results info)."""
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    # (The browser's own /favicon.ico request 404s over http: not ours, not counted.)
    page.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url', '')}")
            if m.type == "error" and "favicon.ico" not in m.location.get("url", "") else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.goto(url)
    first = page.evaluate("() => window.firstResults")
    return page, requests, errors, first


def slug_of(url: str) -> str:
    return unquote(url).rsplit("/", 1)[-1].removesuffix(".html")


def check_searches(result: dict) -> None:
    assert {"search", "debouncedSearch", "filters", "init", "options", "preload", "mergeIndex"} <= set(result["api"])
    assert result["same"], "load() must return the same API object for the same bundle"
    assert result["sameDecoded"], "load() must normalise the bundle URL's encoding"
    assert {slug_of(r["url"]) for r in result["all"]} == EXPECTED
    assert {slug_of(r["url"]) for r in result["kecheng"]} == KECHENG
    assert KECHENG < EXPECTED  # the filter really narrows
    assert [slug_of(r["url"]) for r in result["sorted"]] == BY_DATE
    assert result["filters"]["district"]["柯城区"] == N_FILLER // 6 + 1 + 2  # filler + 2 articles
    assert result["nothing"] == 0


def bundle_files(site: Path, folder: str) -> list[Path]:
    return sorted((site / "pagefind" / folder).iterdir())


# --- the Python step ---------------------------------------------------------------------------


def test_size_rule_and_chunking(built):
    site, stats = built
    # Twins are at most 40% bigger than the files they mirror (base64 alone is +33%), also
    # without pagefind.js, whose classic copy is nearly its own size.
    assert stats.twin_bytes <= 1.40 * stats.bundle_bytes, stats
    assert 0.30 < stats.overhead <= 0.40
    module = site / "pagefind" / "pagefind.js"
    classic = site / "pagefind" / "offline" / "pagefind.js"
    data_twins = stats.twin_bytes - classic.stat().st_size
    assert data_twins <= 1.40 * (stats.bundle_bytes - module.stat().st_size)
    index = bundle_files(site, "index")
    assert len(index) >= 4, "the toy site must make Pagefind write several index chunks"
    assert len(bundle_files(site, "offline/index")) == len(index)
    assert len(bundle_files(site, "offline/fragment")) == len(bundle_files(site, "fragment")) == N_FILLER + 5
    twins = [p for p in (site / "pagefind" / "offline").rglob("*") if p.is_file() and p.name != "parts.json.js"]
    assert sum(p.stat().st_size for p in twins) == stats.twin_bytes
    assert stats.files == len(twins)


def test_deterministic(built, tmp_path):
    site, stats = built
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "pagefind" / "offline").rglob("*")
              if p.is_file() and p.name != "parts.json.js"}  # written by indexing, not offline
    copy = tmp_path / "again"
    shutil.copytree(site, copy)
    assert write_offline_bundle(copy) == stats
    after = {p.relative_to(copy).as_posix(): p.read_bytes() for p in (copy / "pagefind" / "offline").rglob("*")
             if p.is_file()}
    assert after == before


def test_missing_bundle(tmp_path):
    with pytest.raises(OfflineBundleError, match="run Pagefind"):
        write_offline_bundle(tmp_path)


@pytest.mark.parametrize("damage", [
    ("import.meta.url", "document.baseURI"),
    ("export{", "window.pf={"),
    ("await fetch(queued.input)", "await xhr(queued.input)"),
    ("fragment/${hash}.pf_fragment", "fragments/${hash}.pf_fragment"),
])
def test_changed_pagefind_js_fails(built, tmp_path, damage):
    site, _ = built
    copy = tmp_path / "site"
    shutil.copytree(site / "pagefind", copy / "pagefind")
    js = copy / "pagefind" / "pagefind.js"
    source = js.read_text(encoding="utf-8")
    assert damage[0] in source
    js.write_text(source.replace(damage[0], damage[1]), encoding="utf-8")
    with pytest.raises(OfflineBundleError, match="pagefind.js"):
        write_offline_bundle(copy)


# --- in the browser ----------------------------------------------------------------------------


def test_file_url_search(built, browser):
    site, _ = built
    url = (site / "search" / "index.html").as_uri()
    assert "%20" in url and "%E8%A1%A2" in url  # the path really needs percent-encoding
    page, requests, errors, first = open_search(browser, url)
    try:
        assert first["count"] == len(EXPECTED)
        assert slug_of(first["url"]) in EXPECTED
        # Result URLs are absolute file URLs of the moved site (Pagefind writes them "file:/…").
        assert page.evaluate("(u) => new URL(u).href", first["url"]).startswith(site.as_uri() + "/articles/")
        index_loaded = {u for u in requests if "/pagefind/offline/index/" in u}
        fragments_loaded = {u for u in requests if "/pagefind/offline/fragment/" in u}
        assert 1 <= len(index_loaded) < len(bundle_files(site, "index"))
        assert len(fragments_loaded) == 1  # only the first result's data

        check_searches(page.evaluate(SEARCHES_JS))

        assert requests and all(u.startswith("file://") for u in requests), [u for u in requests if
                                                                              not u.startswith("file://")]
        assert not any(u.endswith("pagefind-worker.js") for u in requests)
        index_loaded = {u for u in requests if "/pagefind/offline/index/" in u}
        fragments_loaded = {u for u in requests if "/pagefind/offline/fragment/" in u}
        assert len(index_loaded) < len(bundle_files(site, "index")), "a search must not load the whole index"
        assert fragments_loaded and len(fragments_loaded) == len(EXPECTED)
        # Only twins, never the bundle files themselves (those need fetch(), refused on file://).
        assert not [u for u in requests if "/pagefind/" in u and "/pagefind/offline/" not in u]
        assert not errors, errors
        print(f"\nfile://: first results {first['ms']:.0f} ms after navigation; "
              f"{len(requests)} requests, {len(index_loaded)} of {len(bundle_files(site, 'index'))} index twins, "
              f"{len(fragments_loaded)} of {len(bundle_files(site, 'fragment'))} fragment twins")
    finally:
        page.close()


def test_file_url_plain_import_is_refused(built, browser):
    """The browser in this test really blocks module imports on file:// (so the twins are needed)."""
    site, _ = built
    page = browser.new_page()
    try:
        page.goto((site / "search" / "index.html").as_uri())
        outcome = page.evaluate("""() => import("../pagefind/pagefind.js").then(() => "loaded", () => "refused")""")
        assert outcome == "refused"
    finally:
        page.close()


def test_http_search(built, browser, http_root):
    site, _ = built
    page, requests, errors, first = open_search(browser, http_root + "search/index.html")
    try:
        assert first["count"] == len(EXPECTED)
        assert first["url"].startswith("/repo/articles/")
        check_searches(page.evaluate(SEARCHES_JS))
        assert all(u.startswith("http://127.0.0.1:") for u in requests), requests
        # pagefind.js as its classic-script copy (the loader hands it its fetch); the data
        # files themselves, never their twins
        assert any(u.endswith("/repo/pagefind/offline/pagefind.js") for u in requests)
        assert not any("/pagefind/offline/" in u and not u.endswith("/offline/pagefind.js") for u in requests)
        assert not errors, errors
        print(f"\nhttp: first results {first['ms']:.0f} ms after navigation; {len(requests)} requests")
    finally:
        page.close()


@pytest.mark.parametrize("where", ["file", "http"])
def test_pagefind_is_handed_its_files_inflated(built, browser, http_root, where):
    """Pagefind inflates its gzipped data files and wasm in JavaScript unless they already start
    with its signature "pagefind_dcd": the loader hands it a fetch that inflates them with the
    browser's own gzip (DecompressionStream), faster; other files (the entry JSON) pass as they are."""
    site, _ = built
    chunk = sorted((site / "pagefind" / "index").glob("*.pf_index"))[0]
    wasm = sorted((site / "pagefind").glob("wasm.*.pagefind"))[0]
    url = (site / "search" / "index.html").as_uri() if where == "file" else http_root + "search/index.html"
    page, _, errors, _ = open_search(browser, url)
    try:
        got = page.evaluate("""async (names) => {
            const archive = await ArchivePagefind.load(new URL("../pagefind/", location.href).href);
            const read = async (name) => new Uint8Array(await (await archive.fetch(new URL("../pagefind/" + name, location.href).href)).arrayBuffer());
            const out = {};
            for (const name of names) { const bytes = await read(name); out[name] = [new TextDecoder().decode(bytes.slice(0, 12)), bytes.length]; }
            out.entry = (await (await archive.fetch(new URL("../pagefind/pagefind-entry.json", location.href).href)).json()).version;
            return out;
        }""", [f"index/{chunk.name}", wasm.name])
        for name, path in ((f"index/{chunk.name}", chunk), (wasm.name, wasm)):
            assert got[name] == ["pagefind_dcd", len(gzip.decompress(path.read_bytes()))]
        assert got["entry"] == json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))["version"]
        assert not errors, errors
    finally:
        page.close()
