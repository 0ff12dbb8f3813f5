"""Themes and keywords of an article (pure functions; the only I/O is reading
build_archive/data/themes.yml once, cached).

Themes: `classify(title, body, subtitle)` scores every theme of the taxonomy by
its weighted keywords (see the comment at the top of themes.yml for the rule)
and keeps at most three, strongest first, or ("其他",).

Keywords: `build_idf(documents)` computes a smoothed idf over the archive itself
and `keywords(tokens, idf)` picks an article's top TF-IDF words. Words found in
almost every article (衢州, 发展, 推进) must never top the list; three things
see to it:
  * the idf ln((N + 1) / (df + 1)) is 0 for a word in every document;
  * a word in more than `max_share` (half) of the documents gets idf 0 too: it
    describes the archive, not the article;
  * tf is sublinear (1 + ln tf), so a common word repeated 30 times in a long
    feature cannot outweigh a rarer topical word;
and `keywords(..., exclude=place_names)` drops place names outright (the
district field already carries them). `GrowingIdf` is the same idf read
while the archive grows day by day: each article's keywords use the archive
up to its horizon (build_archive/extract/horizon.py), so a new day leaves older
articles' keywords alone.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, abc
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Collection, Mapping, Sequence

import yaml

from build_archive.extract.fold import simplified

THEMES_FILE = Path(__file__).parents[1] / "data" / "themes.yml"

_SETTING_TYPES = {
    "min_score": float,
    "relative_cutoff": float,
    "max_themes": int,
    "title_bonus": float,
    "subtitle_bonus": float,
    "saturation": float,
    "fallback": str,
}


@dataclass(frozen=True)
class Theme:
    name: str
    description: str
    keywords: tuple[tuple[str, float], ...]  # (keyword, weight), as in the file


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    min_score: float
    relative_cutoff: float
    max_themes: int
    title_bonus: float
    subtitle_bonus: float
    saturation: float
    fallback: str
    # derived: normalized keyword -> ((theme position, weight), ...) and one regex
    # matching any keyword, longest first (so 营商环境 wins over 营商)
    index: Mapping[str, tuple[tuple[int, float], ...]] = field(repr=False, compare=False)
    matcher: re.Pattern[str] = field(repr=False, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(theme.name for theme in self.themes)


def _normalize(text: str) -> str:
    """Simplified characters (fold.simplified: 營商環境 = 营商环境), full-width letters
    and digits to ASCII, letters to lower case (ＲＣＥＰ = rcep): keywords and text alike."""
    return unicodedata.normalize("NFKC", simplified(text)).casefold()


@lru_cache(maxsize=None)
def load_taxonomy(path: Path = THEMES_FILE) -> Taxonomy:
    """Read and check a themes file; errors name the file and the bad entry."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return _parse_taxonomy(raw, str(path))


def _parse_taxonomy(raw: object, where: str) -> Taxonomy:
    def fail(message: str) -> ValueError:
        return ValueError(f"{where}: {message}")

    if not isinstance(raw, dict) or not isinstance(raw.get("themes"), list) or not raw["themes"]:
        raise fail("expected a mapping with `settings:` and a non-empty `themes:` list")
    settings = raw.get("settings") or {}
    unknown = sorted(set(settings) - set(_SETTING_TYPES))
    missing = sorted(set(_SETTING_TYPES) - set(settings))
    if unknown or missing:
        raise fail(f"settings: unknown keys {unknown}, missing keys {missing}")
    try:
        values = {key: kind(settings[key]) for key, kind in _SETTING_TYPES.items()}
    except (TypeError, ValueError) as error:
        raise fail(f"settings: {error}") from None

    themes: list[Theme] = []
    index: dict[str, list[tuple[int, float]]] = {}
    for position, entry in enumerate(raw["themes"]):
        name = entry.get("name") if isinstance(entry, dict) else None
        keywords = entry.get("keywords") if isinstance(entry, dict) else None
        if not name or not isinstance(keywords, dict) or not keywords:
            raise fail(f"theme #{position + 1}: needs `name:` and a `keywords:` mapping")
        unknown = sorted(set(entry) - {"name", "description", "keywords"})
        if unknown:
            raise fail(f"theme {name!r}: unknown keys {unknown}")
        if name in (theme.name for theme in themes) or name == values["fallback"]:
            raise fail(f"theme {name!r}: name used twice (or equal to the fallback)")
        pairs = []
        for keyword, weight in keywords.items():
            keyword = unicodedata.normalize("NFKC", str(keyword)).strip()
            if len(keyword) < 2:
                raise fail(f"theme {name!r}: keyword {keyword!r} must be 2+ characters")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
                raise fail(f"theme {name!r}: weight of {keyword!r} must be a positive number")
            pairs.append((keyword, float(weight)))
            index.setdefault(_normalize(keyword), []).append((position, float(weight)))
        themes.append(Theme(str(name), str(entry.get("description", "")), tuple(pairs)))

    alternatives = sorted(index, key=lambda keyword: (-len(keyword), keyword))
    return Taxonomy(
        themes=tuple(themes),
        index={keyword: tuple(places) for keyword, places in index.items()},
        matcher=re.compile("|".join(map(re.escape, alternatives))),
        **values,
    )


