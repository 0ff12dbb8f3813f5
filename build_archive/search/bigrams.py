"""Character-bigram search tokens: any 2+ character string of an article finds it.

Pagefind segments Chinese one way when indexing (jieba) and another way when
querying (the browser's Intl.Segmenter), and matches query words only as
prefixes of indexed words, so a string from the middle of a word finds
nothing. Lucene and Elasticsearch solve this for Chinese with overlapping
character bigrams; we do the same on top of Pagefind: the copy of an article
page that Pagefind indexes carries a hidden block of its bigrams, each spelled
as 8 lowercase letters (so Pagefind keeps it as one word; the search stage
fills the block in, parts.indexed_page), and the search page turns a query
into the same tokens. Any substring of length n gives n-1 bigrams, all present in the article.

The JavaScript twin of `encode_query` lives in docs/assets/javascripts/search.js;
tests/test_searchgrams.py checks that both agree.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MARKER = "qzgrams"  # first word of the hidden block; the search page cuts it off excerpts
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def normalise(text: str) -> str:
    """NFKC, lower case, no white space: the form both sides tokenise."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())  # split(): where str.isspace()


@lru_cache(maxsize=None)  # ~4M calls at 5,000 articles, a few thousand distinct characters
def encode_char(ch: str) -> str:
    code = min(ord(ch), 26**4 - 1)
    letters = []
    for _ in range(4):
        code, digit = divmod(code, 26)
        letters.append(_LETTERS[digit])
    return "".join(reversed(letters))


def bigram_tokens(text: str) -> list[str]:
    """The sorted, distinct bigram tokens of each line of `text`."""
    tokens: set[str] = set()
    for line in text.splitlines():
        spelled = "".join(map(encode_char, normalise(line)))  # 4 letters a character
        tokens.update(spelled[i:i + 8] for i in range(0, len(spelled) - 4, 4))
    return sorted(tokens)


def encode_query(query: str) -> str:
    chars = [encode_char(ch) for ch in normalise(query)]
    if len(chars) == 1:
        return chars[0]  # a prefix: every bigram starting with that character
    return " ".join(a + b for a, b in zip(chars, chars[1:]))


EMPTY_BLOCK = '<div class="qz-grams" hidden></div>'  # where an article page wants its tokens


def grams_block(text: str) -> str:
    """The hidden HTML block of `text`'s tokens that Pagefind indexes."""
    return f'<div class="qz-grams" hidden>{MARKER} {" ".join(bigram_tokens(text))}</div>'


def filled(html: str, text: str) -> str:
    """A page with its empty block (EMPTY_BLOCK) holding the tokens of `text`; a page without one as it is."""
    return html.replace(EMPTY_BLOCK, grams_block(text), 1) if EMPTY_BLOCK in html else html


_BLOCK = re.compile(r'(<div class="qz-grams" hidden>)([^<]*)(</div>)')
_TOKEN = re.compile(r"[a-z]{8}")
_SPACES = re.compile(r"(\s+)")  # kept by split()
_PLAIN_BLOCK = re.compile(MARKER + r"(?: [a-z]{8})+")


def suffixed(html: str, suffix: str) -> str:
    """An article page as its search part indexes it: each bigram token of its grams block
    spelled with its group's letter at the end (build_archive/search/parts.py, "groups"); the marker
    and everything outside the block unchanged."""
    def spell(block: re.Match) -> str:
        inner = block.group(2)
        if _PLAIN_BLOCK.fullmatch(inner):  # as grams_block writes it: one C-level replace (~10× faster)
            tokens = inner[len(MARKER) + 1:]
            return f"{block.group(1)}{MARKER} {tokens.replace(' ', suffix + ' ')}{suffix}{block.group(3)}"
        words = [w + suffix if len(w) == 8 and _TOKEN.fullmatch(w) else w for w in _SPACES.split(inner)]
        return block.group(1) + "".join(words) + block.group(3)

    return _BLOCK.sub(spell, html, count=1)
