"""Lists of page and part numbers, written compactly for the search page (pure).

Used by facets.json (build_archive/search/facets.py) and the term directory
(build_archive/search/terms.py); pagefind-loader.js reads both forms back
(`readGaps`, `readRuns`). Both cut the numbers into ascending runs of
consecutive numbers, each written in hex with "+" and its length less one:

- `gaps`: a set, sorted, each run starting at its gap from the end of the run
  before ("0+9 3" is 0..9 and 13): pages of one day or year, parts holding a
  common bigram, are one short item;
- `runs`: a sequence in its own order, each run at its start ("a+2 0" is 10, 11,
  12, 0): the date order of a part's pages, nearly one run.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence


def _ascending_runs(sequence: Sequence[int]) -> Iterator[tuple[int, int]]:
    """(first, last) of each run of consecutive ascending numbers, in order."""
    i = 0
    while i < len(sequence):
        j = i
        while j + 1 < len(sequence) and sequence[j + 1] == sequence[j] + 1:
            j += 1
        yield sequence[i], sequence[j]
        i = j + 1


def _item(start: int, first: int, last: int) -> str:
    return f"{start:x}" + (f"+{last - first:x}" if last > first else "")


def gaps(numbers: Iterable[int]) -> str:
    out, previous = [], -1
    for first, last in _ascending_runs(sorted(set(numbers))):
        out.append(_item(first - previous - 1, first, last))
        previous = last
    return " ".join(out)


def runs(sequence: Sequence[int]) -> str:
    return " ".join(_item(first, first, last) for first, last in _ascending_runs(sequence))


def _read(text: str, gapped: bool) -> list[int]:
    numbers, previous = [], -1
    for item in text.split():
        start, _, length = item.partition("+")
        first = int(start, 16) + (previous + 1 if gapped else 0)
        previous = first + (int(length, 16) if length else 0)
        numbers.extend(range(first, previous + 1))
    return numbers


def read_gaps(text: str) -> list[int]:
    return _read(text, gapped=True)


def read_runs(text: str) -> list[int]:
    return _read(text, gapped=False)