def theme_keywords(taxonomy: Taxonomy | None = None) -> frozenset[str]:
    """Every keyword of the taxonomy, as written (for the segmenter's dictionary)."""
    taxonomy = taxonomy or load_taxonomy()
    return frozenset(keyword for theme in taxonomy.themes for keyword, _ in theme.keywords)


def explain(
    title: str, body: str, subtitle: str | None = None, *, taxonomy: Taxonomy | None = None
) -> dict[str, dict[str, float]]:
    """Theme -> {keyword: evidence} for every theme with any hit: why `classify` chose."""
    taxonomy = taxonomy or load_taxonomy()
    body_hits = Counter(match.group() for match in taxonomy.matcher.finditer(_normalize(body)))
    title_hits = set(taxonomy.matcher.findall(_normalize(title)))
    subtitle_hits = set(taxonomy.matcher.findall(_normalize(subtitle or "")))

    evidence: dict[str, dict[str, float]] = {}
    for keyword in sorted(body_hits.keys() | title_hits | subtitle_hits):
        # log2 gives diminishing returns and `saturation` caps it: a word
        # repeated 20 times must not outweigh several different words. Being in
        # the (sub)title is a separate, fixed bonus.
        strength = min(math.log2(1 + body_hits[keyword]), taxonomy.saturation)
        if keyword in title_hits:
            strength += taxonomy.title_bonus
        if keyword in subtitle_hits:
            strength += taxonomy.subtitle_bonus
        for position, weight in taxonomy.index[keyword]:
            name = taxonomy.themes[position].name
            evidence.setdefault(name, {})[keyword] = weight * strength
    return evidence


def theme_scores(
    title: str, body: str, subtitle: str | None = None, *, taxonomy: Taxonomy | None = None
) -> tuple[tuple[str, float], ...]:
    """(theme, score) for every theme with any evidence, strongest first
    (ties: order in themes.yml)."""
    taxonomy = taxonomy or load_taxonomy()
    evidence = explain(title, body, subtitle, taxonomy=taxonomy)
    order = {name: position for position, name in enumerate(taxonomy.names)}
    totals = [(name, sum(by_keyword.values())) for name, by_keyword in evidence.items()]
    return tuple(sorted(totals, key=lambda item: (-item[1], order[item[0]])))


def classify(
    title: str, body: str, subtitle: str | None = None, *, taxonomy: Taxonomy | None = None
) -> tuple[str, ...]:
    """The article's themes, strongest first, at most `max_themes`; ("其他",) if none fits.

    A theme is kept when its score reaches both `min_score` and
    `relative_cutoff` × the best score (so a long article's many passing
    mentions don't all become themes).
    """
    taxonomy = taxonomy or load_taxonomy()
    ranked = theme_scores(title, body, subtitle, taxonomy=taxonomy)
    if not ranked:
        return (taxonomy.fallback,)
    bar = max(taxonomy.min_score, taxonomy.relative_cutoff * ranked[0][1])
    kept = tuple(name for name, score in ranked if score >= bar)[: taxonomy.max_themes]
    return kept or (taxonomy.fallback,)


