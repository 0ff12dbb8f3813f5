"""One-character queries over a part whose index runs over many chunks.

A one-character query is a prefix of every bigram token starting with that
character (bigrams.encode_query), and Pagefind loads one index chunk per
query word: the search page preloads the other chunks the prefix runs over
(search.js, prefixProbes). The sample corpus is too small for that (one chunk a
part), so this builds a synthetic one (build_archive/bench/__init__.py) of 400 articles,
with small groups so that each bigram comes in several lettered forms.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from build_archive import bench
from build_archive.search import parts, bigrams, stable_bundle

ARTICLES = 400
GROUP = 50  # pages per group: 8 letters a bigram


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    from build_archive import cli

    root = tmp_path_factory.mktemp("one-character")
    bench.write_corpus(bench.synthetic_corpus(ARTICLES, seed=5), root / "corpus")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parts, "GROUP_SIZE", GROUP)
        assert cli.build(root / "corpus", root / "site", root / "docs") == 0
    return root


def articles_with(root: Path, char: str) -> int:
    """Articles with a bigram token starting with `char` (what Pagefind's copy of the page
    holds, parts.indexed_page): what its query must find."""
    token = bigrams.encode_char(char)
    return sum(any(t.startswith(token) for t in bigrams.bigram_tokens(parts.searched_text(html.read_text("utf-8"))))
               for html in (root / "site" / "articles").rglob("*.html"))


def chunks_over(root: Path, char: str) -> int:
    """The most index chunks, in any part, that hold tokens starting with `char`."""
    token = bigrams.encode_char(char)
    most = 0
    for meta_file in (root / "site" / "pagefind").rglob("pagefind.*.pf_meta"):
        if "offline" in meta_file.parts:
            continue
        chunks = stable_bundle.read_chunk(meta_file)[2]  # [from, to, hash] per chunk
        most = max(most, sum(1 for first, last, _ in chunks if first[:4] <= token <= last[:4]))
    return most


# Common characters; which of them run over several index chunks depends on the corpus,
# so the test takes the two that run over the most (and says so if none does).
CANDIDATES = "的是在了和有一不中为发展衢州"


@pytest.fixture(scope="module")
def spanning(synthetic) -> list[str]:
    chunks = {ch: chunks_over(synthetic, ch) for ch in CANDIDATES}
    chosen = sorted((ch for ch in CANDIDATES if chunks[ch] >= 2), key=lambda ch: (-chunks[ch], CANDIDATES.index(ch)))
    assert len(chosen) >= 2, f"the test needs prefixes that run over several chunks: {chunks}"
    return chosen[:2]


@pytest.mark.parametrize("which", [0, 1])
def test_a_one_character_query_finds_every_article_with_it(synthetic, spanning, page, which):
    char = spanning[which]
    assert chunks_over(synthetic, char) >= 2
    expected = articles_with(synthetic, char)
    assert 0 < expected
    page.goto((synthetic / "site" / "search.html").as_uri() + "?q=" + quote(char))
    status = page.locator(".qz-search__status", has_text=re.compile(r"找到 \d+ 篇"))
    status.wait_for(timeout=60_000)
    assert int(re.search(r"找到 (\d+) 篇", status.inner_text()).group(1)) == expected
    assert not page.errors
