"""Incremental builds: the page cache, the worker pool, and MkDocs `--dirty`.

The key property: a site updated incrementally (cached pages, only the changed
pages rendered by MkDocs) is byte-identical, docs/ and site/, to a clean full
build of the same corpus. One module-scoped sequence of real builds (~20 s):
the sample corpus without 003 (whose date is the newest, so adding it moves
SOURCE_DATE_EPOCH too), then with it, then without it again, each compared
with a clean build.
"""
from __future__ import annotations

import os
import pickle
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
import yaml

from build_archive.scale import cache
from build_archive import cli, pipeline
from build_archive.extract import corpus, themes
from build_archive.site import incremental, builder
from build_archive.site import docs
from build_archive.extract import keywords
from build_archive import models
from build_archive.site import render
from build_archive.extract import words

PROJECT = Path(__file__).resolve().parent.parent
HELD_OUT = "003_3ed9d74e6378c7df.txt"  # the newest page (2024-02)


@dataclass
class Build:
    code: int
    out: str
    docs: Path
    site: Path


def run_build(corpus_dir: Path, root: Path, cache_dir: Path | None, full: bool = False) -> Build:
    out = StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = cli.build(corpus_dir, root / "site", root / "docs", cache_dir=cache_dir, full=full)
    return Build(code, out.getvalue(), root / "docs", root / "site")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_tree(got: Path, want: Path) -> None:
    got_files, want_files = tree(got), tree(want)
    assert sorted(got_files) == sorted(want_files), (
        f"only in {got.name}: {sorted(set(got_files) - set(want_files))[:5]},"
        f" only in the clean build: {sorted(set(want_files) - set(got_files))[:5]}")
    differ = [rel for rel in got_files if got_files[rel] != want_files[rel]]
    assert not differ, f"{len(differ)} files differ from a clean build, e.g. {differ[:5]}"
    empty = [p for p in got.rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert not empty, f"empty folders left: {empty[:3]}"


def copy_corpus(to: Path, without: str | None = None) -> Path:
    shutil.copytree(PROJECT / "corpus", to)
    if without:
        (to / without).unlink()
    return to


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    """Builds in one working folder with one cache: without 003, with it, without it again."""
    root = tmp_path_factory.mktemp("incremental")
    work, cache_dir = root / "work", root / "cache"
    source = copy_corpus(root / "corpus", without=HELD_OUT)
    with pytest.MonkeyPatch.context() as patch:  # as fixed_fingerprint, for the module
        fixed = cache.code_fingerprint()
        patch.setattr(cache, "code_fingerprint", lambda package=None: fixed)
        steps = {"first": run_build(source, work, cache_dir)}
        shutil.copytree(work, root / "first", ignore=shutil.ignore_patterns(".site-old-*"))  # not what a detached process is deleting  # what a build without 003 looks like
        shutil.copy2(PROJECT / "corpus" / HELD_OUT, source / HELD_OUT)
        steps["added"] = run_build(source, work, cache_dir)
        added_docs, added_site = root / "added-docs", root / "added-site"
        shutil.copytree(work / "docs", added_docs)
        shutil.copytree(work / "site", added_site)
        steps["clean"] = run_build(copy_corpus(root / "whole"), root / "clean", None)
        (source / HELD_OUT).unlink()
        steps["removed"] = run_build(source, work, cache_dir)
    return root, steps, added_docs, added_site


def test_adding_a_page_updates_the_site_as_a_clean_build_would(sequence):
    root, steps, added_docs, added_site = sequence
    assert all(step.code == 0 for step in steps.values()), {k: s.out[-2000:] for k, s in steps.items() if s.code}
    assert "mkdocs: full build (no record of a previous build)" in steps["first"].out
    assert "mkdocs: incremental" in steps["added"].out  # MkDocs --dirty ran on a copy of the previous site
    assert "cache: 4 of 5 pages reused" in steps["added"].out  # only the new page was extracted
    assert_same_tree(added_docs, root / "clean" / "docs")
    assert_same_tree(added_site, root / "clean" / "site")


def test_removing_a_page_removes_its_articles(sequence):
    root, steps, _, added_site = sequence
    assert "mkdocs: incremental" in steps["removed"].out
    gone = [rel for rel in tree(added_site) if rel not in tree(steps["removed"].site)]
    assert any(rel.startswith("articles/") for rel in gone), "003's article page was not removed"
    assert_same_tree(steps["removed"].docs, root / "first" / "docs")
    assert_same_tree(steps["removed"].site, root / "first" / "site")


def test_a_changed_mkdocs_yml_rebuilds_every_page(tmp_path, monkeypatch):
    """A dirty build would leave the old site name in every page it did not render."""
    work, cache_dir = tmp_path / "work", tmp_path / "cache"
    source = copy_corpus(tmp_path / "corpus")
    assert run_build(source, work, cache_dir).code == 0
    config = yaml.safe_load(builder.CONFIG.read_text("utf-8"))
    config["site_name"] = "改名后的档案"
    renamed = tmp_path / "mkdocs.yml"
    renamed.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    monkeypatch.setattr(builder, "CONFIG", renamed)
    again = run_build(source, work, cache_dir)
    assert again.code == 0
    assert "mkdocs: full build (mkdocs.yml, overrides/" in again.out
    pages = sorted((work / "site" / "articles").rglob("*.html"))
    assert pages and all("改名后的档案" in p.read_text("utf-8") for p in pages)


@pytest.fixture
def fixed_fingerprint(monkeypatch):
    """One code fingerprint for a test: an edit to the package while it runs
    (several people work in one checkout) must not look like a cache miss."""
    fixed = cache.code_fingerprint()
    monkeypatch.setattr(cache, "code_fingerprint", lambda package=None: fixed)


def test_a_replaced_site_or_full_means_a_full_build(tmp_path, fixed_fingerprint):
    """The record names the site folder it describes: here a build without the cache replaced it."""
    work, cache_dir = tmp_path / "work", tmp_path / "cache"
    source = copy_corpus(tmp_path / "corpus")
    assert run_build(source, work, cache_dir).code == 0
    assert run_build(source, work, None).code == 0
    third = run_build(source, work, cache_dir)
    assert "mkdocs: full build (the site folder is not the one last built with this cache)" in third.out
    assert "cache: 5 of 5 pages reused" in third.out
    assert re.search(r"^docs cache: (\d+) of \1 article pages already in", third.out, re.MULTILINE)
    full = run_build(source, work, cache_dir, full=True)
    assert "cache: 0 of 5 pages reused" in full.out
    assert "docs cache: 0 of" in full.out
    assert "mkdocs: full build (--full)" in full.out


def test_a_failed_incremental_build_leaves_the_previous_site_as_it_was(tmp_path, monkeypatch, fixed_fingerprint):
    """Unchanged pages are hard links into the live site: MkDocs must never write through them,
    not even for a page whose Markdown file is newer than its HTML (same text, written anew)."""
    work, cache_dir = tmp_path / "work", tmp_path / "cache"
    source = copy_corpus(tmp_path / "corpus")
    assert run_build(source, work, cache_dir).code == 0
    before = tree(work / "site")
    inodes = {rel: (work / "site" / rel).stat().st_ino for rel in before}
    mtimes = {rel: (work / "site" / rel).stat().st_mtime_ns for rel in before}
    page = source / "001_19db697eee0491fa.txt"
    page.write_text(page.read_text("utf-8").replace("衢州", "衢洲", 1), "utf-8")  # one article changes
    pages = sorted((work / "docs" / "articles").rglob("*.md"))
    later = max(mtimes.values()) + 10**10
    for path in pages:  # every page's file newer than its HTML: MkDocs alone would render them all
        os.utime(path, ns=(later, later))
    seen = {}

    def index_site(staging, *args, **kwargs):  # after MkDocs ran in the staging folder: fail
        seen.update({rel: (staging / rel).stat().st_ino for rel in before if (staging / rel).is_file()})
        raise builder.indexing.SearchIndexError("stopped by the test")

    monkeypatch.setattr(builder.indexing, "index_site", index_site)
    failed = run_build(source, work, cache_dir)
    assert failed.code == 1 and "stopped by the test" in failed.out
    assert tree(work / "site") == before
    shared = [rel for rel in seen if seen[rel] == inodes[rel]]
    assert any(rel.startswith("articles/") for rel in shared)  # hard links were used…
    assert "404.html" not in shared and "sitemap.xml" not in shared  # …never for what MkDocs rewrites
    assert any(rel.endswith(".html") and rel not in shared for rel in seen)  # changed pages were written anew
    # nothing written through a link (same bytes, but not atomic): only seed moved mtimes, to the docs' mtime
    written = [rel for rel in shared if (work / "site" / rel).stat().st_mtime_ns not in (mtimes[rel], later)]
    assert not written, written[:3]


def test_seed_prepares_a_copy_of_the_previous_site(tmp_path):
    """Hashes, not mtimes, decide: a changed page with an old mtime is still rendered anew."""
    previous, docs, staging = tmp_path / "site", tmp_path / "docs", tmp_path / "staging"
    for rel in ["articles/a.html", "articles/b.html", "articles/2024/c.html", "pagefind/pagefind.js", "404.html"]:
        (previous / rel).parent.mkdir(parents=True, exist_ok=True)
        (previous / rel).write_text(rel, "utf-8")
    (docs / "articles").mkdir(parents=True)
    (docs / "articles" / "a.md").write_text("changed", "utf-8")
    (docs / "articles" / "b.md").write_text("same", "utf-8")
    old = (previous / "articles" / "a.html").stat().st_mtime_ns - 10**9
    os.utime(docs / "articles" / "a.md", ns=(old, old))  # older than its output: MkDocs alone would skip it
    new = (previous / "articles" / "b.html").stat().st_mtime_ns + 10**9
    os.utime(docs / "articles" / "b.md", ns=(new, new))  # newer, same content: rendering it is wasted work
    plan = incremental.Plan(changed=("articles/a.md",), removed=("articles/2024/c.md",), unchanged=("articles/b.md",))
    incremental.seed(previous, staging, docs, plan, use_directory_urls=False)
    assert sorted(tree(staging)) == ["404.html", "articles/b.html"]
    assert not (staging / "articles" / "2024").exists() and not (staging / "pagefind").exists()
    assert (staging / "articles" / "b.html").stat().st_mtime_ns >= new
    assert (staging / "articles" / "b.html").stat().st_ino == (previous / "articles" / "b.html").stat().st_ino
    assert (staging / "404.html").stat().st_ino != (previous / "404.html").stat().st_ino
    assert (previous / "articles" / "a.html").read_text("utf-8") == "articles/a.html"  # the live site untouched


# --- the page cache -----------------------------------------------------------------------


def report_text(report: models.Report) -> str:
    report.seconds = {}
    return report.text()


@pytest.fixture(scope="module")
def pages():
    found, _ = corpus.read_corpus(PROJECT / "corpus")
    return found


@pytest.fixture(scope="module")
def serial(pages):
    report = models.Report()
    articles = pipeline.extract(pages, report, pool_min_pages=10**9)
    return articles, report_text(report)


def test_pool_and_serial_paths_give_identical_articles(pages, serial):
    report = models.Report()
    articles = pipeline.extract(pages, report, pool_min_pages=1)  # 5 pages on 2 workers
    assert (articles, report_text(report)) == serial
    assert all(a.keywords for a in articles)


def test_cached_pages_give_identical_articles_and_report(pages, serial, tmp_path):
    first = cache.PageCache(tmp_path)
    pipeline.extract(pages, models.Report(), cache=first)
    assert (first.hits, first.misses) == (0, 5)
    again, report = cache.PageCache(tmp_path), models.Report()
    articles = pipeline.extract(pages, report, cache=again)
    assert (again.hits, again.misses) == (5, 0)
    assert (articles, report_text(report)) == serial


@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(path.read_bytes()[:100]),  # truncated
    lambda path: path.write_bytes(b"not a pickle at all"),
    lambda path: path.write_bytes(pickle.dumps({"another": "shape"})),
    lambda path: path.write_bytes(b""),
])
def test_a_corrupt_cache_entry_is_recomputed(pages, serial, tmp_path, damage):
    pipeline.extract(pages, models.Report(), cache=cache.PageCache(tmp_path))
    entries = sorted(tmp_path.rglob("*.pickle"))
    assert len(entries) == 5
    damage(entries[0])
    again, report = cache.PageCache(tmp_path), models.Report()
    articles = pipeline.extract(pages, report, cache=again)
    assert (again.hits, again.misses) == (4, 1)
    assert (articles, report_text(report)) == serial
    assert pickle.loads(entries[0].read_bytes()).articles  # written anew


