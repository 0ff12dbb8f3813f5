"""Make a Pagefind bundle usable from ``file://`` (the archive on a USB stick).

Browsers refuse ES module imports, ``fetch()`` and Workers on ``file://``, so
Pagefind's normal loading fails there. After Pagefind has written its bundle,
this step writes *twins* under ``SITE/<bundle>/offline/``:

- ``offline/pagefind.js``: Pagefind's ES module as a classic script. The module
  body is wrapped in a function whose parameters shadow ``fetch`` and
  ``Worker``, ``import.meta.url`` becomes a parameter and ``export {…}`` becomes
  ``return {…}``. The script hands that factory to
  ``ArchivePagefind.twin(...)`` (docs/assets/javascripts/pagefind-loader.js).
- ``offline/<file>.js`` for every file Pagefind fetches at search time
  (``pagefind-entry.json``, ``wasm.*.pagefind``, ``pagefind.*.pf_meta``,
  ``index/*.pf_index``, ``fragment/*.pf_fragment``, ``filter/*.pf_filter``):
  one line ``ArchivePagefind.twin("<base64 of the file's bytes>")``.

The loader injects a twin's ``<script>`` only when Pagefind asks for that file,
so a search loads the chunks it needs, as it does over http. Output is
deterministic: sorted, no timestamps, byte-identical for the same bundle.

The archive's index is in parts (build_archive/search/indexing.py): this runs
once per part Pagefind indexes; the older parts keep only their data twins
(pagefind.js and the wasm are the newest part's), and ``offline/parts.json.js``
carries the list of parts.
"""
from __future__ import annotations

import base64
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

TWIN_DIR = "offline"  # subfolder of the bundle; the loader JS uses the same name

# The files Pagefind's pagefind.js fetches, as globs relative to the bundle.
DATA_GLOBS = (
    "pagefind-entry.json",
    "facets.json",  # ours: build_archive/search/facets.py
    "wasm.*.pagefind",
    "pagefind.*.pf_meta",
    "index/*.pf_index",
    "fragment/*.pf_fragment",
    "filter/*.pf_filter",
)

# Strings pagefind.js must contain for the twins and the loader to be right:
# the URL layout the loader maps to twins, the global `fetch` and `Worker` it
# shadows. A Pagefind upgrade that changes any of them must fail the build.
REQUIRED_SNIPPETS = (
    "`${this.basePath}pagefind-entry.json`",
    "`${this.basePath}pagefind.${index}.pf_meta`",
    "`${this.basePath}wasm.${language}.pagefind`",
    "`${this.basePath}index/${hash}.pf_index`",
    "`${this.basePath}fragment/${hash}.pf_fragment`",
    "`${this.basePath}filter/${hash}.pf_filter`",
    "await fetch(queued.input)",  # Pagefind's only data fetch: our shim replaces it
    'typeof Worker!=="undefined"',  # undefined Worker => Pagefind runs on the main thread
)

_IMPORT_META_URL = re.compile(r"\bimport\.meta\.url\b")
_EXPORT_LIST = re.compile(r"\bexport\s*\{([A-Za-z0-9_$,\s]*)\}\s*;?\s*\Z")
# Anything module-only left after the rewrite would be a syntax error (or a
# network request) in a classic script.
_MODULE_ONLY = re.compile(
    r"\bimport\.meta\b|\bimport\s*\(|^\s*import[\s{*]|\bexport\s*(?:\{|\*|default\b|const\b|let\b|var\b|function\b|class\b|async\b)",
    re.MULTILINE,
)
_VERSION = re.compile(r'pagefind_version\s*=\s*"([^"]+)"')

IMPORT_META_PARAM = "__archiveImportMetaUrl"


class OfflineBundleError(RuntimeError):
    """The Pagefind bundle is missing or no longer has the shape we rewrite."""


@dataclass(frozen=True)
class OfflineStats:
    """What `write_offline_bundle` wrote.

    bundle_bytes: bytes of the bundle files that got a twin (pagefind.js and
        the data files Pagefind fetches); Pagefind's UI files are not counted.
    twin_bytes: bytes of everything written under ``<bundle>/offline/``.
    files: number of files written under ``<bundle>/offline/``.
    """

    bundle_bytes: int
    twin_bytes: int
    files: int

    @property
    def overhead(self) -> float:
        """How much bigger the twins are than what they mirror: twin_bytes / bundle_bytes - 1.

        About 0.33 (base64 is 4/3, plus a few bytes per file)."""
        return self.twin_bytes / self.bundle_bytes - 1 if self.bundle_bytes else 0.0


