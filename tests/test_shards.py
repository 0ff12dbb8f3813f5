"""Sharded builds: the sample corpus cut by paper, each shard built for real, then combined
(build_archive/scale/shards.py, build_archive/scale/combine.py), checked on disk and in headless Chromium."""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest
import yaml

from build_archive import cli
from build_archive.scale import combine, shards
from build_archive.extract import corrections
from build_archive.search import parts, indexing
from test_site import articles, containing, result_titles  # the same reading of built articles

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "corpus"
QUERY = "发展"  # found on pages of every shard


def shard_articles(shard_sites: dict[str, Path]) -> list[dict]:
    """Every article of every shard build, with its shard's name."""
    return [dict(a, shard=name) for name, root in shard_sites.items() for a in articles(root)]


@pytest.fixture(scope="module")
def shard_sites(tmp_path_factory):
    """Every shard of the sample corpus cut by paper, built for real: {name: root}; root/site, root/docs."""
    root = tmp_path_factory.mktemp("shards")
    found = shards.list_shards(CORPUS, "paper")
    for shard in found:
        shards.write_shard(CORPUS, shard, root / shard.name / "corpus")
        assert cli.build(root / shard.name / "corpus", root / shard.name / "site", root / shard.name / "docs") == 0
    return {s.name: root / s.name for s in found}


def shard_list(shard_sites) -> list[combine.ShardSite]:
    return [combine.ShardSite(name, path / "site") for name, path in shard_sites.items()]


@pytest.fixture(scope="module")
def combined(shard_sites, tmp_path_factory):
    out = tmp_path_factory.mktemp("combined") / "site"
    result = combine.combine(shard_list(shard_sites), out)
    return out, result


@pytest.fixture(scope="module")
def split(shard_sites, tmp_path_factory):
    """Two sites side by side joined by one search: archive-a holds the pages without a paper, archive-b the rest."""
    out = tmp_path_factory.mktemp("split") / "sites"
    combine.combine(shard_list(shard_sites), out, [("archive-a", [shards.NO_PAPER]), ("archive-b", ["p*"])])
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def www(combined, split, tmp_path_factory):
    """http://…/repo/ (the combined site, under a sub-path) and http://…/archive-a/, /archive-b/."""
    root = tmp_path_factory.mktemp("www")
    shutil.copytree(combined[0], root / "repo")
    for site in split.iterdir():
        shutil.copytree(site, root / site.name)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def sort_value(display: str) -> str:
    """A result's meta date (2022年7月19日, 2022年8月, 2022年, 日期不详) as its date sort value."""
    m = re.match(r"(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?", display)
    if not m:
        return "0000"
    return "-".join([m.group(1)] + [f"{int(g):02d}" for g in m.groups()[1:] if g])


# --- the shards ---------------------------------------------------------------------------


def test_every_page_is_in_exactly_one_shard_named_by_paper_and_year():
    pages = sorted(p.name for p in CORPUS.glob("*.txt"))
    found = shards.list_shards(CORPUS)
    assert sorted(s for shard in found for s in shard.sources) == pages
    names = {shard.name for shard in found}
    # 004 names its paper in sources.yml (今日衢江), 000 on its masthead (今日衢州); the others name none
    assert f"2022-{shards.paper_slug('今日衢江')}" in names and f"2023-{shards.paper_slug('今日衢州')}" in names
    assert {"2022-nopaper", "2023-nopaper", "2024-nopaper"} <= names  # unknown paper: a named shard, not dropped
    assert shards.shard_name(shards.PageShard("x.txt", None, None)) == "undated-nopaper"
    listed = json.loads(subprocess.run([sys.executable, "-m", "build_archive", "shards"], capture_output=True,
                                       text=True, check=True, cwd=PROJECT).stdout)
    assert [s["name"] for s in listed["shard"]] == sorted(names)


def test_a_shard_corpus_keeps_its_sources_and_corrections_on_their_lines(tmp_path):
    shard = shards.find(shards.list_shards(CORPUS, "paper"), shards.NO_PAPER)
    shards.write_shard(CORPUS, shard, tmp_path / "corpus")
    assert sorted(p.name for p in (tmp_path / "corpus").glob("*.txt")) == list(shard.sources)
    original, _ = corrections.load_corrections(CORPUS / corrections.FILE_NAME)
    mine, issues = corrections.load_corrections(tmp_path / "corpus" / corrections.FILE_NAME)
    assert not issues and mine and [(e.source, e.line) for e in mine] == [
        (e.source, e.line) for e in original if e.source in shard.sources]  # same lines: the report points right
    sources = yaml.safe_load((tmp_path / "corpus" / "sources.yml").read_text("utf-8"))["files"]
    assert set(sources) == set(shard.sources)
    text = (tmp_path / "corpus" / "sources.yml").read_text("utf-8").split("\n")
    assert text.index("  002_f5021b565b141e99.txt:") == (CORPUS / "sources.yml").read_text("utf-8").split(
        "\n").index("  002_f5021b565b141e99.txt:")


