"""Hostile and broken input, through the real build.

A corpus of good, broken and hostile page dumps is generated in a temporary
folder (nothing hand-copied) and built once with `cli.build --strict`
(module-scoped fixture, ~5 s). The tests read its report, its docs/ and its
site/, and open the hostile articles in headless Chromium over a local HTTP
server. Failing builds use a one-page corpus with the slow stages replaced.
Fuzz tests feed arbitrary text to the segmenter and the renderer.
"""
from __future__ import annotations

import codecs
import functools
import hashlib
import http.server
import re
import shutil
import threading
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from build_archive import addresses
from build_archive import cli
from build_archive.search import offline, stable_bundle
from build_archive.site import render, builder
from build_archive.extract.segment import conservation, segment_page

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


def page(headline: str, paragraphs: list[str], masthead: bool = True) -> str:
    """A page dump as the e-paper exports print it: masthead, headline, byline lead, paragraphs."""
    lines = ["今日衢州", "", "2023年4月5日 星期三", "", "责任编辑:王五", ""] if masthead else []
    lines += [headline, "", "本报讯（记者 张三）" + paragraphs[0], ""]
    for paragraph in paragraphs[1:]:
        lines += [paragraph, ""]
    return "\n".join(lines)


GOOD = page("柯城区举办春季招聘会", [
    "4月4日，柯城区在人民广场举办春季招聘会，共有120家企业参加，提供就业岗位3000余个。",
    "据介绍，这次招聘会重点面向高校毕业生和返乡青年，现场达成就业意向800余人。",
])
GOOD_GBK = page("龙游县新建三所幼儿园", [
    "龙游县今年新建的三所公办幼儿园近日完工，可新增学位900个，秋季开学投入使用。",
    "县教育局表示，将继续扩大普惠性学前教育资源，让更多孩子就近入园。",
])
GOOD_UTF16 = page("江山市开展文明城市创建", [
    "江山市召开文明城市创建推进会，要求高标准引领、闭环化推进，全面提升城市品质。",
    "会议指出，要坚持问题导向，聚焦群众关心的停车难、如厕难等问题，逐项整改。",
])
CONTROL = page("常山县胡柚喜获丰收", [
    "常山县胡柚今年喜获丰收，\x07全县产量预计达到十四万吨，\x1b果农收入明显增加。",
    "当地还通过电商平台拓宽销路，\x00让常山胡柚走向全国各地的餐桌。",
])
CONTROL_CHARACTERS = 3
# Body paragraphs (each a sentence, so the segmenter keeps them as text) that
# mean something to HTML, Markdown, Jinja or YAML.
PAYLOADS = [
    '<script>window.__pwned=1;alert("script")</script>，这一段是正文。',
    "<img src=x onerror=\"window.__pwned=2;alert('img')\">，图片不应出现。",
    '<a href="javascript:alert(3)">点我</a>，以及[链接](javascript:alert(4))和<javascript:alert(5)>。',
    "<svg onload=alert(7)><iframe src=javascript:alert(8)></iframe>，不应出现。",
    "* 列表项，不应成为列表；1. 有序，> 引用，# 井号，`代码`，**加粗**，_斜体_。",
    "| 表头 | 表头 |，{{ config.site_name }}，{% if true %}模板{% endif %}，{: .c onclick=\"alert(9)\" }。",
    "title: 伪造标题，date: 1999-01-01，--- 这是正文里的YAML样子，&lt;b&gt;实体&lt;/b&gt;。",
]
HOSTILE = page("衢江区举办网络安全宣传周活动", PAYLOADS)
HOSTILE_FILE = "<img src=x onerror=alert(10)>.txt"  # file names are text too (shown in the article's footer)
HOSTILE_TITLE = "</title><img src=x onerror=alert(6)>鸡蛋灌饼"
TITLE_PAGE = page(HOSTILE_TITLE, ["4月4日，开化县举办了美食节活动，吸引了很多游客参加，现场十分热闹。"])
CHROME_ONLY = "今日衢州\n\n2023年4月5日 星期三\n\n责任编辑:王五 版式:赵六\n"
SOURCES = """\
files:
  good.txt:
    paper: 衢州日报
  "<img src=x onerror=alert(10)>.txt":
    date: 2023-04-05
  good_gbk.txt:
    date: 2023-13
  missing.txt:
    date: 2023
"""
BAD_DATE_LINE, MISSING_LINE = 7, 8

