"""Chinese word segmentation for keywords: jieba's cut, set up once per process.

The words are jieba's (0.42.1: its dictionary, its frequency rule for user
words, its HMM for unknown words), the same on every input, ties included.
`Segmenter` splits the text into jieba's blocks (whole when rjieba's agree)
and redoes jieba's `__cut_DAG` on them: the route (the likeliest path through
the dictionary's words), its one costly part, comes from jieba-rs through
`rjieba`; the rest is jieba's own code (4-12× faster than jieba alone on our
text, 40× on random text; rjieba's whole cut was ~1.5× faster, not exact):

- The route is the same, bit for bit: the same dictionary (checked word by
  word), the same total (jieba counts dict.txt's duplicated B超 line twice and
  never subtracts the frequency a user word replaces: a never-cut word makes
  up the difference), the same float expression log(f) - log(total) + route
  in the same order with the same libm `log`, the same tie rule (the longer
  word). Exact ties are real (区+区区 and 区区+区 in 区区区), and which way
  they go depends on the total's last bits: rjieba's total, 3 short, sent
  区区区衢 the other way before we gave it jieba's.
- The HMM is jieba's own code (`finalseg`), given each `buf` of
  single-character steps of the route exactly as jieba gives it (rjieba's
  HMM, the same formula, breaks exact ties such as 增增增增衢 otherwise: its
  constants must differ in their last bits).
  The HMM-less cut merges runs of single letters, so a dictionary word of
  letters only (GDP) is one step or single letters: `alnum_steps` decides it
  from the frequencies with a margin far above any rounding, else jieba cuts.

tests/test_words.py checks the agreement on the corpus, ties, and random text.

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
from math import log
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable

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
_ALNUM = re.compile("[a-zA-Z0-9]+")
# A word that can never be cut (no han block holds it): it carries the part of
# jieba's dictionary total that rjieba would not count.
_TOTAL_FILLER = "\ue000"
# jieba 0.42.1's dict.txt lists "B超 3 n" twice: jieba's total counts it twice,
# rjieba's (a sum over distinct words) once. tests/test_words.py checks the value.
DICT_TXT_SURPLUS = 3


# Characters where rjieba would split text into blocks otherwise than jieba: it
# takes CJK extensions and compatibility ideographs into its han blocks, and its
# whitespace leaves out \x1c-\x1f. Text without them is given to rjieba whole;
# text with one is split block by block as jieba does (5x slower than whole).
_SPLITS_OTHERWISE = re.compile("[\x1c-\x1f\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


class Segmenter:
    """jieba's `cut` (its default, precise mode): jieba's route by rjieba, jieba's own HMM."""

    def __init__(self, fast: rjieba.Jieba, alnum_words: dict[str, bool | None] | None = None,
                 reference: Callable[[], jieba.Tokenizer] | None = None):
        self._fast = fast
        # The dictionary's words of ASCII letters and digits only (GDP), which the HMM-less
        # cut cannot tell from runs of single letters (it merges them): whether the route
        # takes such a piece as one step (see `alnum_steps`); None: jieba must say.
        self._alnum_words = alnum_words or {}
        self._reference = reference  # jieba itself, same words, for those undecided words
        self._reference_built: jieba.Tokenizer | None = None
        self._bufs: dict[str, str] = {}  # a buf (joined) -> jieba's pieces (joined)

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        if not _SPLITS_OTHERWISE.search(text):
            return self._cut_hmm(text) if hmm else self._fast.cut(text, False)
        pieces: list[str] = []
        for block in _HAN_BLOCK.split(text):
            if not block:
                continue
            if _HAN_BLOCK.fullmatch(block):
                pieces += self._cut_hmm(block) if hmm else self._fast.cut(block, False)
            else:
                for run in _SKIP.split(block):
                    if _SKIP.fullmatch(run):
                        pieces.append(run)
                    else:
                        pieces += run  # one piece a character
        return pieces

    def _cut_hmm(self, text: str) -> list[str]:
        """jieba's __cut_DAG: its route (rjieba's HMM-less cut: the same route, with runs of
        single letters and digits merged), each `buf` of single-character steps given to
        jieba's own HMM (finalseg), unless it is a dictionary word."""
        route = self._fast.cut(text, False)
        if not route:
            return route
        separator = next(chr(code) for code in chain(range(9), range(0xE001, 0xF900)) if chr(code) not in text)
        bufs, cache = _buf_finder(separator, tuple(self._alnum_words)), self._bufs
        if len(cache) > 100_000:
            cache.clear()

        def as_jieba(buf: re.Match) -> str:
            found = buf.group()  # separator + steps joined
            cut = cache.get(found)
            if cut is None:
                cut = cache[found] = separator + separator.join(self._buf_words(found[1:].split(separator)))
            return cut

        try:  # the cut is joined with the separator at both ends too: each piece follows one
            return bufs(as_jieba, f"{separator}{separator.join(route)}{separator}")[1:-1].split(separator)
        except _Undecided:  # never seen: jieba cuts the text
            return list(self._jieba().cut(text, HMM=True))

    def _buf_words(self, steps: list[str]) -> list[str]:
        """What jieba makes of a `buf`: steps of one character, merged runs of single letters,
        and the dictionary's words of letters only (GDP), which may be steps of their own."""
        words, buf = [], ""
        for step in steps:
            if self._alnum_words.get(step, False):  # a step: jieba flushes the buf
                words += self._buf(buf)
                words.append(step)
                buf = ""
            elif step in self._alnum_words and self._alnum_words[step] is None:
                raise _Undecided(step)
            else:
                buf += step
        return words + self._buf(buf)

    def _buf(self, buf: str) -> list[str]:
        if len(buf) <= 1:
            return [buf] if buf else []
        return list(buf) if self._fast.has_word(buf) else list(_jieba_hmm(buf))

    def _jieba(self) -> jieba.Tokenizer:
        if self._reference is None:
            raise RuntimeError("this Segmenter has no reference tokenizer for a dictionary word of letters")
        if self._reference_built is None:
            self._reference_built = self._reference()
        return self._reference_built