# --- the combined site ---------------------------------------------------------------------


def test_every_article_of_every_shard_is_in_the_combined_site(shard_sites, combined):
    out, result = combined
    every = shard_articles(shard_sites)
    assert len(every) == 22 and len(shard_sites) == 3
    for article in every:
        assert (out / article["url"]).read_bytes() == (shard_sites[article["shard"]] / "site" / article["url"]).read_bytes()
    rows = json.loads((out / "data" / "articles.json").read_text("utf-8"))
    assert sorted(r["url"] for r in rows) == sorted(a["url"] for a in every)
    assert not result.duplicates
    assert len(list((out / "articles").rglob("*.html"))) == 22


def test_the_combined_browse_pages_are_those_of_one_build_of_the_whole_corpus(built, combined):
    """Index pages count and list every article of every shard: byte for byte what the unsharded build writes."""
    out, _ = combined
    pages = [p.relative_to(out).as_posix() for p in out.rglob("*.html")
             if not p.relative_to(out).as_posix().startswith(("articles/", "assets/"))]
    assert {"index.html", "districts/衢江区.html", "dates/2022.html", "themes/index.html", "authors/index.html"} <= set(pages)
    for rel in pages:
        assert (out / rel).read_bytes() == (built / "site" / rel).read_bytes(), rel
    assert '<strong>22</strong><span>篇文章</span>' in (out / "index.html").read_text("utf-8")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_every_local_link_of_the_combined_site_resolves(combined):
    out, _ = combined
    checked = 0
    for page in out.rglob("*.html"):  # 404.html too: its links are relative to the site folder
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        for link in parser.links:
            parts_ = urlsplit(link)
            if parts_.scheme or parts_.netloc or not parts_.path:
                continue
            assert not parts_.path.endswith(".md"), f"{page}: {link}"
            target = (page.parent / unquote(parts_.path)).resolve()
            assert target.exists(), f"{page.relative_to(out)} links to a missing {link}"
            checked += 1
    assert checked > 1000


def test_one_search_bundle_holds_every_shard_part_byte_for_byte(shard_sites, combined):
    out, _ = combined
    bundle = out / "pagefind"
    data = parts.read_manifest((bundle / parts.MANIFEST).read_bytes())
    ids = [p["id"] for p in data["parts"]]
    assert len(ids) == len(set(ids)) == 3 and {i.split(".")[0] for i in ids} == set(shard_sites)
    assert [p["path"] for p in data["parts"]].count("") == 1
    lasts = [(p["last"], p["first"]) for p in data["parts"]]
    assert lasts == sorted(lasts, reverse=True)  # newest first
    for entry in data["parts"]:
        shard, _, part_id = entry["id"].partition(".")
        source = shard_sites[shard] / "site" / "pagefind"
        own = parts.read_manifest((source / parts.MANIFEST).read_bytes())
        folder = source / next(p["path"] for p in own["parts"] if p["id"] == part_id)
        theirs = indexing.part_files(folder)
        assert any(rel.startswith("offline/") for rel in theirs)  # the file:// twins come along
        assert indexing.part_files(bundle / entry["path"]) == theirs
        for rel in theirs:
            assert (bundle / entry["path"] / rel).read_bytes() == (folder / rel).read_bytes(), rel
    assert (bundle / "pagefind.js").is_file() and not list((bundle / "parts").rglob("pagefind.js"))
    assert (bundle / "offline" / "parts.json.js").is_file()


def test_combining_the_same_shards_twice_is_byte_identical(shard_sites, combined, tmp_path):
    out, _ = combined
    combine.combine(list(reversed(shard_list(shard_sites))), tmp_path / "again")
    first, second = files_of(out), files_of(tmp_path / "again")
    assert first.keys() == second.keys()
    assert [rel for rel in first if first[rel] != second[rel]] == []


