"""A full MkDocs build split over several MkDocs processes (builder.mkdocs_full_build,
build_archive/site/mkdocs_share.py) gives the site one MkDocs process gives."""
from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from build_archive.site import mkdocs_share, builder


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


SITE_URL = "https://example.github.io/archive/"  # MkDocs then lists every page in sitemap.xml


@pytest.fixture(scope="module")
def single(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SITE_URL", SITE_URL)
        builder.mkdocs_build(built / "docs", out, 1700000000)
    return out


@pytest.mark.parametrize("jobs, per_run", [(2, 1000), (2, 13)])
def test_shared_build_equals_one_process(built, single, tmp_path, jobs, per_run, monkeypatch):
    monkeypatch.setattr(builder, "MKDOCS_SPLIT_FROM", 1)  # the sample is small: split it anyway
    monkeypatch.setenv("SITE_URL", SITE_URL)
    assert (single / "sitemap.xml").read_text("utf-8").count("<url>") >= 22
    out = tmp_path / "site"
    runs = builder.mkdocs_full_build(built / "docs", out, 1700000000, jobs=jobs, per_run=per_run)
    pages = len(list((built / "docs").rglob("*.md")))
    assert runs == builder.share_count(pages, jobs, per_run) and runs >= 2 and runs % jobs == 0
    assert sorted(tree(out)) == sorted(tree(single)), "a page or file missing, or extra"
    different = [rel for rel in tree(single) if not filecmp.cmp(single / rel, out / rel, shallow=False)]
    assert different == []
    assert not list(tmp_path.glob("site-share*")), "the shares' folders are removed"


@pytest.mark.parametrize("pages, shares", [(199, 1), (200, 2), (10_800, 2), (40_000, 2), (40_001, 4),
                                           (60_001, 4), (107_185, 6), (220_000, 12)])
def test_shares_are_a_multiple_of_the_jobs_and_at_most_per_run_pages(pages, shares):
    """No share runs alone at the end while a core waits; none holds more than per_run pages."""
    assert builder.share_count(pages, 2, 20_000) == shares


def test_a_small_site_is_one_process(built, tmp_path):
    assert builder.mkdocs_full_build(built / "docs", tmp_path / "site", 1700000000, per_run=10**6) == 1


def test_each_share_renders_only_its_pages(built, tmp_path, monkeypatch):
    """Share 1 of 3 writes every third page and none of the static files; share 0 has the assets."""
    pages = sorted(p.relative_to(built / "docs").as_posix() for p in (built / "docs").rglob("*.md"))
    mine = {p for i, p in enumerate(pages) if mkdocs_share.share_of(i, 3) == 1}
    out = tmp_path / "share1"
    builder.mkdocs_build(built / "docs", out, 1700000000, share=(1, 3))
    everyone = {"404.html", "sitemap.xml", "sitemap.xml.gz"}  # what every MkDocs run writes
    written = set(tree(out)) - everyone
    assert written == {p[:-3] + ".html" for p in mine}
    zero = tmp_path / "share0"
    builder.mkdocs_build(built / "docs", zero, 1700000000, share=(0, 3))
    assert (zero / "assets" / "javascripts" / "search.js").is_file()
    assert not (zero / f"{sorted(mine)[0][:-3]}.html").exists()


def test_failing_share_fails_the_build_and_cleans_up(built, tmp_path, monkeypatch):
    def fail(docs_dir, out_dir, epoch, dirty=False, share=None):
        out_dir.mkdir(parents=True, exist_ok=True)
        if share and share[0] == 1:
            raise builder.BuildError("mkdocs build failed (exit 1)")
    monkeypatch.setattr(builder, "mkdocs_build", fail)
    monkeypatch.setattr(builder, "MKDOCS_SPLIT_FROM", 1)
    with pytest.raises(builder.BuildError):
        builder.mkdocs_full_build(built / "docs", tmp_path / "site", 1700000000, jobs=2, per_run=1000)
    assert not list(tmp_path.glob("site-share*"))
