"""Swapping a new site in (builder.swap_in): atomic, the previous one deleted without waiting."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from build_archive.site import builder


def make(folder: Path, text: str) -> Path:
    (folder / "articles").mkdir(parents=True)
    (folder / "index.html").write_text(text, "utf-8")
    (folder / "articles" / "a.html").write_text(text, "utf-8")
    return folder


def olds(parent: Path) -> list[Path]:
    return sorted(parent.glob(".site-old*"))


def test_the_new_site_replaces_the_old_which_is_then_deleted(tmp_path):
    live = make(tmp_path / "site", "old")
    leftover = make(tmp_path / ".site-old", "from a build killed before")
    builder.swap_in(make(tmp_path / ".site-building-1", "new"), live)
    assert (live / "index.html").read_text("utf-8") == "new"
    assert not leftover.exists()
    deadline = time.monotonic() + 20
    while olds(tmp_path) and time.monotonic() < deadline:  # the detached deleter
        time.sleep(0.05)
    assert olds(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failed_swap_puts_the_previous_site_back(tmp_path):
    live = make(tmp_path / "site", "old")
    with pytest.raises(builder.BuildError):
        builder.swap_in(tmp_path / "missing", live)
    assert (live / "index.html").read_text("utf-8") == "old"
    assert (live / "articles" / "a.html").read_text("utf-8") == "old"


def test_a_first_build_needs_no_previous_site(tmp_path):
    builder.swap_in(make(tmp_path / ".site-building-1", "new"), tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text("utf-8") == "new"
