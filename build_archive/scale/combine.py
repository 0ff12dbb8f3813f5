"""Shard sites combined into one site with one search (README: 分片构建).

Each shard (build_archive/scale/shards.py) is built by the ordinary `build` into a
complete site. `combine(shards, out)` joins them:

- article pages (``articles/…``) are hard-linked from the shard sites (copied
  where hard links are impossible). The same path in two shards is the same
  article (the path holds a hash of its text): the shard first by name keeps
  it, and the duplicate is reported naming both shards;
- the shared pages (home, districts, themes, dates, authors, data files,
  search, about, 404, assets) are generated again from the union of the
  shards' ``data/articles.json`` with the build's own code (indexes,
  datafiles) and rendered by the real MkDocs. The article pages are not in
  that docs folder, so each gets an empty stub ``articles/….md`` there and
  ``exclude_docs: /articles/`` in the MkDocs config: MkDocs then resolves the
  index pages' ``….md`` links to the article ``.html`` (a link to an excluded
  page resolves, at INFO level) but renders none of the stubs;
- one search: every shard's Pagefind parts are copied byte for byte (their
  file:// twins included) under ``pagefind/parts/<shard>.<part>/``, but the
  newest part, which is the bundle folder itself (Pagefind's primary index,
  with pagefind.js and the wasm, taken once, from the first shard); one
  ``parts.json`` (and its twin) lists every part newest first, with ``first``
  and ``last``, the oldest and newest date sort value of its pages: parts of
  different papers overlap in dates, and the search page merges overlapping
  parts by date (docs/assets/javascripts/search.js, find).

`split` (GitHub Pages caps a site at 1 GB) writes several sites side by side,
``OUT/<site>/``, each with the shards assigned to it and its own browse pages;
every site's parts.json also lists the other sites' parts, by a path through
the neighbouring site (``../../<other site>/pagefind/parts/<id>/``): one
search over all of them. Sibling project sites of one GitHub owner
(``owner.github.io/<site>/``) share an origin, and so do sites copied side by
side onto a USB stick. Pagefind joins a merged index's result URLs to the
folder before its ``pagefind/`` (getDefaultBaseUrl in pagefind.js; the loader
does the same on file://), so a result from a neighbour links to the
neighbour's article page.

What each shard computed on its own stays as it was: keywords (their IDF),
related articles and previous/next links are those of the shard's articles.
Combining the same shards twice gives byte-identical output.
"""
from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from build_archive.site import builder, datafiles, indexes, issues, syndication
from build_archive.search import bigrams, parts, indexing
from build_archive.models import Article, Caption
from build_archive.progress import Progress

GITHUB_PAGES_BYTES = 1_000_000_000  # GitHub Pages' limit on a published site
ARTICLES = "articles"


class CombineError(RuntimeError):
    pass


@dataclass(frozen=True)
class ShardSite:
    name: str
    path: Path


@dataclass(frozen=True)
class PartRef:
    """One search part of one shard, as the combined manifest lists it."""

    id: str  # "<shard>.<part id>": unique across shards
    shard: str
    folder: Path  # the part's bundle folder in the shard site
    pages: int
    key: str
    first: str  # date sort values of its oldest and newest page ("0000": undated)
    last: str
    groups: tuple = ()  # its manifest entry's groups (parts.group_entries), as the shard wrote them


@dataclass(frozen=True)
class Duplicate:
    url: str
    kept: str  # shard names
    dropped: str

    def __str__(self) -> str:
        return f"{self.url}: in shards {self.kept} and {self.dropped}; kept {self.kept}'s page"


