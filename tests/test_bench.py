"""The bench: its synthetic corpus really exercises segmentation, and its figures are measured."""
from __future__ import annotations

import datetime as dt
import json
import re
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from build_archive import bench, pipeline
from build_archive.extract import corpus
from build_archive.search import parts, bigrams
from build_archive import models

PROJECT = Path(__file__).resolve().parent.parent


def extract(files: dict[str, str], folder: Path):
    bench.write_corpus(files, folder)
    pages, issues = corpus.read_corpus(folder)
    report = models.Report(issues=issues)
    return pipeline.extract(pages, report), report


@pytest.mark.parametrize("seed", [0, 7])
def test_segmentation_finds_every_generated_article(tmp_path, seed):
    files = bench.synthetic_corpus(60, seed)
    articles, report = extract(files, tmp_path)
    assert len(articles) == 60
    assert report.unaccounted == 0
    assert report.unassigned == []
    assert not [i for i in report.issues if i.kind in ("duplicate", "headline-without-body", "no-date", "unaccounted")]
    # two days of 30, dated by the masthead; all seven districts named and found
    assert Counter(a.date for a in articles) == {"2015-01-01": 30, "2015-01-02": 30}
    assert {a.date_precision for a in articles} == {"day"}
    districts = {full for full, _ in bench.DISTRICTS}
    assert all(any(d in text for text in files.values()) for d in districts)
    assert {d for a in articles for d in a.districts} == districts
    # the shapes of the samples: 评论 columns, 本报讯 bylines, captions, rejoined column breaks
    assert any(a.type == "评论" for a in articles)
    assert any(b.startswith("本报讯") for a in articles for b in a.bylines)
    assert any(a.captions for a in articles)
    assert sum(len(a.body) for a in articles) < sum(len(t) for t in files.values())


def test_same_seed_same_corpus_and_one_more_day_extends_it():
    assert bench.synthetic_corpus(60, 3) == bench.synthetic_corpus(60, 3)
    assert bench.synthetic_corpus(60, 3) != bench.synthetic_corpus(60, 4)
    assert bench.synthetic_corpus(90, 3) == {**bench.synthetic_corpus(60, 3), **bench.day_pages(2, 3)}
    assert {name[:10] for name in bench.synthetic_corpus(45, 3)} == {"2015-01-01", "2015-01-02"}


def test_lunar_date_as_the_samples_print_it():
    assert bench.lunar_date(dt.date(2022, 7, 19)) == "农历壬寅年六月廿一"  # 004's masthead
    assert bench.lunar_date(dt.date(2024, 2, 18)) == "农历甲辰年正月初九"  # 大年初九 in 003
    assert bench.lunar_date(dt.date(2023, 3, 22)) == "农历癸卯年闰二月初一"
    assert bench.lunar_date(dt.date(2023, 3, 11)) == "农历癸卯年二月二十"


def test_parse_build_output():
    text = ("pages read: 5\narticles written: 22\ncharacters: 1000 read, 0 unaccounted (0 unassigned lines)\n"
            "warnings: continued 1\n  x.txt:3: [continued] …\n"
            "seconds: read 0.01, extract 1.34, keywords 1.45, docs 0.05, mkdocs 1.07, pagefind 0.59, offline 0.01\n"
            "docs: 52 files written, 0 stale files removed (/tmp/docs)\n")
    parsed = bench.parse_build_output(text)
    assert parsed["pages"] == 5 and parsed["articles"] == 22 and parsed["unaccounted"] == 0
    assert parsed["docs_written"] == 52 and parsed["warnings"] == "continued 1"
    assert list(parsed["stages"]) == ["read", "extract", "keywords", "docs", "mkdocs", "pagefind", "offline"]
    assert parsed["stages"]["keywords"] == 1.45


def test_memory_of_grandchildren_is_measured(tmp_path):
    """A build's MkDocs and Pagefind are its children: the sampler and wait4 must see them."""
    grandchild = "b = bytearray(150_000_000); import time; time.sleep(1.5)"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    run = bench.run_measured([sys.executable, "-c", child], tmp_path / "log")
    assert run.returncode == 0
    assert run.peak_single_mb >= 150, run  # wait4: the largest process of the tree (RSS)
    assert run.peak_tree_mb >= 150, run  # sampled: the child and its grandchild together (PSS)
    assert run.peak_by_kind_mb["other"] >= 150, run.peak_by_kind_mb


