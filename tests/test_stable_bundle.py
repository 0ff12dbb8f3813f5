"""Pagefind's bundle made byte-identical across builds, without changing what search finds."""
from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from build_archive import cli
from build_archive.search import parts, bigrams, stable_bundle
from build_archive.search.stable_bundle import canonicalise_bundle

PROJECT = Path(__file__).resolve().parent.parent


def pagefind(site: Path) -> Path:
    """Run Pagefind (extended) on `site` from scratch, its article pages as the build gives them
    to Pagefind (parts.indexed_page: with their bigram tokens); returns the bundle."""
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    for page in (site / "articles").rglob("*.html"):
        page.write_text(parts.indexed_page(page.read_text("utf-8")), "utf-8")
    subprocess.run([sys.executable, "-m", "pagefind_bin_extended", "--site", str(site)],
                   check=True, capture_output=True)
    return site / "pagefind"


def tree(root: Path, skip: str | None = None) -> dict[str, bytes]:
    """Every file under `root` by relative path, less those under `skip`."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not (skip and p.relative_to(root).as_posix().startswith(skip))}


@pytest.fixture(scope="module")
def raw_and_canonical(built, tmp_path_factory):
    """The built site with a fresh, raw Pagefind bundle (raw/) and the same canonicalised (canon/)."""
    root = tmp_path_factory.mktemp("bundles")
    shutil.copytree(built / "site", root / "raw")
    pagefind(root / "raw")
    shutil.copytree(root / "raw", root / "canon")
    assert canonicalise_bundle(root / "canon") > 0
    return root


# --- the format ---------------------------------------------------------------


def test_cbor_round_trips_every_pagefind_data_file(raw_and_canonical):
    # read_chunk re-encodes each file and refuses any byte of difference
    bundle = raw_and_canonical / "raw" / "pagefind"
    files = [*bundle.glob("*.pf_meta"), *bundle.glob("index/*.pf_index"), *bundle.glob("filter/*.pf_filter")]
    assert len(files) > 3
    for path in files:
        stable_bundle.read_chunk(path)


def test_names_follow_pagefind_hash_style(raw_and_canonical):
    # Pagefind names a chunk "<lang>_" + its sha1 in unpadded hex, 7 digits (10 for the meta)
    for root in ("raw", "canon"):
        bundle = raw_and_canonical / root / "pagefind"
        for path in [*bundle.glob("filter/*.pf_filter"), *bundle.glob("index/*.pf_index")]:
            cbor = stable_bundle._encode(stable_bundle.read_chunk(path))
            assert path.stem == "zh_" + stable_bundle._full_hash(cbor)[:7]
        (meta,) = bundle.glob("*.pf_meta")
        meta_hash = stable_bundle._full_hash(stable_bundle._encode(stable_bundle.read_chunk(meta)))
        assert meta.name == f"pagefind.zh_{meta_hash[:10]}.pf_meta"
        entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
        assert meta.name == f"pagefind.{entry['languages']['zh']['hash']}.pf_meta"


def test_entry_json_keeps_pagefinds_layout(raw_and_canonical):
    raw = (raw_and_canonical / "raw" / "pagefind" / "pagefind-entry.json").read_bytes()
    canon = (raw_and_canonical / "canon" / "pagefind" / "pagefind-entry.json").read_bytes()
    assert json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")).encode() == raw
    assert canon.replace(json.loads(canon)["languages"]["zh"]["hash"].encode(), b"") == \
        raw.replace(json.loads(raw)["languages"]["zh"]["hash"].encode(), b"")


def test_only_filters_meta_and_entry_change(raw_and_canonical):
    raw = tree(raw_and_canonical / "raw" / "pagefind")
    canon = tree(raw_and_canonical / "canon" / "pagefind")
    same = {name for name in raw if canon.get(name) == raw[name]}
    assert {n for n in raw if n not in same} <= {n for n in raw if n.startswith("filter/") or n.endswith(
        (".pf_meta", "pagefind-entry.json"))}
    assert not any(n.startswith(("index/", "fragment/")) for n in set(canon) - same)


def test_canonicalising_twice_rewrites_nothing(raw_and_canonical, tmp_path):
    shutil.copytree(raw_and_canonical / "canon", tmp_path / "site")
    assert canonicalise_bundle(tmp_path / "site") == 0
    assert tree(tmp_path / "site") == tree(raw_and_canonical / "canon")


# --- determinism --------------------------------------------------------------


def test_two_builds_are_byte_identical(built, tmp_path):
    """The sample corpus built twice gives the same site, byte for byte."""
    first = tmp_path / "first"
    shutil.copytree(built / "site", first)
    assert cli.build(PROJECT / "corpus", tmp_path / "second", tmp_path / "docs") == 0
    second = tmp_path / "second"
    # Once build_archive/site/builder.py canonicalises right after Pagefind, these return 0 and
    # the offline twins match too; until then the twins come from the raw bundles.
    integrated = [canonicalise_bundle(site) == 0 for site in (first, second)]
    skip = None if all(integrated) else "pagefind/offline/"
    a, b = tree(first, skip), tree(second, skip)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_repeated_pagefind_runs_give_one_bundle(built, tmp_path):
    """Raw Pagefind runs differ (HashMap order); canonicalised, they are identical."""
    bundles = []
    for run in range(3):
        site = tmp_path / f"run{run}"
        shutil.copytree(built / "site", site, ignore=shutil.ignore_patterns("pagefind"))
        pagefind(site)
        canonicalise_bundle(site)
        bundles.append(tree(site / "pagefind"))
    assert bundles[0] == bundles[1] == bundles[2]


def test_languages_and_sort_orders_are_canonical(tmp_path):
    """Several languages (entry JSON) and sort keys (meta) also come out in HashMap order."""
    base = tmp_path / "base"
    base.mkdir()
    for i in range(1, 5):
        (base / f"en{i}.html").write_text(
            f'<html lang="en"><body data-pagefind-sort="a:{i}" data-pagefind-filter="f:v{i}, g:w{i % 2}">'
            f'<h1 data-pagefind-sort="b">Page {5 - i}</h1><p data-pagefind-sort="c">{i % 2}</p>'
            f'<p data-pagefind-sort="d">x{i}</p>hello</body></html>', "utf-8")
        for lang, word in (("fr", "bonjour"), ("de", "hallo")):
            (base / f"{lang}{i}.html").write_text(f'<html lang="{lang}"><body>{word} {i}</body></html>', "utf-8")
    bundles = []
    for run in range(4):
        site = tmp_path / f"run{run}"
        shutil.copytree(base, site)
        pagefind(site)
        canonicalise_bundle(site)
        bundles.append(tree(site / "pagefind"))
    assert all(bundle == bundles[0] for bundle in bundles)
    entry = json.loads(bundles[0]["pagefind-entry.json"])
    assert list(entry["languages"]) == ["de", "en", "fr"]
    (meta,) = (tmp_path / "run0" / "pagefind").glob("pagefind.en_*.pf_meta")
    assert [sort[0] for sort in stable_bundle.read_chunk(meta)[4]] == ["a", "b", "c", "d"]


# --- search still works -------------------------------------------------------

BLANK = '<!doctype html><html lang="zh"><head><meta charset="utf-8"><link rel="icon" href="#"></head></html>'

# Every filter and value with its count, then searches with and without filters.
# Pagefind indexes only the bigram block, so queries go in as the search page sends them.
CASES = [
    ["招商引资", {"区县": ["江山市"]}], ["招商引资", {"区县": ["衢江区"]}], ["招商引资", {}],
    ["营商环境", {"年份": ["2023"]}],
    ["服务业", {"主题": ["服务业与消费"], "区县": ["衢江区"]}], [None, {"区县": ["衢江区", "柯城区"]}],
    ["衢州", {"区县": {"any": ["龙游县", "开化县"]}, "年份": {"not": "2022"}}],
]
ENCODED_CASES = [[query and bigrams.encode_query(query), filters] for query, filters in CASES]

PROBE = """async ([bundle, cases]) => {
    const pf = await import(new URL(bundle + "pagefind/pagefind.js", location.href).href);
    const out = {filters: await pf.filters(), searches: []};
    for (const [query, filters] of cases) {
        const found = await pf.search(query, {filters});
        const first = found.results.length ? await found.results[0].data() : null;
        out.searches.push({query, filters, count: found.results.length, totals: found.totalFilters,
                           ids: found.results.map(r => r.id).sort(),
                           first: first && first.url.replace(bundle, "")});  // URLs differ by folder only
    }
    return out;
}"""


@pytest.fixture(scope="module")
def served_bundles(raw_and_canonical):
    (raw_and_canonical / "blank.html").write_text(BLANK, "utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}),
        directory=str(raw_and_canonical)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/blank.html"
    server.shutdown()


def test_search_and_filters_unchanged_in_chromium(served_bundles, browser):
    results = {}
    for bundle in ("raw/", "canon/"):
        context = browser.new_context()
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(served_bundles)
        results[bundle] = page.evaluate(PROBE, [bundle, ENCODED_CASES])
        context.close()
        assert errors == []
    raw, canon = results["raw/"], results["canon/"]
    assert raw == canon  # same filters, counts, pages and first result, value for value
    assert set(canon["filters"]) == {"区县", "年份", "主题", "日期"}
    assert sum(canon["filters"]["区县"].values()) >= 22  # every article has a district
    filtered = [s["count"] for s in canon["searches"] if s["filters"]]
    assert sum(1 for count in filtered if count) >= 3, canon["searches"]  # filters really select pages
