"""The term directory: which search parts hold each bigram token (pure, but for `part_tokens`,
which reads a directory back; build_archive/search/indexing.py writes it).

A query loads, from every part it searches, one index chunk per bigram (Pagefind
chunks hold ~20,000 postings, ~25 KB gzipped, however few of them the query needs),
so at 100,000 articles (35 parts) a four-character query cost ~2.6 MB. The search
page first reads this directory and searches only the parts that hold every bigram
of the query (pagefind-loader.js, `holders`): a name that was in the news for a month
touches one or two parts, not all of them.

The directory is sharded by a hash of the token, so a query reads one small file per
bigram: SITE/pagefind/terms/<n>.json, each {token: part numbers}, the numbers those
of parts.json's entries (`n`, 0 the oldest part, so that a new part does not
renumber the others), written as numbers.gaps writes a set ("0+c 2" is 0..12 and 15). The number of shards grows with
the directory (`shard_count`) and is in parts.json (`terms.shards`). Hash:
FNV-1a (32 bits) over the token's letters, the same in pagefind-loader.js (`shardOf`).

A part's tokens come from its pages as they are indexed (`page_tokens`); a part
reused from the previous build takes its tokens from the previous directory
(`part_tokens`: the same key means the same pages).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from build_archive.search.numbers import gaps, read_gaps

TERMS_DIR = "terms"  # in the bundle folder
SHARD_BYTES = 24_000  # at most this many bytes of JSON a shard, on average (~5 KB gzipped)
MAX_SHARDS = 1 << 14
_BLOCK_TOKENS = re.compile(r'<div class="qz-grams" hidden>qzgrams((?: [a-z]{8})*)</div>')


def page_tokens(indexed_html: str) -> list[str]:
    """The bigram tokens of a page as Pagefind indexes it (bigrams.grams_block; before the group letter)."""
    found = _BLOCK_TOKENS.search(indexed_html)
    return found.group(1).split() if found else []


def shard_of(token: str, shards: int) -> int:
    """FNV-1a over the token's bytes (ASCII letters), modulo the shard count (a power of two)."""
    h = 0x811C9DC5
    for byte in token.encode("ascii"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)


def directory(tokens_by_part: Mapping[int, Iterable[str]]) -> dict[str, str]:
    """token -> the part numbers holding it (numbers.gaps)."""
    holders: dict[str, list[int]] = {}
    for number, tokens in tokens_by_part.items():
        for token in tokens:
            holders.setdefault(token, []).append(number)
    return {token: gaps(numbers) for token, numbers in holders.items()}


def shard_count(entries: Mapping[str, str]) -> int:
    size = sum(len(token) + len(numbers) + 6 for token, numbers in entries.items())
    shards = 1
    while size / shards > SHARD_BYTES and shards < MAX_SHARDS:
        shards *= 2
    return shards


def shard_files(entries: Mapping[str, str]) -> tuple[int, dict[str, bytes]]:
    """(shard count, file name -> JSON bytes), every shard written, empty ones too (no 404s)."""
    shards = shard_count(entries)
    split: list[dict[str, str]] = [{} for _ in range(shards)]
    for token, numbers in entries.items():
        split[shard_of(token, shards)][token] = numbers
    return shards, {f"{n}.json": json.dumps(one, sort_keys=True, separators=(",", ":")).encode("ascii")
                    for n, one in enumerate(split)}


def part_tokens(folder: Path, shards: int) -> dict[int, set[str]]:
    """Part number -> its tokens, read back from a directory as indexing.write_terms writes it (folder: its terms/)."""
    found: dict[int, set[str]] = {}
    for n in range(shards):
        for token, numbers in json.loads((folder / f"{n}.json").read_text("ascii")).items():
            for number in read_gaps(numbers):
                found.setdefault(number, set()).add(token)
    return found
