"""The I/O edge of the build: write docs/, run MkDocs and Pagefind, swap the site in."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from . import offline, stable_bundle

PROJECT = Path(__file__).resolve().parent.parent
CONFIG = PROJECT / "mkdocs.yml"
# What the build generates inside docs/; everything else there is hand-written.
GENERATED = ("articles", "districts", "themes", "dates", "authors", "data", "index.md", "search.md")


class BuildError(RuntimeError):
    pass


def write_docs(docs_dir: Path, files: dict[str, str]) -> tuple[int, int]:
    """Write the generated pages; leave unchanged files alone, delete stale ones.

    Returns (files written, files deleted). Hand-written pages (about.md) and
    assets are copied from the project's docs/ when building elsewhere.
    """
    docs_dir.mkdir(parents=True, exist_ok=True)
    project_docs = PROJECT / "docs"
    if docs_dir.resolve() != project_docs.resolve():
        for path in sorted(project_docs.rglob("*")):
            rel = path.relative_to(project_docs)
            if path.is_file() and rel.parts[0] not in GENERATED:
                _write_if_changed(docs_dir / rel, path.read_bytes())
    written = sum(_write_if_changed(docs_dir / rel, text.encode("utf-8")) for rel, text in sorted(files.items()))
    deleted = 0
    for root in GENERATED:
        target = docs_dir / root
        existing = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else []
        for path in existing:
            if path.relative_to(docs_dir).as_posix() not in files:
                path.unlink()
                deleted += 1
    return written, deleted


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _run(command: list[str], what: str, env: dict | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BuildError(f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr


def mkdocs_build(docs_dir: Path, out_dir: Path, source_date_epoch: int) -> None:
    """Run MkDocs with the project's mkdocs.yml, pointed at these folders."""
    with tempfile.TemporaryDirectory() as tmp:
        child = Path(tmp) / "mkdocs.yml"
        child.write_text(yaml.safe_dump({
            "INHERIT": str(CONFIG),
            "docs_dir": str(docs_dir.resolve()),
            "site_dir": str(out_dir.resolve()),
            "theme": {"name": "material", "custom_dir": str(PROJECT / "overrides")},
            # where the site will be hosted (the Pages workflow sets it): 404.html needs it
            **({"site_url": os.environ["SITE_URL"]} if os.environ.get("SITE_URL") else {}),
        }, allow_unicode=True), "utf-8")
        # SOURCE_DATE_EPOCH: no build time in the output, so builds are byte-identical
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch)}
        _run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "-f", str(child)], "mkdocs build", env)


def pagefind(site_dir: Path) -> str:
    """Index the built site with Pagefind's *extended* binary (it segments Chinese)."""
    return _run([sys.executable, "-m", "pagefind_bin_extended", "--site", str(site_dir)], "pagefind")


def build_site(docs_dir: Path, site_dir: Path, source_date_epoch: int, timings) -> offline.OfflineStats:
    """Build into a temporary folder next to `site_dir`; swap it in only on success.

    Whatever fails (MkDocs, Pagefind, the offline bundle, an interrupt), the
    previous site is left as it was and the temporary folder is removed.
    """
    site_dir = site_dir.resolve()
    if site_dir.is_dir() and any(site_dir.iterdir()) and not (site_dir / "pagefind").is_dir():
        raise BuildError(f"refusing to replace {site_dir}: it is not empty and is not a built site (no pagefind/)")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-building-", dir=site_dir.parent))
    try:
        with timings("mkdocs"):
            mkdocs_build(docs_dir, staging, source_date_epoch)
        with timings("pagefind"):
            pagefind(staging)
            try:
                stable_bundle.canonicalise_bundle(staging)  # Pagefind's filter order is random
            except (ValueError, TypeError) as error:
                raise BuildError(f"Pagefind bundle: {error}") from error
        with timings("offline"):
            try:
                stats = offline.write_offline_bundle(staging)
            except offline.OfflineBundleError as error:
                raise BuildError(f"offline search bundle: {error}") from error
        swap_in(staging, site_dir)
        return stats
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def swap_in(new: Path, site_dir: Path) -> None:
    """Replace `site_dir` by `new` with two renames (same folder, so each is atomic)."""
    old = site_dir.with_name(f".{site_dir.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    try:
        new.rename(site_dir)
    except OSError as error:
        if old.exists():
            old.rename(site_dir)  # put the previous site back
        raise BuildError(f"could not move the new site into {site_dir}: {error}") from error
    shutil.rmtree(old, ignore_errors=True)
