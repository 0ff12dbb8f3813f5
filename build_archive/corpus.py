"""Reading the corpus folder: page dumps and `sources.yml` (the I/O edge)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .models import Issue

SOURCES_FILE = "sources.yml"
SOURCE_KEYS = {"date", "paper", "page", "title", "note", "url"}


@dataclass(frozen=True)
class PageFile:
    path: Path
    source: str  # how the file is named in output: relative to the corpus folder, or as given
    text: str
    facts: dict  # what sources.yml says of it


def decode(data: bytes, source: str) -> tuple[str | None, list[Issue]]:
    """Bytes of a page dump → text, with line endings and a BOM normalised."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        return None, [Issue("undecodable", source, 0, "could not decode the file; skipped")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def load_sources(path: Path) -> tuple[dict[str, dict], list[Issue]]:
    """`sources.yml` → {file name: facts}; every problem is an Issue naming the line."""
    if not path.exists():
        return {}, []
    name = str(path)
    try:
        root = yaml.compose(path.read_text("utf-8"))
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", -1) + 1
        return {}, [Issue("bad-sources", name, line, f"not valid YAML: {getattr(error, 'problem', error)}")]
    if root is None:
        return {}, []
    files_node = _mapping_get(root, "files")
    if not isinstance(root, yaml.MappingNode) or not isinstance(files_node, yaml.MappingNode):
        return {}, [Issue("bad-sources", name, root.start_mark.line + 1, "expected a mapping with a 'files:' key")]
    facts, issues = {}, []
    for key_node, value_node in files_node.value:
        line = key_node.start_mark.line + 1
        value = yaml.safe_load(yaml.serialize(value_node)) if value_node is not None else {}
        if value is None:
            value = {}
        if not isinstance(value, dict):
            issues.append(Issue("bad-sources", name, line, f"{key_node.value}: expected a mapping of facts"))
            continue
        for key in sorted(set(value) - SOURCE_KEYS):
            issues.append(Issue("bad-sources", name, line, f"{key_node.value}: unknown key {key!r} (known: {', '.join(sorted(SOURCE_KEYS))})"))
        facts[str(key_node.value)] = {"line": line, **{k: v for k, v in value.items() if k in SOURCE_KEYS}}
    return facts, issues


def _mapping_get(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node
    return None


def read_files(paths: list[Path], corpus_dir: Path | None = None) -> tuple[list[PageFile], list[Issue]]:
    """Read page dumps; a sources.yml beside each file applies to it."""
    pages, issues = [], []
    sources_cache: dict[Path, dict] = {}
    for path in sorted(paths):
        folder = path.parent
        if folder not in sources_cache:
            sources_cache[folder], found = load_sources(folder / SOURCES_FILE)
            issues.extend(found)
        source = path.relative_to(corpus_dir).as_posix() if corpus_dir else str(path)
        text, found = decode(path.read_bytes(), source)
        issues.extend(found)
        if text is not None:
            pages.append(PageFile(path, source, text, sources_cache[folder].get(path.name, {})))
    for folder, facts in sources_cache.items():
        present = {p.name for p in paths if p.parent == folder}
        for file_name, fact in sorted(facts.items()):
            if file_name not in present:
                issues.append(Issue("bad-sources", str(folder / SOURCES_FILE), fact["line"],
                                    f"names {file_name!r}, which is not in the corpus"))
    return pages, issues


def read_corpus(corpus_dir: Path) -> tuple[list[PageFile], list[Issue]]:
    paths = [p for p in corpus_dir.rglob("*.txt") if p.is_file()]
    return read_files(paths, corpus_dir)
