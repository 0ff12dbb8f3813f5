"""Reading the corpus folder: page dumps and `sources.yml` (the I/O edge).

Page files are text dumps (`*.txt`) and web pages saved from a browser (`*.html`,
`*.htm`): a web page's text is what trafilatura finds in it, written out as a page
dump (extract/webpage.py); that text is the page's `PageFile.text`, the text
conservation accounts for. The resources a browser saves beside a page
(`<name>_files/`, `<name>.files/`) are not pages.

A file the build cannot use is skipped with an Issue naming it, and the build
goes on with the rest:

- `empty`: 0 bytes, or only white space;
- `too-large`: over MAX_BYTES (a page dump is 5–50 kB; 2 MB is no single page), for a web
  page over MAX_WEB_PAGE_BYTES (its scripts and styles make it 0.1–3 MB);
- `binary`: NUL bytes (over 1 %, or in a file that does not decode) without a
  UTF-16/UTF-32 byte order mark;
- `undecodable`: no encoding gives plausible Chinese text;
- `unreadable`, `outside-corpus`: the OS refused, or a link leads out of the corpus;
- `no-main-text`: a web page in which trafilatura finds no article text.

What is repaired is counted, never silently dropped: `control-characters`
(removed) and `invalid-bytes` (a few broken UTF-8 sequences shown as �).
Line endings (`\\r\\n`, `\\r`) become `\\n` without a warning: they lose nothing.
"""
from __future__ import annotations

import codecs
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import yaml

from build_archive.extract import dates, webpage
from build_archive.models import Issue

SOURCES_FILE = "sources.yml"
PAGE_SUFFIXES = (".txt", *webpage.SUFFIXES)  # what read_corpus reads, lower or upper case
SOURCE_KEYS = {"date", "paper", "page", "title", "note", "url"}
MAX_BYTES = 2_000_000
MAX_WEB_PAGE_BYTES = 20_000_000  # a saved news page holds its scripts and styles: 0.1–3 MB
MAX_INVALID_BYTES = 10  # more broken UTF-8 than this, and the file is not UTF-8
MAX_NUL_SHARE = 0.01  # a few stray NUL bytes in text are control characters

# The 100 commonest Chinese characters (by jieba's dictionary frequencies). In
# real text a quarter to a third of all Han characters are among them; in text
# decoded with the wrong codec (GBK read as Big5, UTF-8 read as GBK) under 4 %.
COMMON_HAN = frozenset(
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下们于后就发自之对得"
    "主长可过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进区事代那去心小同北定开产前其军"
)
MIN_COMMON_SHARE = 0.08
MIN_CHINESE_LETTERS = 0.8  # share of Han (or full-width) letters among non-ASCII letters