def test_the_search_parts_held_in_ram_count_as_the_builds_memory(tmp_path, monkeypatch):
    """The RAM folder Pagefind's parts are prepared in (search_index.RAM_FOLDER) is held by no
    process: what it grows by during the run is added to the tree's memory."""
    used = iter([300.0] + [420.0] * 10_000)  # MB in use: before the run, then while it runs
    monkeypatch.setattr(bench, "_ram_folder_mb", lambda: next(used))
    run = bench.run_measured([sys.executable, "-c", "import time; time.sleep(0.5)"], tmp_path / "log")
    assert run.peak_by_kind_mb["RAM folder"] == 120, run.peak_by_kind_mb
    assert run.peak_tree_mb >= 120 + 5, run  # the child's own memory besides


def test_bare_baseline_on_a_built_archive(built, tmp_path):
    """Bare MkDocs + Pagefind twice: with the search tokens our build indexes, and over the plain text."""
    figures = bench.bare_baseline(built / "docs", built / "site", tmp_path / "bare", tmp_path / "logs")
    for run in (figures, figures["plain"]):
        assert run["mkdocs_seconds"] > 0 and run["pagefind_seconds"] > 0 and run["bundle_mb"] > 0
    for form in ("tokens", "plain"):
        assert (tmp_path / "bare" / form / "site" / "pagefind" / "pagefind-entry.json").is_file()
    pages = sorted((tmp_path / "bare" / "tokens" / "docs" / "articles").rglob("*.md"))
    assert len(pages) == 22
    for md in pages:
        ours = (built / "site" / md.relative_to(tmp_path / "bare" / "tokens" / "docs").with_suffix(".html")).read_text("utf-8")
        assert md.read_text("utf-8").endswith(bigrams.grams_block(parts.searched_text(ours)) + "\n")
        assert bigrams.MARKER not in (tmp_path / "bare" / "plain" / "docs" / md.relative_to(tmp_path / "bare" / "tokens" / "docs")).read_text("utf-8")
    assert figures["bundle_mb"] > figures["plain"]["bundle_mb"]  # the bigram tokens are a larger index


def test_bench_end_to_end(tmp_path):
    """30 articles: build, search in Chromium, one more day; every figure present and consistent."""
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-m", "build_archive", "bench", "--articles", "30", "--no-bare", "--json", str(out),
         "--keep", str(tmp_path / "work"), "--queries", "衢江,营商环境"],
        capture_output=True, text=True, cwd=PROJECT, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # each phase's progress on stderr (a line each, as in a log: stderr is not a terminal here)
    for line in [r"generate: 1 days in [\d.]+ s", r"build: 30 articles in [\d.]+ s", r"search: 2 queries in",
                 r"incremental: 30 articles in"]:
        assert re.search("^" + line, result.stderr, re.M), (line, result.stderr[-2000:])
    assert "\x1b[" not in result.stderr
    figures = json.loads(out.read_text("utf-8"))
    build = figures["build"]
    assert build["articles"] == 30 and build["unaccounted"] == 0
    assert build["seconds"] > 0 and build["cpu_seconds"] > 0 and build["peak_mb"] > 0
    assert build["stages"] and all(v >= 0 for v in build["stages"].values())
    assert sum(build["stages"].values()) <= build["seconds"]
    assert 0 < build["bundle_mb"] < build["site_mb"] and build["mb_per_1000"] > 0
    assert {"build", "mkdocs", "pagefind"} <= set(build["peak_by_process_mb"])
    assert figures["incremental"]["articles"] == 60 and figures["incremental"]["seconds"] > 0
    cold = figures["search"]["cold"]
    assert [r["query"] for r in cold["runs"]] == ["衢江", "营商环境"]
    assert cold["runs"][0]["results"] > 0 and not cold["runs"][0]["error"]
    assert cold["median_ms"] > 0 and cold["median_kb"] > 0 and cold["median_pagefind_kb"] > 0
    assert cold["runs"][0]["fragments"] > 0
    warm = figures["search"]["warm"]
    assert all(r["from_cache"] > 0 for r in warm["runs"])  # Cache-Control: the second page reuses the bundle
    assert figures["machine"]["nproc"] >= 1
    assert "| 30 | 2" in result.stdout or f"| 30 | {figures['machine']['nproc']} |" in result.stdout
    assert "ours / bare" not in result.stdout  # --no-bare