def test_an_article_in_two_shards_is_kept_once_and_reported(shard_sites, tmp_path):
    name = next(n for n in shard_sites if n != shards.NO_PAPER)
    shutil.copytree(shard_sites[name] / "site", tmp_path / "copy")  # the same pages exported into a second shard
    result = combine.combine([combine.ShardSite(name, shard_sites[name] / "site"),
                              combine.ShardSite("zz-again", tmp_path / "copy")], tmp_path / "out")
    urls = [a["url"] for a in articles(shard_sites[name])]
    assert sorted(d.url for d in result.duplicates) == sorted(urls)
    assert all(d.kept == name and d.dropped == "zz-again" for d in result.duplicates)
    assert f"in shards {name} and zz-again" in combine.report(result)
    assert len(json.loads((tmp_path / "out" / "data" / "articles.json").read_text("utf-8"))) == len(urls)


def test_manifest_parts_carry_their_date_range():
    plan = parts.partition(["articles/2022/2022-07-19-a-1.html", "articles/2022/2022-07-01-a-2.html",
                            "articles/undated/undated-a-3.html"], size=10)
    data = parts.manifest(plan, {p.id: "k" for p in plan}, "1.5.2")
    assert [(p["first"], p["last"]) for p in data["parts"]] == [("0000", "2022-07-19")]
    corrected = parts.manifest(plan, {p.id: "k" for p in plan}, "1.5.2", sorts={"articles/2022/2022-07-19-a-1.html": "2023"})
    assert corrected["parts"][0]["last"] == "2023"


# --- in the browser ---------------------------------------------------------------------------


def _search(page, url: str) -> list[str]:
    page.goto(url)
    return result_titles(page)


def test_combined_search_over_http_under_a_sub_path_finds_every_shard(shard_sites, www, page):
    every = shard_articles(shard_sites)
    titles = _search(page, www + "repo/search.html?q=" + quote(QUERY))
    expected = containing(every, QUERY)
    assert set(titles) == expected
    assert {a["shard"] for a in every if a["title"] in expected} == set(shard_sites)  # every shard answered
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    count = page.locator(".qz-filter[data-filter='区县'] label", has_text="衢江区").locator(".qz-count").inner_text()
    assert count == f"({sum(1 for a in every if a['title'] in expected and '衢江区' in a['districts'])})"
    assert page.locator(".qz-result__title").first.get_attribute("href").startswith(www + "repo/articles/")
    assert not page.errors


def test_combined_search_from_disk_finds_every_shard(shard_sites, combined, page):
    every = shard_articles(shard_sites)
    titles = _search(page, (combined[0] / "search.html").as_uri() + "?q=" + quote(QUERY))
    assert set(titles) == containing(every, QUERY)
    page.locator(".qz-result__title").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() in titles
    assert all(url.startswith("file://") for url in page.requests)
    assert not page.errors


@pytest.mark.parametrize("sort", ["date", "date-asc"])
def test_date_sorted_search_merges_overlapping_shards(shard_sites, www, page, sort):
    every = shard_articles(shard_sites)
    shard_of = {a["url"]: a["shard"] for a in every}
    page.goto(www + f"repo/search.html?q={quote(QUERY)}&sort={sort}")
    result_titles(page)
    dates = [sort_value(t) for t in page.locator(".qz-result__meta").all_inner_texts()]
    assert dates == sorted(dates, reverse=sort == "date") and len(dates) == len(containing(every, QUERY))
    hrefs = page.locator(".qz-result__title").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    order = [shard_of[h.split("/repo/", 1)[1].split("?", 1)[0]] for h in hrefs]  # less ?hl= (highlight.js)
    runs = 1 + sum(a != b for a, b in zip(order, order[1:]))
    assert runs > len(set(order))  # the shards interleave: a part-after-part list could not be in order
    assert not page.errors


def test_split_sites_each_hold_their_shards_and_list_the_others_parts(split, shard_sites):
    a = json.loads((split / "archive-a" / "data" / "articles.json").read_text("utf-8"))
    b = json.loads((split / "archive-b" / "data" / "articles.json").read_text("utf-8"))
    assert len(a) == len(articles(shard_sites[shards.NO_PAPER])) and len(a) + len(b) == 22
    assert len(list((split / "archive-a" / "articles").rglob("*.html"))) == len(a)
    assert len(list((split / "archive-b" / "articles").rglob("*.html"))) == len(b)
    data = parts.read_manifest((split / "archive-a" / "pagefind" / parts.MANIFEST).read_bytes())
    peers = [p for p in data["parts"] if p["path"].startswith("../../archive-b/pagefind/")]
    assert len(peers) == 2 and len(data["parts"]) == 3
    for entry in peers:  # the path leads to the part in the neighbouring site
        assert (split / "archive-a" / "pagefind" / entry["path"] / "pagefind-entry.json").is_file()