def test_the_cache_key_follows_text_facts_and_name():
    key = cache.page_key("a.txt", "正文", {"date": "2023-04"})
    assert key == cache.page_key("a.txt", "正文", {"date": "2023-04"})
    assert key != cache.page_key("a.txt", "正文。", {"date": "2023-04"})
    assert key != cache.page_key("a.txt", "正文", {"date": "2023-05"})
    assert key != cache.page_key("b.txt", "正文", {"date": "2023-04"})


def test_the_code_fingerprint_follows_extraction_code_and_data(tmp_path):
    package = tmp_path / "build_archive"
    shutil.copytree(PROJECT / "build_archive", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.code_fingerprint(package)
    (package / "site" / "render.py").write_text("# output only\n", "utf-8")
    assert cache.code_fingerprint(package) == before
    (package / "extract" / "segment.py").write_text((package / "extract" / "segment.py").read_text("utf-8") + "\n# edited\n", "utf-8")
    edited = cache.code_fingerprint(package)
    assert edited != before
    (package / "extract" / "new_stage.py").write_text("# a new extraction module counts\n", "utf-8")
    assert cache.code_fingerprint(package) != edited
    edited = cache.code_fingerprint(package)
    (package / "data" / "themes.yml").write_text("changed\n", "utf-8")
    assert cache.code_fingerprint(package) != edited


def test_an_unwritable_cache_does_not_fail_the_build(pages, serial, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    broken = cache.PageCache(blocked)
    report = models.Report()
    assert (pipeline.extract(pages, report, cache=broken), report_text(report)) == serial
    assert broken.write_errors == 5 + 1  # each page, and the keyword memo


def test_an_article_page_is_rendered_again_unless_docs_holds_its_rendering(serial, tmp_path):
    articles, _ = serial
    docs, first, second = tmp_path / "docs", articles[0], articles[1]
    (docs / "articles").mkdir(parents=True)
    for name, article in (("a", first), ("b", second)):
        (docs / "articles" / f"{name}.md").write_text(render.article_markdown(article), "utf-8")
    cache.RenderedPages(tmp_path / "cache", docs).save({"articles/a.md": first, "articles/b.md": second})
    record = cache.RenderedPages(tmp_path / "cache", docs)
    assert record.unchanged("articles/a.md", first)
    assert not record.unchanged("articles/a.md", second)  # another article now has that path
    assert not record.unchanged("articles/c.md", first)  # never rendered
    (docs / "articles" / "b.md").write_text("edited by hand", "utf-8")
    assert not record.unchanged("articles/b.md", second)
    assert not cache.RenderedPages(tmp_path / "cache", docs, read=False).unchanged("articles/a.md", first)


def test_docs_files_keeps_what_is_unchanged_and_renders_the_rest(serial, monkeypatch):
    articles, _ = serial
    kept = f"{articles[0].slug}.md"
    files = docs.docs_files(articles, unchanged=lambda rel, article: rel == kept)
    assert files[kept] is None
    whole = docs.docs_files(articles)
    assert files == {**whole, kept: None}
    monkeypatch.setattr(docs, "POOL_MIN_RENDERS", 1)  # rendered in the worker pool: the same files
    assert list(docs.docs_files(articles).items()) == list(whole.items())


# --- keywords from per-page terms ---------------------------------------------------------


def test_terms_give_the_same_keywords_as_the_token_list(serial):
    articles, _ = serial
    tokens = [words.tokens(f"{a.title}\n{a.body}") for a in articles]
    terms = [keywords.Terms.of(t).tokens() for t in tokens]
    assert themes.build_idf(terms) == themes.build_idf(tokens)
    distinct = keywords._DistinctWords([keywords.Terms.of(t) for t in tokens])
    assert themes.build_idf(distinct) == themes.build_idf(tokens)
    idf = themes.build_idf(tokens)
    assert [themes.keywords(t, idf) for t in terms] == [themes.keywords(t, idf) for t in tokens]
    assert [themes.keywords(t, idf) for t in tokens] != [()] * len(tokens)


# --- what a dirty build depends on --------------------------------------------------------


@pytest.fixture
def inputs(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n", "utf-8")
    overrides, docs = tmp_path / "overrides", tmp_path / "docs"
    (overrides).mkdir()
    (overrides / "main.html").write_text("{% extends 'base.html' %}", "utf-8")
    (docs / "assets").mkdir(parents=True)
    (docs / "assets" / "a.css").write_text("body{}", "utf-8")
    (docs / "articles").mkdir()
    (docs / "articles" / "x.md").write_text("# x", "utf-8")
    return config, overrides, docs


@pytest.mark.parametrize("change, shared", [
    (lambda c, o, d: c.write_text("site_name: y\n", "utf-8"), True),
    (lambda c, o, d: (o / "main.html").write_text("{# #}", "utf-8"), True),
    (lambda c, o, d: (d / "assets" / "a.css").write_text("body{color:red}", "utf-8"), True),
    (lambda c, o, d: (d / "articles" / "x.md").write_text("# y", "utf-8"), False),
    (lambda c, o, d: (d / "data.json").write_text("[]", "utf-8"), False),
])
def test_the_fingerprint_holds_what_every_page_shares(inputs, change, shared):
    config, overrides, docs = inputs
    before = incremental.fingerprint(config, overrides, docs), incremental.page_hashes(docs)[0]
    change(config, overrides, docs)
    after = incremental.fingerprint(config, overrides, docs), incremental.page_hashes(docs)[0]
    assert (before[0] != after[0]) == shared
    assert (before[1] != after[1]) == (not shared)
    assert incremental.fingerprint(config, overrides, docs, site_url="https://x/") != after[0]


def test_page_hashes_read_only_files_whose_size_or_time_changed(tmp_path):
    (tmp_path / "a.md").write_text("# a", "utf-8")
    (tmp_path / "b.md").write_text("# b", "utf-8")
    hashes, stamps = incremental.page_hashes(tmp_path)
    assert hashes == {rel: stamp[2] for rel, stamp in stamps.items()} and len(set(hashes.values())) == 2
    # a recorded hash is trusted while the file keeps its size and mtime: "stale" proves it was not read
    previous = incremental.State("f", {}, stamps={rel: [*stamp[:2], "stale"] for rel, stamp in stamps.items()})
    assert incremental.page_hashes(tmp_path, previous)[0] == {"a.md": "stale", "b.md": "stale"}
    (tmp_path / "b.md").write_text("# B", "utf-8")  # same size, new mtime
    os.utime(tmp_path / "b.md", ns=(0, stamps["b.md"][1] + 1))
    again = incremental.page_hashes(tmp_path, previous)[0]
    assert again["a.md"] == "stale" and again["b.md"] not in ("stale", hashes["b.md"])
    # and the stamps survive the state file
    path = tmp_path / "state.json"
    incremental.save_state(path, incremental.State("f", hashes, (1, 2, 3), stamps))
    assert incremental.load_state(path).stamps == stamps


def test_an_untitled_nav_entry_forces_a_full_build():
    assert incremental.nav_titles_fixed([{"首页": "index.md"}, {"区县": [{"a": "districts/a.md"}]}])
    assert not incremental.nav_titles_fixed([{"首页": "index.md"}, "about.md"])
    assert not incremental.nav_titles_fixed(None)


@pytest.mark.parametrize("rel, flat, nested", [
    ("articles/2023/x.md", "articles/2023/x.html", "articles/2023/x/index.html"),
    ("index.md", "index.html", "index.html"),
    ("districts/index.md", "districts/index.html", "districts/index.html"),
    ("data/articles.json", "data/articles.json", "data/articles.json"),
])
def test_output_paths_are_where_mkdocs_writes(rel, flat, nested):
    from mkdocs.structure.files import File

    assert incremental.output_path(rel, False) == flat == File(rel, "docs", "site", False).dest_uri
    assert incremental.output_path(rel, True) == nested == File(rel, "docs", "site", True).dest_uri


def test_an_unreadable_record_means_a_full_build(tmp_path):
    record = tmp_path / "state.json"
    record.write_text("{not json", "utf-8")
    assert incremental.load_state(record) is None
    current = incremental.State("f", {"a.md": "1"})
    plan, why = incremental.plan(None, current, tmp_path, {"nav": [{"首页": "index.md"}]})
    assert plan is None and why == "no record of a previous build"
