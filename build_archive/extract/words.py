"""Chinese word segmentation for keywords: jieba's cut, set up once per process.

The words are jieba's (0.42.1: its dictionary, its frequency rule for user
words, its HMM for unknown words), computed by jieba-rs through `rjieba`, a
Rust port of the same algorithm that cuts an article ~20× faster (3.6 s →
0.15 s for 2,055 articles). `Segmenter` makes the two agree exactly: it splits
the text into blocks with jieba's own patterns, gives rjieba only jieba's "han"
blocks, cuts the runs jieba's HMM would cut further (`2023-2025`), and gives
rjieba jieba's dictionary total (jieba never subtracts a word's old frequency
when a user word replaces it). tests/test_words.py checks the agreement on the
corpus and on random text.

The segmenter is built lazily on the first `tokens()` call (about a second:
jieba's dictionary gives the user words' frequencies). Its user dictionary is
every theme keyword (build_archive/data/themes.yml) plus the extra words given
to `setup()`, typically the gazetteer's place names, so that 营商环境 or 廿里镇
stay one word.

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
    import jieba.finalseg
import rjieba

from build_archive.extract import themes

STOPWORDS_FILE = Path(__file__).parents[1] / "data" / "stopwords.txt"

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

# jieba's block patterns (jieba/__init__.py, jieba/finalseg): text outside a han
# block is cut at whitespace, else into characters; a run of non-han characters
# its HMM meets is cut into letters-and-digits runs and the rest (2023 - 2025).
_HAN_BLOCK = jieba.re_han_default
_SKIP = jieba.re_skip_default
_HMM_SKIP = jieba.finalseg.re_skip
# A word that can never be cut (no han block holds it): it carries the part of
# jieba's dictionary total that rjieba would not count.
_TOTAL_FILLER = "\ue000"


# Characters where rjieba would split text into blocks otherwise than jieba: it
# takes CJK extensions and compatibility ideographs into its han blocks, and its
# whitespace leaves out \x1c-\x1f. Text without them is given to rjieba whole;
# text with one is split block by block as jieba does (5x slower than whole).
_SPLITS_OTHERWISE = re.compile("[\x1c-\x1f\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


class Segmenter:
    """jieba's `cut` (its default, precise mode), by rjieba."""

    def __init__(self, fast: rjieba.Jieba):
        self._fast = fast

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        if not _SPLITS_OTHERWISE.search(text):
            return self._as_jieba_hmm(self._fast.cut(text, hmm)) if hmm else self._fast.cut(text, False)
        pieces: list[str] = []
        for block in _HAN_BLOCK.split(text):
            if not block:
                continue
            if _HAN_BLOCK.fullmatch(block):
                pieces += self._as_jieba_hmm(self._fast.cut(block, True)) if hmm else self._fast.cut(block, False)
            else:
                for run in _SKIP.split(block):
                    if _SKIP.fullmatch(run):
                        pieces.append(run)
                    else:
                        pieces += run  # one piece a character
        return pieces

    def _as_jieba_hmm(self, pieces: list[str]) -> list[str]:
        """rjieba's HMM pieces, with the non-han runs jieba's HMM cuts further cut."""
        out: list[str] = []
        for piece in pieces:
            # a han block's characters are han or ASCII: its non-han runs are ASCII
            if piece.isascii() and len(piece) > 1 and not piece.isalnum() and not self._fast.has_word(piece):
                out += [run for run in _HMM_SKIP.split(piece) if run]
            else:
                out.append(piece)
        return out


_lock = threading.Lock()
_extra_words: frozenset[str] = frozenset()
_tokenizer: Segmenter | None = None
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


def tokenizer() -> Segmenter:
    """The process's segmenter, built on first use (about 1 s)."""
    global _tokenizer, _tokenizer_words
    with _lock:
        wanted = themes.theme_keywords() | _extra_words
        if _tokenizer is None or wanted != _tokenizer_words:
            _tokenizer = _build_tokenizer(wanted)
            _tokenizer_words = wanted
        return _tokenizer


def reference_tokenizer(words: Iterable[str]) -> tuple[jieba.Tokenizer, int]:
    """jieba itself with these user words, by our frequency rule (what `Segmenter`
    reproduces), and the sum of the dictionary frequencies they replaced."""
    jieba.setLogLevel(logging.WARNING)
    built, replaced = jieba.Tokenizer(), 0
    built.initialize()
    for word in sorted(words):
        freq, known = built.suggest_freq(word), built.FREQ.get(word, 0)
        if known < BARELY_KNOWN_FREQ:
            freq = max(freq, USER_WORD_MIN_FREQ)
        replaced += known
        built.add_word(word, freq=freq)
    return built, replaced


def _build_tokenizer(words: frozenset[str]) -> Segmenter:
    reference, replaced = reference_tokenizer(words)
    fast = rjieba.Jieba()
    for word in sorted(words):
        fast.add_word(word, reference.FREQ[word], None)
    if replaced:
        fast.add_word(_TOTAL_FILLER, replaced, None)
    return Segmenter(fast)


@lru_cache(maxsize=1)
def plain_segmenter() -> Segmenter:
    """jieba's cut with its own dictionary only (no user words)."""
    return Segmenter(rjieba.Jieba())


def segment(text: str) -> list[str]:
    """Every piece jieba cuts `text` into, whitespace and punctuation included."""
    return tokenizer().cut(unicodedata.normalize("NFKC", text))


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
