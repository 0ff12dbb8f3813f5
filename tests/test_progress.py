"""Issue 19: a long build shows its progress, and the full report goes to a file.

On a terminal the build shows live bars (rich); in a log (stdout not a terminal) one
line per finished stage. The screen shows each warning kind's first lines; every
warning is in build-report.txt and build-report.json next to the cache.
"""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from build_archive import cli, models
from build_archive.progress import PlainProgress, Progress

PROJECT = Path(__file__).resolve().parent.parent
SAME_KIND = 7  # more pages of one warning kind than the screen shows
HIDDEN = SAME_KIND + 1 - cli.SHOWN_PER_KIND  # the samples have one headline-less article too


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """A build run as CI runs it (stdout a pipe), on a corpus with 7 headline-less, undated pages
    plus the samples: returns (stdout, the work folder)."""
    root = tmp_path_factory.mktemp("progress")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in sorted(p.name for p in (PROJECT / "corpus").glob("*.txt")):
        (corpus / name).write_bytes((PROJECT / "corpus" / name).read_bytes())
    for i in range(SAME_KIND):
        (corpus / f"bare-{i}.txt").write_text(f"第{i}段正文没有标题也没有日期，只有一句话说明情况，后面还有更多的内容{i}。\n", "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "build_archive", "build", "--corpus", str(corpus), "--site", str(root / "site"),
         "--docs", str(root / "docs"), "--cache", str(root / "cache")],
        capture_output=True, text=True, cwd=root, timeout=600)
    assert run.returncode == 0, run.stderr
    return run.stdout, root


def test_a_build_in_a_log_prints_one_line_per_stage_with_counts_and_rates(logged):
    out, _ = logged
    stage_lines = [line for line in out.splitlines() if re.match(r"^[a-z]+: ", line)]
    stages = [line.split(":")[0] for line in stage_lines]
    for stage in ("read", "extract", "keywords", "docs", "mkdocs", "pagefind", "swap"):
        assert stage in stages, (stage, out[:2000])
    assert stages.index("extract") < stages.index("docs") < stages.index("mkdocs") < stages.index("pagefind")
    assert re.search(r"^extract: 12 pages in [\d.]+ s \([\d,.]+/s\)$", out, re.M), out[:2000]
    assert re.search(r"^mkdocs: \d+ MkDocs runs in", out, re.M)
    assert "\x1b[" not in out  # no terminal control codes in a log


def test_the_screen_shows_each_kind_s_first_lines_and_says_where_the_rest_is(logged):
    out, root = logged
    assert f"… {HIDDEN} more [no-headline]" in out
    shown = [line for line in out.splitlines() if "[no-headline]" in line and not line.strip().startswith("…")]
    assert len(shown) == cli.SHOWN_PER_KIND
    assert f"full report (every warning): {root / 'build-report.txt'}" in out


def test_the_report_files_list_every_warning_the_build_found(logged):
    out, root = logged
    text = (root / "build-report.txt").read_text("utf-8")
    data = json.loads((root / "build-report.json").read_text("utf-8"))
    assert len([line for line in text.splitlines() if "[no-headline]" in line]) == SAME_KIND + 1  # + the sample's
    assert "more [" not in text  # nothing left out of the file
    listed = [f"{i['source']}:{i['line']}: [{i['kind']}] {i['message']}" for i in data["issues"]]
    assert all(line in text for line in listed)
    header = re.search(r"^warnings: (.*)$", out, re.M).group(1)
    counts = dict(item.rsplit(" ", 1) for item in header.split(", "))
    assert {k: int(v) for k, v in counts.items() if k != "unassigned"} == data["warnings"]
    assert len(data["issues"]) == sum(data["warnings"].values())
    assert data["unassigned"] and data["pages"] == 12 and data["error"] is None


def test_plain_progress_times_the_stage_into_the_report_and_prints_its_rate():
    report, out = models.Report(), io.StringIO()
    progress = PlainProgress(report, out)
    with progress.stage("extract", total=3, unit="pages") as stage:
        for _ in range(3):
            stage.advance()
    with progress.stage("swap"):
        pass
    assert set(report.seconds) == {"extract", "swap"}
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"extract: 3 pages in [\d.]+ s \([\d,.]+/s\)", lines[0]) and lines[1].startswith("swap: ")


def test_the_silent_progress_shows_nothing_but_still_times(capsys):
    report = models.Report()
    with Progress(report).stage("docs", unit="articles") as stage:
        stage.advance(5)
    assert "docs" in report.seconds and stage.done == 5
    assert capsys.readouterr().out == ""


def test_build_help_describes_every_option_in_one_line():
    run = subprocess.run([sys.executable, "-m", "build_archive", "build", "--help"], capture_output=True, text=True)
    assert run.returncode == 0
    listing = run.stdout.split("options:\n", 1)[1].splitlines()
    assert all(line.startswith("  -") for line in listing), run.stdout  # no option's help wraps
    options = re.findall(r"^  (--[a-z]+)(?: [A-Z]+)?\s+(\S.*)$", run.stdout, re.M)
    named = {name for name, _ in options}
    assert {"--corpus", "--site", "--docs", "--strict", "--cache", "--full"} <= named, run.stdout
    assert all(help_text.strip() for _, help_text in options)