def classic_pagefind_js(module_source: str, where: str = "pagefind.js") -> str:
    """Pagefind's ES module source -> a classic script registering a factory.

    The factory is ``function (fetch, Worker, __archiveImportMetaUrl)``
    returning the module's exports as an object. Raises OfflineBundleError
    when the source no longer has the shape this rewrite relies on.
    """
    missing = [s for s in REQUIRED_SNIPPETS if s not in module_source]
    if missing:
        raise OfflineBundleError(
            f"{where}: no longer contains {missing!r}; Pagefind changed how it loads its "
            "bundle. Check build_archive/search/offline.py and pagefind-loader.js against the new "
            "pagefind.js before upgrading."
        )
    export = _EXPORT_LIST.search(module_source)
    if export is None:
        raise OfflineBundleError(
            f"{where}: no final `export{{…}}` list; cannot turn the module into a classic "
            "script. Check build_archive/search/offline.py against the new pagefind.js."
        )
    names = [n.strip() for n in export.group(1).split(",") if n.strip()]
    if any(" " in n for n in names) or "search" not in names or "init" not in names:
        raise OfflineBundleError(f"{where}: unexpected export list {export.group(0)!r}")
    body, count = _IMPORT_META_URL.subn(IMPORT_META_PARAM, module_source[: export.start()])
    if count == 0:
        raise OfflineBundleError(f"{where}: no `import.meta.url`; Pagefind changed how it finds its bundle")
    leftover = _MODULE_ONLY.search(body)
    if leftover:
        raise OfflineBundleError(
            f"{where}: module-only syntax left after the rewrite near "
            f"{body[max(0, leftover.start() - 40) : leftover.end() + 40]!r}"
        )
    version = _VERSION.search(module_source)
    return (
        f"// Generated by build_archive/search/offline.py from Pagefind "
        f"{version.group(1) if version else '?'} pagefind.js. Do not edit.\n"
        "// Classic-script copy, on file:// and over http: `fetch` and `Worker` are shadowed\n"
        "// by the loader's parameters (its fetch, no Worker), import.meta.url is given.\n"
        f"ArchivePagefind.twin(function (fetch, Worker, {IMPORT_META_PARAM}) {{\n"
        '"use strict";\n'
        f"{body.rstrip()}\n"
        f"return {{{', '.join(names)}}};\n"
        "});\n"
    )


def classic_copy(bundle: Path) -> str:
    """The classic-script copy of ``bundle/pagefind.js`` (classic_pagefind_js)."""
    module = bundle / "pagefind.js"
    return classic_pagefind_js(module.read_text(encoding="utf-8"), str(module))


def write_classic_copy(bundle: Path) -> None:
    """Write ``bundle/offline/pagefind.js`` again, from this version of the rewrite: the copy is
    ours, not Pagefind's, so a build that re-indexes no part (and takes Pagefind's runtime from
    the previous build) must not keep an older version's copy. Replaced, not written in place:
    it may be a hard link into the previous site."""
    target = bundle / TWIN_DIR / "pagefind.js"
    text = classic_copy(bundle)
    target.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def data_twin(data: bytes) -> str:
    """The twin of one bundle file: its bytes as base64, handed to the loader."""
    return f'ArchivePagefind.twin("{base64.b64encode(data).decode("ascii")}")\n'


def write_with_twin(bundle: Path, rel: str, data: bytes) -> None:
    """A file of ours in the bundle folder (``bundle/rel``) and its file:// twin beside the
    others (``bundle/offline/<rel>.js``)."""
    for path, raw in ((bundle / rel, data), (bundle / TWIN_DIR / f"{rel}.js", data_twin(data).encode("utf-8"))):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)


def write_offline_bundle(site_dir: Path, bundle_dir: str = "pagefind") -> OfflineStats:
    """Write the file:// twins of ``site_dir/bundle_dir`` into its ``offline/`` folder.

    Run after Pagefind. Any earlier ``offline/`` folder is replaced, so stale
    chunks of a previous build never survive.
    """
    bundle = Path(site_dir) / bundle_dir
    module = bundle / "pagefind.js"
    if not module.is_file() or not (bundle / "pagefind-entry.json").is_file():
        raise OfflineBundleError(
            f"{bundle}: no Pagefind bundle (pagefind.js, pagefind-entry.json); run Pagefind "
            "on the site before write_offline_bundle"
        )
    data_files = sorted(
        {p for pattern in DATA_GLOBS for p in bundle.glob(pattern) if p.is_file()},
        key=lambda p: p.relative_to(bundle).as_posix(),
    )
    kinds = {p.relative_to(bundle).as_posix().split("/")[0] for p in data_files}
    if not any(k.startswith("wasm.") for k in kinds) or not any(k.endswith(".pf_meta") for k in kinds):
        raise OfflineBundleError(f"{bundle}: no wasm.*.pagefind or *.pf_meta file; is this a Pagefind 1.x bundle?")

    out = bundle / TWIN_DIR
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()

    twins: list[tuple[Path, str]] = [(out / "pagefind.js", classic_copy(bundle))]
    for src in data_files:
        rel = src.relative_to(bundle).as_posix()
        twins.append((out / f"{rel}.js", data_twin(src.read_bytes())))

    twin_bytes = 0
    for path, text in twins:
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = text.encode("utf-8")
        path.write_bytes(raw)
        twin_bytes += len(raw)
    bundle_bytes = module.stat().st_size + sum(p.stat().st_size for p in data_files)
    return OfflineStats(bundle_bytes=bundle_bytes, twin_bytes=twin_bytes, files=len(twins))