@dataclass
class Result:
    sites: dict[str, Path] = field(default_factory=dict)  # site name ("" when one site) -> folder
    articles: dict[str, int] = field(default_factory=dict)  # per site
    parts: dict[str, int] = field(default_factory=dict)  # per site: its own parts
    bytes: dict[str, int] = field(default_factory=dict)  # per site, on disk
    duplicates: list[Duplicate] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def time(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


# --- reading a shard site -----------------------------------------------------------------


def read_rows(shard: ShardSite) -> list[dict]:
    path = shard.path / datafiles.JSON_PATH
    try:
        rows = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise CombineError(f"shard {shard.name}: cannot read {path} ({error}); is it a built site?") from error
    missing = [r["url"] for r in rows if not (shard.path / r["url"]).is_file()]
    if missing:
        raise CombineError(f"shard {shard.name}: {len(missing)} article page(s) of data/articles.json missing, "
                           f"e.g. {missing[0]}")
    return rows


def read_manifest(shard: ShardSite) -> dict:
    bundle = shard.path / indexing.BUNDLE
    try:
        return parts.read_manifest((bundle / parts.MANIFEST).read_bytes())
    except (OSError, ValueError) as error:
        raise CombineError(f"shard {shard.name}: no usable {bundle / parts.MANIFEST} ({error})") from error


def sort_value(row: dict) -> str:
    """The page's data-pagefind-sort date (overrides/partials/article.html)."""
    return row.get("date") or "0000"


def part_refs(shard: ShardSite, manifest: dict, rows: list[dict]) -> list[PartRef]:
    """The shard's parts with first/last from its articles' real dates (a corrected
    date may lie outside the part's path dates). The pages of each part are found
    again with parts.partition; a shard built with other part sizes falls back
    on the first/last its manifest gives."""
    dates = {r["url"]: sort_value(r) for r in rows}
    plan = {p.id: p.pages for p in parts.partition(list(dates))}
    bundle = shard.path / indexing.BUNDLE
    refs = []
    for entry in manifest["parts"]:
        pages = plan.get(entry["id"])
        if pages is not None and len(pages) == entry["pages"]:
            values = [dates[p] for p in pages]
            first, last = min(values), max(values)
        elif "first" in entry and "last" in entry:
            first, last = entry["first"], entry["last"]
        else:
            raise CombineError(f"shard {shard.name}: part {entry['id']} does not match its articles and its "
                               "manifest has no first/last (built by an older version? build it again)")
        folder = (bundle / entry["path"]).resolve()
        if bundle.resolve() not in (folder, *folder.parents):
            raise CombineError(f"shard {shard.name}: part {entry['id']} lies outside its site ({entry['path']})")
        refs.append(PartRef(f"{shard.name}.{entry['id']}", shard.name, folder, entry["pages"], entry["key"],
                            first, last, tuple(entry.get("groups") or ())))
    return refs


# --- pure: what goes where -------------------------------------------------------------


def union(rows_by_shard: dict[str, list[dict]]) -> tuple[list[tuple[str, dict]], list[Duplicate]]:
    """(shard, row) of every article once, shards in name order; the duplicates found."""
    seen: dict[str, str] = {}
    kept, duplicates = [], []
    for name in sorted(rows_by_shard):
        for row in rows_by_shard[name]:
            if row["url"] in seen:
                duplicates.append(Duplicate(row["url"], seen[row["url"]], name))
                continue
            seen[row["url"]] = name
            kept.append((name, row))
    return kept, duplicates


def article_of(row: dict) -> Article:
    """A data/articles.json record as the Article the index pages need (not its text)."""
    return Article(
        source=row.get("source") or "", line=row.get("source_line") or 0, ordinal=row.get("page_order") or 0,
        title=row["title"],
        subtitle=row.get("subtitle"), authors=tuple(row.get("authors") or ()),
        captions=tuple(Caption(c) for c in row.get("captions") or ()), type=row.get("type") or "新闻",
        continued=bool(row.get("continued")), gaps=tuple(row.get("gaps") or ()), paper=row.get("paper"),
        page=row.get("page"), date=row.get("date"), date_precision=row.get("date_precision"),
        districts=tuple(row.get("districts") or ()), themes=tuple(row.get("themes") or ()),
        keywords=tuple(row.get("keywords") or ()), slug=row["url"].removesuffix(".html"),
        extra={"id": row.get("id"), "lead": row.get("lead")},
    )


def docs_files(rows: list[dict]) -> dict[str, str]:
    """The shared pages' docs/ (index pages, data files) and an empty stub per article page."""
    articles = [article_of(r) for r in rows]
    order = {a.slug: i for i, a in enumerate(datafiles.chronological(articles))}
    ordered = sorted(rows, key=lambda r: order[r["url"].removesuffix(".html")])  # as datafiles.records orders them
    files = indexes.build_indexes(articles)
    files[datafiles.JSON_PATH] = datafiles.articles_json(ordered)
    files[datafiles.CSV_PATH] = datafiles.articles_csv(ordered)
    files.update(syndication.syndication_files(articles, os.environ.get("SITE_URL", "")))
    files.update(issues.issue_files(articles))
    files[bigrams.FOLD_SCRIPT] = bigrams.fold_script()
    files.update({f"{a.slug}.md": "" for a in articles})
    return files


def newest_first(refs: list[PartRef]) -> list[PartRef]:
    return sorted(refs, key=lambda r: (r.last, r.first, r.id), reverse=True)


def manifest(own: list[PartRef], peers: dict[str, list[PartRef]], version: str) -> dict:
    """parts.json of one site: its own newest part is the bundle folder (""), its other
    parts under parts/<id>/, each peer site's parts through that site (../../<site>/pagefind/…)."""
    primary = newest_first(own)[0]
    paths = {r.id: "" if r is primary else f"{parts.PARTS_DIR}/{r.id}/" for r in own}
    for site_name, refs in peers.items():
        peer_primary = newest_first(refs)[0]
        for r in refs:
            paths[r.id] = f"../../{site_name}/{indexing.BUNDLE}/" + (
                "" if r is peer_primary else f"{parts.PARTS_DIR}/{r.id}/")
    every = newest_first(own + [r for refs in peers.values() for r in refs])
    return {
        "format": parts.FORMAT,
        "pagefind": version,
        "parts": [{"id": r.id, "path": paths[r.id], "pages": r.pages, "key": r.key, "first": r.first,
                   "last": r.last, "groups": list(r.groups)} for r in every],
    }


def assign_sites(names: list[str], split: list[tuple[str, list[str]]]) -> dict[str, list[str]]:
    """Shard names -> sites by --split SITE=GLOB[,GLOB]; every shard in exactly one site."""
    sites: dict[str, list[str]] = {site_name: [] for site_name, _ in split}
    for name in names:
        homes = [s for s, globs in split if any(fnmatch.fnmatchcase(name, g) for g in globs)]
        if len(homes) != 1:
            raise CombineError(f"shard {name} matches {'no site' if not homes else 'sites ' + ', '.join(homes)} "
                               "of --split: each shard must go to exactly one site")
        sites[homes[0]].append(name)
    empty = [s for s, members in sites.items() if not members]
    if empty:
        raise CombineError(f"--split site(s) with no shard: {', '.join(empty)}")
    return sites


# --- I/O ----------------------------------------------------------------------------------


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # another file system, or no hard links
        shutil.copyfile(src, dst)


def mkdocs_build(docs_dir: Path, out_dir: Path, source_date_epoch: int, site_url: str) -> None:
    """The real MkDocs with the project's mkdocs.yml (as builder.mkdocs_build), the article stubs excluded."""
    with tempfile.TemporaryDirectory() as tmp:
        child = Path(tmp) / "mkdocs.yml"
        child.write_text(yaml.safe_dump({
            "INHERIT": str(builder.CONFIG),
            "docs_dir": str(docs_dir.resolve()),
            "site_dir": str(out_dir.resolve()),
            "theme": {"name": "material", "custom_dir": str(builder.PROJECT / "overrides")},
            "exclude_docs": f"/{ARTICLES}/\n",  # the stubs: links resolve to them, none is rendered
            **({"site_url": site_url} if site_url else {}),
            **({"extra": {"corrections": {"github": os.environ["CORRECTIONS_GITHUB"]}}}
               if os.environ.get("CORRECTIONS_GITHUB") else {}),
        }, allow_unicode=True), "utf-8")
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch)}
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "-f", str(child)],
                                capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise CombineError(f"mkdocs build failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")


