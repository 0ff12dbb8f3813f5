"""Chinese word segmentation for keywords: jieba, set up once per process.

The segmenter is a private `jieba.Tokenizer` (jieba's global one is left alone),
built lazily on the first `tokens()` call: loading jieba's dictionary takes about
a second. Its user dictionary is every theme keyword (build_archive/data/themes.yml)
plus the extra words given to `setup()`, typically the gazetteer's place names,
so that 营商环境 or 廿里镇 stay one word.

Deterministic: the segmenter is a function of the set of user words only (they
are added in sorted order, with a fixed frequency rule), and jieba's cut, HMM
included, has no randomness. Words given to `setup()` after the segmenter was
built make it be rebuilt at the next call, never patched in place, so the
result never depends on the order of calls. Call `setup()` before the first
`tokens()` to pay the load only once.

Quiet: jieba logs its dictionary loading at DEBUG level to stderr; we raise its
log level to WARNING before building.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Iterable

with warnings.catch_warnings():
    # jieba 0.42.1 imports pkg_resources, which newer setuptools warn about.
    warnings.simplefilter("ignore")
    import jieba

from build_archive import themes

STOPWORDS_FILE = Path(__file__).parent / "data" / "stopwords.txt"

# jieba's suggested frequency for a new word is just enough to keep it whole when
# it stands alone, not always in context (规上工业总产值 became 规上/工业/总产值,
# 亲清茶叙 亲/清茶/叙). Words jieba does not know, or barely knows (营商: 3), get
# at least a common word's frequency; words it knows keep their own, so that
# their neighbours are cut as before (raising 网格 would cut 网格化 as 网格/化).
USER_WORD_MIN_FREQ = 20_000
BARELY_KNOWN_FREQ = 100

# A content word has at least one CJK character or Latin letter (drops numbers,
# percentages and punctuation runs like "2022", "5.1%", "……").
_CONTENT = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z]")

_lock = threading.Lock()
_extra_words: frozenset[str] = frozenset()
_tokenizer: jieba.Tokenizer | None = None
_tokenizer_words: frozenset[str] = frozenset()  # the user words _tokenizer was built with


def setup(extra_words: Iterable[str] = ()) -> None:
    """Add words to the user dictionary (adds to earlier calls, never removes).

    Cheap: the segmenter is (re)built at the next `tokens()` call, and only if
    the set of user words changed.
    """
    global _extra_words
    cleaned = {word.strip() for word in extra_words}
    with _lock:
        _extra_words = _extra_words | {word for word in cleaned if len(word) >= 2}


def user_words() -> frozenset[str]:
    """Every word the segmenter must keep whole: theme keywords + setup() words."""
    return themes.theme_keywords() | _extra_words


def tokenizer() -> jieba.Tokenizer:
    """The process's segmenter, built on first use (about 1 s)."""
    global _tokenizer, _tokenizer_words
    with _lock:
        wanted = themes.theme_keywords() | _extra_words
        if _tokenizer is None or wanted != _tokenizer_words:
            _tokenizer = _build_tokenizer(wanted)
            _tokenizer_words = wanted
        return _tokenizer


def _build_tokenizer(words: frozenset[str]) -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    built = jieba.Tokenizer()
    built.initialize()
    for word in sorted(words):
        freq = built.suggest_freq(word)
        if built.FREQ.get(word, 0) < BARELY_KNOWN_FREQ:
            freq = max(freq, USER_WORD_MIN_FREQ)
        built.add_word(word, freq=freq)
    return built


def segment(text: str) -> list[str]:
    """Every piece jieba cuts `text` into, whitespace and punctuation included."""
    return list(tokenizer().cut(unicodedata.normalize("NFKC", text)))


def tokens(text: str) -> list[str]:
    """The content words of `text`, in order, repeats kept.

    Drops punctuation, numbers, single characters and stopwords.
    """
    stop = stopwords()
    return [
        word
        for word in (piece.strip() for piece in segment(text))
        if len(word) >= 2 and _CONTENT.search(word) and word not in stop
    ]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """build_archive/data/stopwords.txt: one word a line, "#" comments."""
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()
    )