CORPUS = {
    "good.txt": GOOD.replace("\n", "\r\n").encode("utf-8"),  # Windows line endings
    "good_copy.txt": GOOD.replace("\n", "\r\n").encode("utf-8"),  # the same page exported twice
    "good_gbk.txt": GOOD_GBK.encode("gbk"),
    "good_utf16.txt": GOOD_UTF16.encode("utf-16"),  # with BOM
    "control.txt": CONTROL.encode("gb18030"),
    HOSTILE_FILE: codecs.BOM_UTF8 + HOSTILE.encode("utf-8"),
    "hostile_title.txt": TITLE_PAGE.encode("utf-8"),
    "chrome_only.txt": CHROME_ONLY.encode("utf-8"),
    "empty.txt": b"",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "mojibake.txt": ("Café crème à la française, déjà vu. " * 40).encode("latin-1"),
    "huge.txt": GOOD.encode("utf-8") * (20_000_000 // len(GOOD.encode("utf-8"))),
    "sources.yml": SOURCES.encode("utf-8"),
}
BUILT_SOURCES = {"good.txt", "good_gbk.txt", "good_utf16.txt", "control.txt", HOSTILE_FILE, "hostile_title.txt"}
REPORT_LINE = re.compile(r"^  (?P<source>[^:\s]+)(?::(?P<line>\d+))?: \[(?P<kind>[\w-]+)\] (?P<message>.*)$")


@dataclass
class Build:
    root: Path
    code: int
    out: str
    err: str
    docs: Path
    site: Path

    def issues(self, kind: str) -> list[dict]:
        found = (REPORT_LINE.match(line) for line in (self.out + self.err).splitlines())
        return [m.groupdict() for m in found if m and m["kind"] == kind]

    def articles(self) -> dict[str, dict]:
        """{slug: front matter} of every article page written to docs/."""
        pages = {}
        for path in sorted((self.docs / "articles").rglob("*.md")):
            _, meta = get_data(path.read_text("utf-8"))
            pages[path.relative_to(self.docs).with_suffix("").as_posix()] = meta
        return pages

    def article_url(self, source: str) -> str:
        return next(slug for slug, meta in self.articles().items() if meta["source"] == source) + ".html"


def write_corpus(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def run_build(corpus_dir: Path, root: Path, strict: bool = False) -> Build:
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.build(corpus_dir, root / "site", root / "docs", strict=strict)
    return Build(root, code, out.getvalue(), err.getvalue(), root / "docs", root / "site")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Build:
    root = tmp_path_factory.mktemp("hostile")
    return run_build(write_corpus(root / "corpus", CORPUS), root, strict=True)


# --- the report ----------------------------------------------------------------------------


@pytest.mark.parametrize("source, kind", [
    ("empty.txt", "empty"), ("binary.txt", "binary"), ("huge.txt", "too-large"), ("mojibake.txt", "undecodable"),
    ("chrome_only.txt", "no-articles"), ("control.txt", "control-characters"), ("good_copy.txt", "duplicate"),
])
def test_each_broken_file_gets_its_warning(built, source, kind):
    assert source in {issue["source"] for issue in built.issues(kind)}, built.out + built.err


def test_removed_control_characters_are_counted(built):
    [issue] = built.issues("control-characters")
    assert issue["message"].startswith(f"removed {CONTROL_CHARACTERS} control character(s)")


def test_sources_problems_name_line_and_key(built):
    problems = {(i["line"], i["message"]) for i in built.issues("bad-sources")}
    assert any(line == str(BAD_DATE_LINE) and msg.startswith("good_gbk.txt: date:") and "2023-13" in msg
               for line, msg in problems), problems
    assert (str(MISSING_LINE), "missing.txt: no such page file beside sources.yml") in problems


def test_strict_build_fails_but_the_site_is_built(built):
    assert built.code == 1
    assert "strict:" in built.err
    assert (built.site / "index.html").exists()


# --- what was built ------------------------------------------------------------------------


def test_good_files_build_once_each(built):
    articles = built.articles()
    assert {meta["source"] for meta in articles.values()} == BUILT_SOURCES
    titles = {meta["title"] for meta in articles.values()}
    assert {"柯城区举办春季招聘会", "龙游县新建三所幼儿园", "江山市开展文明城市创建", "常山县胡柚喜获丰收"} <= titles
    for slug in articles:
        assert (built.site / f"{slug}.html").is_file()


def test_facts_and_line_numbers_survive_odd_encodings(built):
    by_source = {meta["source"]: meta for meta in built.articles().values()}
    assert by_source["good.txt"]["paper"] == "衢州日报"  # sources.yml, with Windows line endings in the page
    assert by_source["good.txt"]["source_line"] == 7  # the headline's line, as an editor shows it
    assert by_source["good_gbk.txt"]["date"] == "2023-04-05"  # the bad sources.yml date was dropped: masthead wins
    assert "\x07" not in by_source["control.txt"]["title"]


def test_every_page_has_a_content_security_policy_and_no_external_resource(built):
    external = re.compile(r"""<(?:script|link|img|iframe|source|object|embed)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""")
    pages = sorted(built.site.rglob("*.html"))
    assert pages
    for path in pages:
        html = path.read_text("utf-8")
        assert '<meta http-equiv="Content-Security-Policy"' in html, path
        assert not external.search(html), (path, external.search(html).group(0))


# --- in the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(built):
    handler = functools.partial(_QuietHandler, directory=str(built.site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
        httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# `browser`: the session-wide headless Chromium of tests/conftest.py (one Playwright per process)


def open_page(browser, url: str):
    """Load `url`; return the page, the dialogs that fired and every URL requested."""
    page = browser.new_page()
    dialogs, requests = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)  # time for an injected onerror/onload to fire
    return page, dialogs, requests


INJECTED = """() => ({
    pwned: window.__pwned === undefined ? null : window.__pwned,
    handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes].map(a => a.name))
        .filter(name => name.startsWith('on')),
    jsLinks: document.querySelectorAll('[href^="javascript:" i], [src^="javascript:" i]').length,
    bodyElements: [...document.querySelectorAll('.qz-body *')].map(el => el.tagName.toLowerCase()),
})"""


def squash(text: str) -> str:
    return "".join(text.split())


def test_xss_payloads_show_as_text_and_never_run(built, server, browser):
    page, dialogs, requests = open_page(browser, server + built.article_url(HOSTILE_FILE))
    try:
        found = page.evaluate(INJECTED)
        shown = squash(page.inner_text(".qz-body"))
        footer = page.text_content(".qz-report")  # the source file: only in the correction box (issue 22)
    finally:
        page.close()
    assert dialogs == []
    assert found["pwned"] is None and found["handlers"] == [] and found["jsLinks"] == 0
    assert set(found["bodyElements"]) <= {"p", "div"}  # paragraphs and the hidden search grams
    for payload in PAYLOADS:
        assert squash(payload) in shown, payload
    assert HOSTILE_FILE in footer
    assert all(url.startswith(server) for url in requests), [u for u in requests if not u.startswith(server)]


def test_hostile_headline_shows_as_text_and_never_runs(built, server, browser):
    page, dialogs, _ = open_page(browser, server + built.article_url("hostile_title.txt"))
    try:
        found = page.evaluate(INJECTED)
        heading = page.inner_text("h1")
        title = page.title()
    finally:
        page.close()
    assert heading == HOSTILE_TITLE
    assert dialogs == [] and found["handlers"] == []
    assert title.startswith(HOSTILE_TITLE)


def test_search_results_show_a_hostile_headline_as_text(built, server, browser):
    page, dialogs, requests = open_page(browser, server + "search.html?q=鸡蛋灌饼")
    try:
        page.wait_for_selector(".qz-search__results li", timeout=15_000)
        page.wait_for_timeout(500)
        results = page.inner_text(".qz-search__results")
        found = page.evaluate(INJECTED)
    finally:
        page.close()
    assert squash(HOSTILE_TITLE) in squash(results)
    assert dialogs == [] and found["handlers"] == []
    assert all(url.startswith(server) for url in requests)


# --- failed builds -------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def previous_site(built, tmp_path) -> Path:
    """A copy of the built site where a new build will try to go."""
    shutil.copytree(built.site, tmp_path / "site")
    return tmp_path


def fail_after_writing(out_dir: Path) -> None:
    (out_dir / "index.html").write_text("half-written", "utf-8")
    raise builder.BuildError("mkdocs build failed (exit 1): broken config")


def _mkdocs_fails(docs_dir, out_dir, epoch):
    fail_after_writing(out_dir)


def _pagefind_fails(site_dir):
    raise builder.BuildError("pagefind failed (exit 1)")


def _offline_fails(site_dir, *args):
    raise offline.OfflineBundleError("no pagefind.js")


def _interrupted(site_dir):
    (site_dir / "index.html").write_text("half-written", "utf-8")
    raise KeyboardInterrupt


def _bundle_changed(site_dir):
    raise ValueError("not a Pagefind data file")


@pytest.mark.parametrize("stage, replacement", [
    ("builder.mkdocs_build", _mkdocs_fails), ("builder.pagefind", _pagefind_fails),
    ("stable_bundle.canonicalise_bundle", _bundle_changed), ("offline.write_offline_bundle", _offline_fails),
    ("builder.pagefind", _interrupted),
])
def test_failed_build_leaves_the_previous_site_untouched(previous_site, monkeypatch, stage, replacement):
    before = snapshot(previous_site / "site")
    module, name = stage.split(".")
    monkeypatch.setattr({"builder": builder, "offline": offline, "stable_bundle": stable_bundle}[module], name, replacement)
    corpus_dir = write_corpus(previous_site / "corpus", {"good.txt": GOOD.encode("utf-8")})
    if replacement is _interrupted:
        with pytest.raises(KeyboardInterrupt):
            run_build(corpus_dir, previous_site)
    else:
        result = run_build(corpus_dir, previous_site)
        assert result.code == 1
        assert "the previous site" in result.err and "untouched" in result.err
    assert snapshot(previous_site / "site") == before
    # no staging left; the report files say what failed
    reports = [] if replacement is _interrupted else ["build-report.json", "build-report.txt"]
    assert sorted(p.name for p in previous_site.iterdir()) == [*reports, "corpus", "docs", "site"]
    if reports:
        assert "untouched" in (previous_site / "build-report.txt").read_text("utf-8")


def test_nothing_readable_leaves_the_previous_site_untouched(previous_site):
    before = snapshot(previous_site / "site")
    corpus_dir = write_corpus(previous_site / "corpus", {"empty.txt": b"", "binary.txt": b"\x00\x01"})
    result = run_build(corpus_dir, previous_site)
    assert result.code == 1 and "no readable page dump" in result.err
    assert snapshot(previous_site / "site") == before


def test_missing_corpus_folder(tmp_path):
    result = run_build(tmp_path / "nowhere", tmp_path)
    assert result.code == 1 and "corpus folder not found" in result.err


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "thesis.tex").write_text("years of work", "utf-8")
    corpus_dir = write_corpus(tmp_path / "corpus", {"good.txt": GOOD.encode("utf-8")})
    result = run_build(corpus_dir, tmp_path)
    assert result.code == 1 and "refusing to replace" in result.err
    assert (tmp_path / "site" / "thesis.tex").read_text("utf-8") == "years of work"


# --- --strict (the slow stages replaced) -----------------------------------------------------


@pytest.fixture
def no_site_build(monkeypatch):
    monkeypatch.setattr(builder, "build_site", lambda *args: SimpleNamespace(bundle_bytes=0, twin_bytes=0))


@pytest.mark.parametrize("files, strict, code", [
    ({"good.txt": GOOD.encode("utf-8")}, True, 0),
    ({"good.txt": GOOD.encode("utf-8"), "empty.txt": b""}, False, 0),
    ({"good.txt": GOOD.encode("utf-8"), "empty.txt": b""}, True, 1),
])
def test_strict_turns_warnings_into_a_failing_exit_code(tmp_path, no_site_build, files, strict, code):
    result = run_build(write_corpus(tmp_path / "corpus", files), tmp_path, strict=strict)
    assert result.code == code, result.out + result.err


def test_strict_on_the_command_line(tmp_path, no_site_build):
    corpus_dir = write_corpus(tmp_path / "corpus", {"good.txt": GOOD.encode("utf-8"), "empty.txt": b""})
    args = ["build", "--corpus", str(corpus_dir), "--site", str(tmp_path / "site"), "--docs", str(tmp_path / "docs")]
    with redirect_stdout(StringIO()), redirect_stderr(StringIO()):
        assert cli.main(args) == 0
        assert cli.main([*args, "--strict"]) == 1


# --- fuzz: the segmenter and the renderer never crash nor lose text ---------------------------

LINES = [
    "今日衢州", "2023年4月5日 星期三", "责任编辑:王五", "第3版", "柯城区举办春季招聘会", "# 衢州:工业强市",
    "## 柯城:稳住工业经济", "本报讯（记者 张三）", "郑晨 陈菊梅", "记者 刘威 通讯员 叶竞", "许军 摄",
    "（本版图片由衢江区委宣传部提供）", "评论", "富强 民主 文明 和谐",
    "4月4日，柯城区在人民广场举办春季招聘会，共有120家企业参加。", "据介绍，这次招聘会重点面向高校毕业生和返乡",
    "青年，现场达成就业意向800余人。", "象,提高城市综合能力。", "“顶风作", "<script>alert(1)</script>",
    "{{ 7*7 }}", "---", "title: x", "| a | b |", "* 列表", "", "", "    ", "#", "######", "（", "）",
]
page_like = st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=60)), max_size=40).map("\n".join)
NAMES = frozenset({"柯城", "衢江", "龙游", "江山", "常山", "开化", "衢州", "柯城区", "衢江区"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), page_like))
def test_segmenter_and_renderer_take_any_text(text):
    result = segment_page(text, "fuzz.txt", NAMES)
    assert not conservation(text, result)
    for article in result.articles:
        article = article.__class__(**{**article.__dict__, "slug": addresses.article_slug(article)})
        _, meta = get_data(render.article_markdown(article))
        assert meta == render.front_matter(article)