def source_date_epoch(rows: list[dict]) -> int:
    """The build's rule (the newest article's date), over shard rows."""
    return builder.source_date_epoch([article_of(r) for r in rows])


def write_bundle(out: Path, own: list[PartRef], data: dict, runtime: Path) -> None:
    bundle = out / indexing.BUNDLE
    by_id = {r.id: r for r in own}
    for entry in data["parts"]:
        ref = by_id.get(entry["id"])
        if ref is None:
            continue  # a peer site's part
        for rel in indexing.part_files(ref.folder):
            _link(ref.folder / rel, bundle / entry["path"] / rel)
    for rel in indexing.runtime_files(runtime):
        _link(runtime / rel, bundle / rel)
    indexing.write_manifest(bundle, data)


def build_one(out: Path, shards: list[ShardSite], rows: list[tuple[str, dict]], own: list[PartRef],
              data: dict, site_url: str, progress: Progress) -> None:
    """One combined site into the empty folder `out`."""
    paths = {s.name: s.path for s in shards}
    plain = [r for _, r in rows]
    with progress.stage("mkdocs", unit="browse pages") as stage:
        with tempfile.TemporaryDirectory(prefix="combine-docs-") as tmp:
            docs = Path(tmp) / "docs"
            builder.write_docs(docs, docs_files(plain))
            stage.advance(sum(1 for _ in docs.rglob("*.md")))
            mkdocs_build(docs, out, source_date_epoch(plain), site_url)
    with progress.stage("articles", total=len(rows), unit="article pages linked") as stage:
        for name, row in rows:
            _link(paths[name] / row["url"], out / row["url"])
            stage.advance()
    with progress.stage("search", total=len(own), unit="search parts") as stage:
        write_bundle(out, own, data, shards[0].path / indexing.BUNDLE)
        stage.advance(len(own))