class _Undecided(Exception):
    """A word of letters the route may or may not take as one step."""


_BLOCK_CHARS = jieba.re_han_default.pattern.strip("()+")  # [...]: a character of jieba's han blocks


@lru_cache(maxsize=64)
def _buf_finder(separator: str, alnum_words: tuple[str, ...]) -> Callable[[Callable[[re.Match], str], str], str]:
    """Substitutes, in the HMM-less cut joined with `separator`, each run of two or more
    single-character steps of the route (jieba's `buf`: pieces of one character of a han
    block, or runs of letters and digits, which the cut merges), and each piece that is
    a word of letters only."""
    sep = re.escape(separator)
    step = f"(?:{_BLOCK_CHARS}|[a-zA-Z0-9][a-zA-Z0-9]+)"
    bufs = f"{step}(?:{sep}{step})+"
    if alnum_words:
        bufs += "|" + "|".join(map(re.escape, sorted(alnum_words, key=len, reverse=True)))
    return re.compile(f"{sep}(?:{bufs})(?={sep})").sub


@lru_cache(maxsize=1 << 16)
def _jieba_hmm(buf: str) -> tuple[str, ...]:
    """jieba's HMM on a `buf` (its han runs; letters and digits by its pattern): jieba's own
    code (`finalseg.cut`), cached."""
    return tuple(jieba.finalseg.cut(buf))


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
    reference, _ = reference_tokenizer(words)
    fast = rjieba.Jieba()
    for word in sorted(words):
        fast.add_word(word, reference.FREQ[word], None)
    return _with_jieba_total(fast, reference, lambda: reference_tokenizer(words)[0])


def _with_jieba_total(fast: rjieba.Jieba, reference: jieba.Tokenizer, rebuild: Callable[[], jieba.Tokenizer]) -> Segmenter:
    """`fast`, whose words and frequencies are `reference`'s, given `reference`'s total."""
    missing = jieba_total_surplus(reference)
    assert missing >= DICT_TXT_SURPLUS
    fast.add_word(_TOTAL_FILLER, missing, None)
    return Segmenter(fast, alnum_steps(reference), rebuild)


def alnum_steps(reference: jieba.Tokenizer) -> dict[str, bool | None]:
    """Each dictionary word of ASCII letters and digits only (GDP), and whether jieba's route
    takes it as one step where the HMM-less cut shows it as a piece of its own.

    Such a piece is one step or single letters (G, D, P: the cut merges single letters).
    With r the route's value after it, jieba compares (log f(GDP) - L) + r with its best
    value from G; were the letters single steps, that value would be the float sum
    (log f(G) - L) + ((log f(D) - L) + ((log f(P) - L) + r)). Both differ from their exact
    values by far less than 1 (|r| <= 20 a character, rounding 2^-52 of it a term), so a
    gap of more than 1 between the exact values decides: a step if the word is likelier
    than its letters, single letters if less likely, None (ask jieba) in between.
    """
    log_total, steps = log(reference.total), {}
    for word, freq in reference.FREQ.items():
        if freq and len(word) > 1 and _ALNUM.fullmatch(word):
            letters = sum(log(reference.FREQ.get(char) or 1) - log_total for char in word)
            gap = letters - (log(freq) - log_total)
            steps[word] = True if gap < -1 else False if gap > 1 else None
    return steps


def jieba_total_surplus(reference: jieba.Tokenizer) -> int:
    """How much jieba's dictionary total exceeds the sum of its words' frequencies
    (rjieba's total): a duplicated line of dict.txt, and every frequency a user
    word replaced (jieba adds the new one and never subtracts the old)."""
    return reference.total - sum(reference.FREQ.values())


@lru_cache(maxsize=1)
def plain_segmenter() -> Segmenter:
    """jieba's cut with its own dictionary only (no user words)."""
    fast = rjieba.Jieba()
    fast.add_word(_TOTAL_FILLER, DICT_TXT_SURPLUS, None)
    return Segmenter(fast, {}, _plain_jieba)  # jieba's dictionary has no word of letters only


def _plain_jieba() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    built = jieba.Tokenizer()
    built.initialize()
    return built


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
