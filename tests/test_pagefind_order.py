"""Pagefind numbers pages in path order, whatever order the file system lists them in (issue 24).

Pagefind's own folder walk reads pages in the file system's listing order (creation order on
tmpfs, a seeded name hash on ext4), and numbers them so: the same pages gave two bundles.
builder.pagefind feeds them to Pagefind's service in path order instead.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_archive.search import pagefind_service, parts, stable_bundle
from build_archive.site import builder

RAM = Path("/dev/shm")


def indexed_pages(built: Path) -> dict[str, str]:
    """The sample site's article pages as the build gives them to Pagefind, by path."""
    site = built / "site"
    return {p.relative_to(site).as_posix(): parts.indexed_page(p.read_text("utf-8"))
            for p in sorted((site / "articles").rglob("*.html"))}


def write_in_order(folder: Path, pages: dict[str, str], order: list[str]) -> Path:
    """The pages written one by one in `order` (the order tmpfs lists them in), each folder made as first needed."""
    for rel in order:
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(pages[rel], "utf-8")
    return folder


def numbered_urls(bundle: Path) -> list[str]:
    """The pages' URLs in the order Pagefind numbered them (the meta's page list, then each fragment)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    (language,) = entry["languages"].values()
    meta = stable_bundle.read_chunk(bundle / f"pagefind.{language['hash']}.pf_meta")
    urls = []
    for page_hash, _words in meta[1]:
        raw = gzip.decompress((bundle / "fragment" / f"{page_hash}.pf_fragment").read_bytes())
        urls.append(json.loads(raw[len(stable_bundle.MAGIC):])["url"])
    return urls


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture()
def scratch_roots(tmp_path):
    """Folders on the test's disk and, where there is one, on tmpfs (creation-order listings)."""
    roots = [tmp_path / "disk"]
    ram = None
    if RAM.is_dir() and os.access(RAM, os.W_OK):
        ram = Path(os.path.join(RAM, f"qz-order-test-{os.getpid()}"))
        shutil.rmtree(ram, ignore_errors=True)
        roots.append(ram)
    yield roots
    if ram:
        shutil.rmtree(ram, ignore_errors=True)


def test_pages_are_numbered_in_path_order_however_they_were_created(built, scratch_roots):
    pages = indexed_pages(built)
    assert len(pages) >= 20
    ordered = sorted(pages)
    bundles, by_command_line = [], []
    for root in scratch_roots:
        for name, order in (("sorted", ordered), ("reversed", ordered[::-1]), ("shuffled", ordered[1::2] + ordered[::2])):
            folder = write_in_order(root / name, pages, order)
            # tmpfs lists newest first: written in reverse path order, Pagefind's own walk is in path
            # order and builder.pagefind runs its command line; else its service, fed in path order
            by_command_line.append(pagefind_service.listed_in_path_order(folder))
            builder.pagefind(folder)
            stable_bundle.canonicalise_bundle(folder)
            assert numbered_urls(folder / "pagefind") == ["/" + rel for rel in ordered], (root, name)
            bundles.append(tree(folder / "pagefind"))
    assert all(bundle == bundles[0] for bundle in bundles[1:])
    if len(scratch_roots) > 1:  # both ways were taken
        assert by_command_line[3:] == [False, True, False] and not any(by_command_line[:3])


@pytest.mark.skipif(not (RAM.is_dir() and os.access(RAM, os.W_OK)), reason="needs tmpfs at /dev/shm")
def test_pagefinds_own_walk_numbers_in_listing_order(built, scratch_roots):
    """Why the service is fed: the command line over tmpfs numbers pages in the folder's listing
    order, which follows creation order there, so two creation orders give two numberings."""
    pages = indexed_pages(built)
    ordered = sorted(pages)
    numberings = []
    for name, order in (("sorted-cli", ordered), ("reversed-cli", ordered[::-1])):
        folder = write_in_order(scratch_roots[-1] / name, pages, order)
        subprocess.run([sys.executable, "-m", "pagefind_bin_extended", "--site", str(folder)], check=True,
                       capture_output=True)
        numberings.append(numbered_urls(folder / "pagefind"))
    assert sorted(numberings[0]) == sorted(numberings[1]) == ["/" + rel for rel in ordered]
    assert numberings[0] != numberings[1]


def test_a_service_that_does_not_start_is_a_build_error(tmp_path, monkeypatch):
    """No answer from the service is a BuildError saying so (the build then keeps the previous site)."""
    write_in_order(tmp_path / "site", {"articles/a.html": "<html lang='zh'><body data-pagefind-body>甲乙</body></html>"},
                   ["articles/a.html"])
    monkeypatch.setattr(pagefind_service, "listed_in_path_order", lambda folder: False)  # one page: it would be
    monkeypatch.setattr(pagefind_service, "executable", lambda: sys.executable)  # not Pagefind: says nothing back
    with pytest.raises(builder.BuildError, match="Pagefind.s service (did not start|stopped after 0 of 1 pages)"):
        builder.pagefind(tmp_path / "site")