# ---------------------------------------------------------------- keywords


class Idf(dict):
    """word -> smoothed idf over an archive (a plain dict), plus the archive size."""

    def __init__(self, values: Mapping[str, float] | None = None, documents: int = 0):
        super().__init__(values or {})
        self.documents = documents

    @property
    def unseen(self) -> float:
        """The idf of a word in no document of the archive."""
        return math.log(self.documents + 1)


def build_idf(documents: Sequence[Sequence[str]], max_share: float = 0.5) -> Idf:
    """Smoothed idf of every word of `documents` (each a sequence of tokens).

    idf = ln((N + 1) / (df + 1)): as if one extra document held every word, so
    no division by zero and a word in all N documents gets exactly 0. Words in
    more than `max_share` of the documents also get 0: they say "this archive",
    not "this article" (衢州, 发展). (So a one-document archive has no keywords.)
    """
    total = len(documents)
    document_frequency = Counter(word for document in documents for word in set(document))
    return Idf(
        {
            word: 0.0 if count > max_share * total else math.log((total + 1) / (count + 1))
            for word, count in sorted(document_frequency.items())
        },
        documents=total,
    )


class GrowingIdf(abc.Mapping):
    """The idf of `build_idf` over an archive that grows one document at a
    time (`add`), read at any point without recounting: values are computed
    on lookup from the running document frequencies, with the same formula
    (so the same floats) as `build_idf` over the documents added so far.
    pipeline.with_keywords_and_slugs reads it as each day is added
    (build_archive/extract/horizon.py): cost O(total distinct words), not a
    recount per day."""

    def __init__(self, max_share: float = 0.5):
        self.max_share = max_share
        self.frequency: Counter[str] = Counter()
        self.documents = 0

    def add(self, distinct_words: Sequence[str]) -> None:
        """One more document, given as its distinct words."""
        self.frequency.update(distinct_words)
        self.documents += 1

    def __getitem__(self, word: str) -> float:
        count = self.frequency.get(word)
        if count is None:
            raise KeyError(word)
        total = self.documents
        return 0.0 if count > self.max_share * total else math.log((total + 1) / (count + 1))

    def get(self, word: str, default: float | None = None) -> float | None:  # the hot path of `keywords`
        count = self.frequency.get(word)
        if count is None:
            return default
        total = self.documents
        return 0.0 if count > self.max_share * total else math.log((total + 1) / (count + 1))

    def __iter__(self):
        return iter(self.frequency)

    def __len__(self) -> int:
        return len(self.frequency)

    @property
    def unseen(self) -> float:
        return math.log(self.documents + 1)


def keywords(
    tokens: Sequence[str],
    idf: Mapping[str, float],
    k: int = 8,
    *,
    exclude: Collection[str] = (),
) -> tuple[str, ...]:
    """The `k` words of `tokens` with the highest TF-IDF, best first.

    tf is sublinear (1 + ln count). A word missing from `idf` counts as the
    rarest (an `Idf`'s `unseen`, else the highest idf given). Words scoring 0
    (in too many documents) and words in `exclude` (place names) never appear.
    Ties go to the word that comes first in the text.
    """
    if isinstance(idf, (Idf, GrowingIdf)):
        unseen = idf.unseen
    else:
        unseen = max(idf.values(), default=0.0)
    excluded = frozenset(exclude)
    counts = Counter(tokens)
    first_position: dict[str, int] = {}
    for position, word in enumerate(tokens):
        first_position.setdefault(word, position)

    ranked = []
    for word, count in counts.items():
        if word in excluded:
            continue
        score = (1 + math.log(count)) * idf.get(word, unseen)
        if score > 0:
            ranked.append((-score, first_position[word], word))
    ranked.sort()
    return tuple(word for _, _, word in ranked[:k])
