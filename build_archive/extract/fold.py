"""Text folded for matching: traditional characters to simplified, pinyin leftovers dropped.

Pages copied from mirror sites are printed in traditional characters (龍游縣, 衢江區),
sometimes with the pinyin of a rare character left in brackets (舉村鄉(xiāng),
廿(niàn)里鎮). The gazetteer and the theme keywords are written in simplified
characters, so they are matched against `simplified(text)`; the article keeps its
text as printed (only matching sees the folded text).

The conversion is OpenCC (the `opencc` package, the C++ library's own binding),
config `hk2s`: OpenCC's standard traditional → simplified (`t2s`: phrases first, then
characters) after folding Hong Kong variant characters (衞生 → 卫生, which `t2s`
leaves as 衞生). Measured on a 1 MB traditional corpus (the samples and the layout
pages through `s2t`): 20–35 ms, against 540 ms for opencc-python-reimplemented with
the same dictionaries; every gazetteer name and theme keyword written in `s2t`,
`s2tw` or `s2hk` comes back exactly; simplified text is left alone (on the five
samples only a traditional character in a person's name changes).

Length: OpenCC's dictionaries map character for character (checked: every entry of
TSPhrases, TSCharacters, HKVariantsRev(Phrases) has a key and value of one length),
but dropping a pinyin leftover shortens the text. gazetteer.py and themes.py fold once
and then only use positions within the folded text (where a mention is, relative to
the folded body's length), so they take `simplified(text)`. Code that must map a
match back to the printed text (a line's column, a slice of the page) takes
`simplified(text, keep_length=True)`: converted character for character, pinyin kept,
len() and every index the printed text's.
"""
from __future__ import annotations

import functools
import re

import opencc

CONFIG = "hk2s"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A pinyin syllable with a tone mark in brackets right after a Han character:
# 鄉(xiāng), 廿（niàn）. Unmarked Latin in brackets (WTO, app) is kept.
PINYIN_LEFTOVER = re.compile(
    rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（](?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}[)）]"
)


@functools.lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC(CONFIG)


@functools.lru_cache(maxsize=64)  # locate and classify fold the same title and body in turn
def simplified(text: str, *, keep_length: bool = False) -> str:
    """`text` in simplified characters, pinyin leftovers dropped: for matching only.

    keep_length: only convert characters (pinyin kept), so that an index into the
    result is the same index into `text`.
    """
    if text.isascii():
        return text
    if keep_length:
        folded = _converter().convert(text)
        if len(folded) != len(text):  # never seen: a dictionary entry that changes length
            folded = "".join(c if len(c) == 1 else ch for ch, c in zip(text, map(_converter().convert, text)))
        return folded
    return _converter().convert(PINYIN_LEFTOVER.sub("", text))


# The CJK blocks whose characters OpenCC may fold: unified ideographs, extension A, compatibility.
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@functools.lru_cache(maxsize=1)
def character_table() -> dict[str, str]:
    """Every CJK character OpenCC (CONFIG) writes as another single character: {traditional:
    simplified}. One table for every character-level fold: the search bigrams and the search
    page (search/bigrams.py), furniture words (furniture.py), surnames (names.py)."""
    chars = [chr(c) for low, high in _CJK_RANGES for c in range(low, high + 1)]
    converted = _converter().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # OpenCC joined or split lines: fall back to one call a character
        converted = [_converter().convert(ch) for ch in chars]
    table = {ch: to for ch, to in zip(chars, converted) if to != ch and len(to) == 1}
    # a chain (A → B, B → C) would fold differently in one pass and in two: resolve it
    return {ch: table.get(to, to) for ch, to in table.items()}


@functools.lru_cache(maxsize=1)
def _translation() -> dict[int, str]:
    return str.maketrans(character_table())


def characters(text: str) -> str:
    """Each character in its simplified form, one for one: an offset in the result is the same
    offset in `text` (unlike `simplified`, which also converts phrases and drops pinyin)."""
    return text.translate(_translation())