def folder_bytes(folder: Path) -> int:
    return sum(os.stat(folder / rel).st_size for rel in indexing.walk(folder))


def _check_out(out: Path, split: bool) -> None:
    """Refuse to replace a folder that is not a combined site (or, with split, a folder of them)."""
    if not out.is_dir() or not any(out.iterdir()):
        return
    sites = [p for p in out.iterdir()] if split else [out]
    if not all((p / indexing.BUNDLE).is_dir() for p in sites):
        raise CombineError(f"refusing to replace {out}: it is not empty and is not a combined site"
                           f"{' folder' if split else ''} (no pagefind/)")


def combine(shards: list[ShardSite], out: Path, split: list[tuple[str, list[str]]] | None = None,
            progress: Progress | None = None) -> Result:
    """Combine shard sites into `out` (one site), or with `split` into `out/<site>/` (several
    sites joined by one search). Built next to `out` and swapped in only on success."""
    if not shards:
        raise CombineError("no shard site given")
    shards = sorted(shards, key=lambda s: s.name)
    names = [s.name for s in shards]
    if len(set(names)) != len(names):
        raise CombineError(f"two shards with one name: {', '.join(n for n in names if names.count(n) > 1)}")
    out = out.resolve()
    _check_out(out, bool(split))
    result = Result()
    progress = progress or Progress()
    progress.report = result
    started = time.perf_counter()
    manifests = {s.name: read_manifest(s) for s in shards}
    versions = {m["pagefind"] for m in manifests.values()}
    if len(versions) != 1:
        raise CombineError(f"the shards were indexed by different Pagefind versions ({', '.join(sorted(versions))}): "
                           "build them with one version")
    version = versions.pop()
    rows_by_shard = {s.name: read_rows(s) for s in shards}
    refs = {s.name: part_refs(s, manifests[s.name], rows_by_shard[s.name]) for s in shards}
    rows, result.duplicates = union(rows_by_shard)
    result.time("read", started)

    sites = assign_sites(names, split) if split else {"": names}
    own = {name: [r for shard in members for r in refs[shard]] for name, members in sites.items()}
    site_url = os.environ.get("SITE_URL", "")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-combining-", dir=out.parent))
    try:
        for name, members in sites.items():
            target = staging / name if name else staging
            target.mkdir(parents=True, exist_ok=True)
            peers = {other: own[other] for other in sites if other != name}
            data = manifest(own[name], peers, version)
            mine = [(shard, row) for shard, row in rows if shard in members]
            url = (site_url.rstrip("/") + f"/{name}/" if name else site_url) if site_url else ""
            build_one(target, [s for s in shards if s.name in members], mine, own[name], data, url, progress)
            result.sites[name] = out / name if name else out
            result.articles[name] = len(mine)
            result.parts[name] = len(own[name])
            result.bytes[name] = folder_bytes(target)
        builder.swap_in(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return result


def report(result: Result) -> str:
    lines = []
    for name, folder in result.sites.items():
        size = result.bytes[name]
        over = " — over GitHub Pages' 1 GB: split it (--split)" if size > GITHUB_PAGES_BYTES else ""
        lines.append(f"site {folder}: {result.articles[name]} articles, {result.parts[name]} search parts, "
                     f"{size / 1e6:.1f} MB{over}")
    for duplicate in result.duplicates:
        lines.append(f"duplicate article {duplicate}")
    lines.append(f"duplicates: {len(result.duplicates)}")
    lines.append("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in result.seconds.items()))
    return "\n".join(lines)