BOMS = (  # UTF-32 first: its little-endian BOM starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters (Unicode category Cc) but line feed and tab: removed. \r\n
# and \r, and U+2028/2029 (where Python's splitlines, which the segmenter uses,
# breaks lines), become line feeds first.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class PageFile:
    path: Path
    source: str  # how the file is named in output: relative to the corpus folder, or as given
    text: str
    facts: dict  # what sources.yml says of it


# --- page dumps ----------------------------------------------------------------


_ASCII = re.compile(r"[\x00-\x7f]+")


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003ffff"


def looks_chinese(text: str) -> bool:
    """Is decoded text plausibly Chinese rather than mojibake?

    Text read with the wrong codec shows letters of other scripts (é, ア, 한)
    or rare Han characters; real Chinese is mostly Han, and common Han at that.
    Plain ASCII passes: every codec reads it alike.
    """
    # counted over distinct characters (Counter counts in C): a page has a few thousand
    letters = {ch: n for ch, n in Counter(_ASCII.sub("", text)).items() if ch.isalpha()}
    han = {ch: n for ch, n in letters.items() if is_han(ch)}
    han_count = sum(han.values())
    fullwidth = sum(n for ch, n in letters.items() if "\uff01" <= ch <= "\uff5e")
    if han_count + fullwidth < MIN_CHINESE_LETTERS * sum(letters.values()):
        return False
    if han_count < 50:  # too short to judge by character frequencies
        return True
    return sum(n for ch, n in han.items() if ch in COMMON_HAN) >= MIN_COMMON_SHARE * han_count


def _bom_encoding(data: bytes) -> str | None:
    return next((encoding for bom, encoding in BOMS if data.startswith(bom)), None)


def _candidates(data: bytes):
    """UTF-8 and GB18030 (our papers' encodings) first, then what charset-normalizer guesses.

    Valid UTF-8 is almost never anything else; charset-normalizer guesses wrong
    on short GBK text (`短文本` → Big5 `傻恅掛`), so it only widens the search.
    """
    yield "utf_8"
    yield "gb18030"
    for match in charset_normalizer.from_bytes(data):
        if codecs.lookup(match.encoding).name not in ("utf-8", "gb18030"):
            yield match.encoding


@dataclass
class EncodingMemo:
    """Content hash -> the encoding those very bytes were read with (for a web page: the page
    text read from them), kept by the build's cache between builds: the Chinese-text check
    (trafilatura) takes most of the reading time. `current` holds the files read this time
    (what to keep for the next build)."""

    previous: dict[bytes, str]
    current: dict[bytes, str]

    def get(self, key: bytes) -> str | None:
        encoding = self.previous.get(key)
        if encoding:
            self.current[key] = encoding
        return encoding


def _decode_chinese(data: bytes, source: str, known: EncodingMemo | None = None) -> tuple[str | None, list[Issue]]:
    key = hashlib.blake2b(data, digest_size=16).digest() if known else b""
    remembered = known.get(key) if known else None
    if remembered:
        return data.decode(remembered), []
    bom = _bom_encoding(data)
    tried = []
    for encoding in [bom] if bom else _candidates(data):
        tried.append(encoding)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if looks_chinese(text):
            if known:
                known.current[key] = encoding
            return text, []
    if not bom:  # UTF-8 with a few broken bytes, e.g. a character cut off at the end of the file
        text = data.decode("utf-8", errors="replace")
        broken = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
        if 0 < broken <= MAX_INVALID_BYTES and looks_chinese(text):
            first = text.index("\ufffd")
            return text, [Issue("invalid-bytes", source, _line_of(text, first),
                                f"{broken} byte sequence(s) that are not UTF-8, shown as �")]
    return None, [Issue("undecodable", source, 0, f"cannot be read as Chinese text (tried {', '.join(tried)};"
                        " expected UTF-8, UTF-16 with a byte order mark, or GB18030); skipped")]


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def remove_control_characters(text: str) -> tuple[str, Counter, int]:
    """Text without control characters; (text, how many of each, line of the first)."""
    first = CONTROL.search(text)
    if not first:
        return text, Counter(), 0
    return CONTROL.sub("", text), Counter(CONTROL.findall(text)), _line_of(text, first.start())


def decode(data: bytes, source: str, known: EncodingMemo | None = None) -> tuple[str | None, list[Issue]]:
    """Bytes of a page dump → text (None when skipped), with what was wrong as Issues."""
    if not data:
        return None, [Issue("empty", source, 0, "the file is empty (0 bytes); skipped")]
    # NUL bytes: a binary file (or UTF-16 without a BOM), unless a stray few in text
    nuls = 0 if _bom_encoding(data) else data.count(b"\x00")
    binary = Issue("binary", source, 0, f"{nuls} NUL bytes: a binary file, or UTF-16 without a byte order mark; skipped")
    if nuls > len(data) * MAX_NUL_SHARE:
        return None, [binary]
    text, issues = _decode_chinese(data, source, known)
    if text is None:
        return None, [binary] if nuls else issues
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text, removed, first_line = remove_control_characters(text)
    if removed:
        counts = ", ".join(f"U+{ord(ch):04X} ×{n}" for ch, n in sorted(removed.items()))
        issues.append(Issue("control-characters", source, first_line,
                            f"removed {sum(removed.values())} control character(s): {counts}"))
    if not text.strip():
        return None, [*issues, Issue("empty", source, 0, "the file holds no text, only white space; skipped")]
    return text, issues


def read_page(path: Path, source: str, known: EncodingMemo | None = None) -> tuple[str | None, list[Issue]]:
    try:
        size = path.stat().st_size
        web = webpage.is_web_page(path.name)
        limit = MAX_WEB_PAGE_BYTES if web else MAX_BYTES
        if size > limit:
            return None, [Issue("too-large", source, 0, f"{size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB"
                                f" limit for one {'web page' if web else 'page dump'}"
                                " (is it several pages, or not a page?); skipped")]
        data = path.read_bytes()
    except OSError as error:
        return None, [Issue("unreadable", source, 0, f"cannot read the file ({error.strerror}); skipped")]
    if web:
        return read_web_page(data, source, known)
    return decode(data, source, known)


def read_web_page(data: bytes, source: str, known: EncodingMemo | None = None) -> tuple[str | None, list[Issue]]:
    """A saved web page's bytes → the page text of its article (extract/webpage.py), or None.

    The HTML is decoded as its <meta charset> says when that reads cleanly, else like a page dump.
    trafilatura takes 20–100 ms a page: `known` keeps the text of a page read without issues."""
    key = hashlib.blake2b(b"web page\0" + data, digest_size=16).digest() if known else b""
    remembered = known.get(key) if known else None
    if remembered is not None:
        return remembered, []
    html, issues = None, []
    declared = None if _bom_encoding(data) else webpage.declared_encoding(data)
    if declared:
        try:
            html = data.decode(declared).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            html = None
    if html is None:
        html, issues = decode(data, source, known)
        if html is None:
            return None, issues
    text, found = webpage.page_text(html, source)
    issues += found
    if text is None:
        return None, issues
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text, _, _ = remove_control_characters(text)  # the HTML's own were reported by decode
    if known and not issues:
        known.current[key] = text
    return text, issues


# --- sources.yml -----------------------------------------------------------------


def load_sources(path: Path, name: str | None = None) -> tuple[dict[str, dict], list[Issue]]:
    """`sources.yml` → {file name: facts}; every problem is an Issue naming the line and key.

    A fact that is wrong (a bad date, a list where text belongs) is reported
    and left out; the rest of the file still applies.
    """
    name = name or str(path)
    if not path.exists():
        return {}, []
    try:
        text = path.read_bytes().decode("utf-8-sig")
        root = yaml.compose(text)
    except UnicodeDecodeError as error:
        return {}, [Issue("bad-sources", name, 0, f"not UTF-8 (byte {error.start}); the whole file is ignored")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or error
        return {}, [Issue("bad-sources", name, mark.line + 1 if mark else 0,
                          f"not valid YAML: {problem}; the whole file is ignored")]
    if root is None:
        return {}, []
    files_node = _mapping_get(root, "files")
    if not isinstance(files_node, yaml.MappingNode):
        return {}, [Issue("bad-sources", name, root.start_mark.line + 1, "expected a mapping with a 'files:' key")]
    facts: dict[str, dict] = {}
    issues: list[Issue] = []
    for key_node, value_node in files_node.value:
        line = key_node.start_mark.line + 1
        file_name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not file_name:
            issues.append(Issue("bad-sources", name, line, "expected a file name as key"))
            continue
        if file_name in facts:
            issues.append(Issue("bad-sources", name, line,
                                f"{file_name}: listed twice (first on line {facts[file_name]['line']}); this entry wins"))
        if isinstance(value_node, yaml.ScalarNode) and _value(value_node) is None:
            facts[file_name] = {"line": line}  # `name.txt:` with nothing after it
            continue
        if not isinstance(value_node, yaml.MappingNode):
            issues.append(Issue("bad-sources", name, line, f"{file_name}: expected a mapping of facts"))
            continue
        facts[file_name] = {"line": line}
        for fact_key, fact_node in value_node.value:
            found = _fact(file_name, fact_key, fact_node)
            if isinstance(found, str):
                issues.append(Issue("bad-sources", name, fact_key.start_mark.line + 1, found))
            elif found is not None:
                facts[file_name].update(found)
    return facts, issues


def _fact(file_name: str, key_node, value_node) -> dict | str | None:
    """One `key: value` of a file's entry → {key: value}, None to skip, or a problem (str)."""
    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
    if key not in SOURCE_KEYS:
        return f"{file_name}: unknown key {key!r} (known: {', '.join(sorted(SOURCE_KEYS))})"
    if not isinstance(value_node, yaml.ScalarNode):
        return f"{file_name}: {key}: expected a single value, not a list or mapping"
    value = _value(value_node)
    if value is None:
        return None
    if key == "date":
        try:
            dates.parse_date_value(value)
        except ValueError as error:
            return f"{file_name}: date: {error}"
        return {key: value}
    return {key: str(value)}


def _value(node: yaml.ScalarNode):
    """The scalar as YAML reads it; its text when YAML cannot (`2023-02-30` is no date)."""
    try:
        return yaml.SafeLoader("").construct_object(node)
    except ValueError:
        return node.value


def _mapping_get(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node
    return None


# --- the corpus ----------------------------------------------------------------------


def read_files(paths: list[Path], corpus_dir: Path | None = None,
               known: EncodingMemo | None = None) -> tuple[list[PageFile], list[Issue]]:
    """Read page dumps; a sources.yml beside each file applies to it."""
    pages, issues = [], []
    sources_cache: dict[Path, dict] = {}

    def name_of(path: Path) -> str:
        return path.relative_to(corpus_dir).as_posix() if corpus_dir else str(path)

    for path in sorted(paths):
        folder = path.parent
        if folder not in sources_cache:
            sources_cache[folder], found = load_sources(folder / SOURCES_FILE, name_of(folder / SOURCES_FILE))
            issues.extend(found)
        source = name_of(path)
        if corpus_dir and not path.resolve().is_relative_to(corpus_dir.resolve()):
            issues.append(Issue("outside-corpus", source, 0, "a link to a file outside the corpus folder; skipped"))
            continue
        text, found = read_page(path, source, known)
        issues.extend(found)
        if text is not None:
            pages.append(PageFile(path, source, text, sources_cache[folder].get(path.name, {})))
    for folder, facts in sources_cache.items():
        present = {p.name for p in paths if p.parent == folder}
        for file_name, fact in sorted(facts.items()):
            if file_name not in present:
                issues.append(Issue("bad-sources", name_of(folder / SOURCES_FILE), fact["line"],
                                    f"{file_name}: no such page file beside sources.yml"))
    return pages, issues


def read_corpus(corpus_dir: Path, known: EncodingMemo | None = None) -> tuple[list[PageFile], list[Issue]]:
    """Every page file under `corpus_dir` (PAGE_SUFFIXES), but what a browser saved beside a web page."""
    paths = [p for p in corpus_dir.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and p.is_file()
             and not _in_saved_page_folder(p, corpus_dir)]
    return read_files(paths, corpus_dir, known)


def _in_saved_page_folder(path: Path, corpus_dir: Path) -> bool:
    """Is `path` inside `<name>_files/` (or `<name>.files/`) saved with a web page `<name>.html`?

    Browsers keep a page's frames, scripts and pictures there: parts of that page, not pages."""
    for folder in path.relative_to(corpus_dir).parents:
        name = folder.name
        for tail in ("_files", ".files"):
            if name.endswith(tail) and any((corpus_dir / folder.parent / (name[: -len(tail)] + suffix)).is_file()
                                           for suffix in webpage.SUFFIXES):
                return True
    return False