@pytest.mark.parametrize("where", ["http", "file"])
def test_a_search_on_one_site_opens_articles_of_the_other(split, shard_sites, www, page, where):
    b_titles = {a["title"] for name, root in shard_sites.items() if name != shards.NO_PAPER for a in articles(root)}
    start = (www + "archive-a/" if where == "http" else (split / "archive-a").as_uri() + "/")
    titles = _search(page, start + "search.html?q=" + quote(QUERY))
    every = shard_articles(shard_sites)
    assert set(titles) == containing(every, QUERY)
    link = page.locator(".qz-result__title", has_text=next(t for t in titles if t in b_titles)).first
    title = link.inner_text()
    href = link.get_attribute("href")
    other = www + "archive-b/articles/" if where == "http" else (split / "archive-b").as_uri() + "/articles/"
    assert href.startswith(other), href
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == title
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in ("sticky", "fixed")
    assert not page.errors
    if where == "http":
        # Pagefind asked for this site's entries with the part's key as tag (cacheable: parts.json
        # and the part come with one deploy), for the neighbouring site's afresh (it may have
        # been rebuilt since this site's parts.json was written)
        data = parts.read_manifest((split / "archive-a" / "pagefind" / parts.MANIFEST).read_bytes())
        asked = {"own": 0, "peer": 0}
        for part in data["parts"]:
            entry = urljoin(start + "pagefind/", part["path"]) + "pagefind-entry.json"
            urls = [u for u in page.requests if u.split("?")[0] == entry]
            kind = "peer" if part["path"].startswith("../") else "own"
            asked[kind] += len(urls)
            tagged = [u.endswith("?ts=" + part["key"][:16]) for u in urls]
            assert all(tagged) if kind == "own" else not any(tagged), (part["path"], urls)
        assert asked["own"] and asked["peer"], asked


# --- the GitHub Actions workflow ------------------------------------------------------------


def _script(step: dict, **values: str) -> str:
    """A step's `run:` as bash runs it here: our interpreter, no pip install, ${{ … }} filled in."""
    text = step["run"].replace("python3 ", f"{sys.executable} ")
    text = "\n".join(line for line in text.split("\n") if "pip install" not in line)
    for name, value in values.items():
        text = text.replace("${{ " + name + " }}", value)
    assert "${{" not in text, text
    return text


def test_the_shards_workflow_runs_as_written(tmp_path):
    """list → a matrix job per shard → combine, run here step by step as the workflow writes them."""
    flow = yaml.safe_load((PROJECT / ".github" / "workflows" / "shards.yml").read_text("utf-8"))
    jobs = flow["jobs"]
    assert jobs["shard"]["needs"] == "list" and jobs["combine"]["needs"] == "shard" and jobs["deploy"]["needs"] == "combine"
    assert jobs["shard"]["strategy"]["matrix"] == "${{ fromJSON(needs.list.outputs.matrix) }}"
    runs = {name: [s for s in job.get("steps", []) if "run" in s] for name, job in jobs.items()}
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT), "GITHUB_OUTPUT": str(tmp_path / "output")}
    subprocess.run(["bash", "-e", "-c", _script(runs["list"][0])], cwd=tmp_path, env=env, check=True)
    output = (tmp_path / "output").read_text("utf-8")
    matrix = json.loads(output.split("matrix=", 1)[1])
    assert [s["name"] for s in matrix["shard"]] == [s.name for s in shards.list_shards(CORPUS)]
    assert all(s["pages"] >= 1 for s in matrix["shard"])
    upload = next(s for s in jobs["shard"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    for shard in matrix["shard"]:  # each matrix job in its own folder; its artifact is shards/shard-NAME
        work = tmp_path / "jobs" / shard["name"]
        work.mkdir(parents=True)
        subprocess.run(["bash", "-e", "-c", _script(runs["shard"][0], **{"matrix.shard.name": shard["name"]})],
                       cwd=work, env=env, check=True, capture_output=True)
        artifact = upload["with"]["name"].replace("${{ matrix.shard.name }}", shard["name"])
        shutil.copytree(work / upload["with"]["path"], tmp_path / "combine" / "shards" / artifact)
    done = subprocess.run(["bash", "-e", "-c", _script(runs["combine"][0])], cwd=tmp_path / "combine", env=env,
                          check=True, capture_output=True, text=True)
    site = tmp_path / "combine" / next(s for s in jobs["combine"]["steps"]
                                       if s.get("uses", "").startswith("actions/upload-pages-artifact"))["with"]["path"]
    assert len(json.loads((site / "data" / "articles.json").read_text("utf-8"))) == 22, done.stdout
    assert len(parts.read_manifest((site / "pagefind" / parts.MANIFEST).read_bytes())["parts"]) == len(matrix["shard"])
