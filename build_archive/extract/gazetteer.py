"""Which districts an article is about (pure functions; the only I/O is reading
build_archive/data/gazetteer.yml once, cached).

`locate(title, body, subtitle)` returns canonical names, main one first:
(), ("衢江区",), ("衢州市", "柯城区") …

How it decides (weights in the `scoring` section of the yml):
  1. Names are found longest-first after blanking the false friends (大好江山,
     衢江两岸 …). A township, platform or alias counts for its district.
     A city name directly followed by another place (衢州市衢江区) is only a
     qualifier and is dropped.
  2. Each mention scores field weight × level factor. Field: title 10, subtitle
     4, body 1 at its end rising to 2 at its start (early beats late). Level: 1
     for district-level names, 0.5 for the city's own names and 全市 (mostly
     qualifiers: 衢州市委, 衢州银泰城), 0.1 for a city name inside an
     organisation's name (衢州市东巨康光电科技有限公司).
  3. The main place is, first that applies:
       a headline prefix: "柯城:…", "柯城：…", "## 柯城:…", "柯城 整治…";
       the best-scoring place named in the title (title beats body);
       the best-scoring place named in the subtitle;
       the best-scoring place overall, except that a body naming the city and
       spread over 3+ districts, none holding half of the district score, is
       a city-wide story: 衢州市.
  4. Every other district follows (best first) if it scores at least
     `min_score` (2: two plain body mentions, one early mention, or any title or
     subtitle mention) and `min_share` (25 %) of the best score: passing
     mentions do not make an article "about" a district. The city never
     follows: it is either the main place (a city-wide story) or absent.

Text is matched in simplified characters (fold.simplified: 龍游縣 is 龙游县,
廿(niàn)里鎮 is 廿里镇); every public function here folds what it is given, once, and
positions (Mention.start/end) are positions in the folded text.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping

import yaml

from build_archive.extract.fold import simplified

GAZETTEER_FILE = Path(__file__).parents[1] / "data" / "gazetteer.yml"

# Place kinds. CITY_NAMES and CITYWIDE are weighed with `city_name_weight`.
CITY_NAME, CITYWIDE, PLATFORM = "city", "citywide", "platform"
DISTRICT, TOWNSHIP, FORMER, SHORT_FORM, PLACE = "district", "township", "former", "short", "place"
_DISTRICT_LISTS = {  # yml key under a district -> kind of its names
    "aliases": DISTRICT,
    "townships": TOWNSHIP,
    "former_names": FORMER,
    "short_forms": SHORT_FORM,
    "places": PLACE,
}
_SCORING_KEYS = {
    "title_weight": float, "subtitle_weight": float, "body_weight": float,
    "lead_bonus": float, "city_name_weight": float, "org_name_weight": float,
    "org_window": int, "min_score": float, "min_share": float,
    "spread_districts": int, "spread_top_share": float,
}
# Where an organisation's name must end at the latest (it never spans these).
_NAME_BREAK = re.compile(r"[\s，。、；：:,.;!?！？“”\"'‘’（）()《》【】]")
# Headline prefix: optional Markdown hashes, a city or district name or alias,
# then ":" / "：" or a space (柯城:…, ## 柯城：…, 柯城 整治…).
_PREFIX_TAIL = r"(?:[:：]|[ \u3000]+(?=\S))"


@dataclass(frozen=True)
class Place:
    name: str  # as written in the text
    canonical: str  # 衢州市 or a district's canonical name
    kind: str  # one of the kinds above


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    place: Place


@dataclass(frozen=True)
class Gazetteer:
    source: str  # the file it was read from (for error messages)
    city: str
    districts: tuple[str, ...]  # canonical names, in file order
    places: Mapping[str, Place]  # every name -> its place
    townships: Mapping[str, tuple[str, ...]]  # district -> official township-level names
    false_friends: tuple[str, ...]
    org_suffixes: tuple[str, ...]
    scoring: Mapping[str, float]
    # derived regexes, longest alternative first
    name_pattern: re.Pattern[str] = field(repr=False, compare=False)
    false_friend_pattern: re.Pattern[str] | None = field(repr=False, compare=False)
    prefix_pattern: re.Pattern[str] = field(repr=False, compare=False)

    @property
    def order(self) -> tuple[str, ...]:
        """Canonical places in file order: the tie-breaker, city first."""
        return (self.city, *self.districts)


# --------------------------------------------------------------------------- loading


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Read and check a gazetteer file (default: the package's own)."""
    return _load(Path(path) if path else GAZETTEER_FILE)


@lru_cache(maxsize=None)
def _load(path: Path) -> Gazetteer:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    errors: list[str] = []

    def fail(message: str) -> None:
        errors.append(f"{path}: {message}")

    city_data = data.get("city") or {}
    city = city_data.get("name")
    district_data = data.get("districts") or {}
    if not city or not district_data:
        raise ValueError(f"{path}: needs city.name and at least one entry under districts")

    places: dict[str, Place] = {}

    def add(name: str, canonical: str, kind: str) -> None:
        if name in places:
            fail(f"{name!r} is listed twice ({places[name].canonical}, {canonical}); keep one")
        places[name] = Place(name, canonical, kind)

    add(city, city, CITY_NAME)
    for name in city_data.get("aliases") or []:
        add(name, city, CITY_NAME)
    for name in city_data.get("platforms") or []:
        add(name, city, PLATFORM)
    for name in city_data.get("citywide_words") or []:
        add(name, city, CITYWIDE)

    townships: dict[str, tuple[str, ...]] = {}
    for district, lists in district_data.items():
        lists = lists or {}
        for key in lists:
            if key not in _DISTRICT_LISTS:
                fail(f"districts.{district}: unknown key {key!r} (use {', '.join(_DISTRICT_LISTS)})")
        add(district, district, DISTRICT)
        for key, kind in _DISTRICT_LISTS.items():
            for name in lists.get(key) or []:
                add(name, district, kind)
        townships[district] = tuple(lists.get("townships") or ())

    false_friends: list[str] = []
    for name, contexts in (data.get("false_friends") or {}).items():
        for context in contexts or []:
            if name not in context:
                fail(f"false_friends.{name}: {context!r} does not contain {name!r}")
            false_friends.append(context)

    # Text is matched folded (fold.simplified): a name the fold would change is found by its folded form.
    for name, place in list(places.items()):
        places.setdefault(simplified(name), place)

    scoring = _read_scoring(data.get("scoring") or {}, fail)
    if errors:
        raise ValueError("bad gazetteer:\n  " + "\n  ".join(errors))

    # Only the city's and the districts' own names head a prefixed headline.
    prefix_names = [name for name, place in places.items() if place.kind in (CITY_NAME, DISTRICT)]
    return Gazetteer(
        source=str(path),
        city=city,
        districts=tuple(district_data),
        places=places,
        townships=townships,
        false_friends=tuple(false_friends),
        org_suffixes=tuple(city_data.get("org_suffixes") or ()),
        scoring=scoring,
        name_pattern=_alternation(places),
        false_friend_pattern=_alternation(false_friends) if false_friends else None,
        prefix_pattern=re.compile(r"^[#\s]*(" + _alternation(prefix_names).pattern + ")" + _PREFIX_TAIL),
    )


def _read_scoring(raw: Mapping, fail: Callable[[str], None]) -> dict[str, float]:
    scoring = {}
    for key, kind in _SCORING_KEYS.items():
        if key not in raw:
            fail(f"scoring.{key} is missing")
            continue
        try:
            scoring[key] = kind(raw[key])
        except (TypeError, ValueError):
            fail(f"scoring.{key}: {raw[key]!r} is not a {kind.__name__}")
    for key in raw:
        if key not in _SCORING_KEYS:
            fail(f"scoring: unknown key {key!r}")
    return scoring


def _alternation(words) -> re.Pattern[str]:
    """One regex matching any of the words, the longest one at a given position."""
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return re.compile("|".join(map(re.escape, ordered)))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return load_gazetteer()


def gazetteer_words(gazetteer: Gazetteer | None = None) -> list[str]:
    """Every place name and alias (not 全市 & co.), sorted: for a jieba user dictionary."""
    g = gazetteer or default_gazetteer()
    return sorted(name for name, place in g.places.items() if place.kind != CITYWIDE)


# --------------------------------------------------------------------------- finding


def find_mentions(text: str, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Place names in `text` (folded to simplified characters: positions are in
    simplified(text)), left to right, false friends and qualifiers removed."""
    return _mentions(simplified(text), gazetteer or default_gazetteer())


def _mentions(text: str, g: Gazetteer) -> list[Mention]:
    """find_mentions on text already folded."""
    if g.false_friend_pattern is not None:
        # Blank false friends out with a same-length filler so positions stay right.
        text = g.false_friend_pattern.sub(lambda m: "\u3000" * len(m.group()), text)
    found = [Mention(m.start(), m.end(), g.places[m.group()]) for m in g.name_pattern.finditer(text)]
    return [m for m, following in zip(found, found[1:] + [None]) if not _is_qualifier(g, m, following)]


def _is_qualifier(g: Gazetteer, mention: Mention, following: Mention | None) -> bool:
    """衢州市 in 衢州市衢江区 only says which 衢江区."""
    return (
        mention.place.kind == CITY_NAME
        and following is not None
        and following.start == mention.end
        and following.place.canonical != g.city
    )


def _in_org_name(g: Gazetteer, text: str, end: int) -> bool:
    """Is the name ending at `end` the start of an organisation's name (…有限公司)?"""
    tail = text[end : end + int(g.scoring["org_window"])]
    tail = _NAME_BREAK.split(tail, maxsplit=1)[0]
    return any(suffix in tail for suffix in g.org_suffixes)


def _level_factor(g: Gazetteer, text: str, mention: Mention) -> float:
    if mention.place.kind == CITY_NAME and _in_org_name(g, text, mention.end):
        return g.scoring["org_name_weight"]
    if mention.place.kind in (CITY_NAME, CITYWIDE):
        return g.scoring["city_name_weight"]
    return 1.0


# --------------------------------------------------------------------------- scoring


def score_places(title: str, body: str, subtitle: str | None = None,
                 gazetteer: Gazetteer | None = None) -> dict[str, float]:
    """Canonical place -> weighted evidence over title, subtitle and body."""
    return _scores(simplified(title), simplified(body), simplified(subtitle or ""), gazetteer or default_gazetteer())


def _scores(title: str, body: str, subtitle: str, g: Gazetteer) -> dict[str, float]:
    """score_places on folded text."""
    s = g.scoring
    length = max(len(body), 1)
    fields = (
        (title, lambda pos: s["title_weight"]),
        (subtitle, lambda pos: s["subtitle_weight"]),
        (body, lambda pos: s["body_weight"] * (1 + s["lead_bonus"] * (1 - pos / length))),
    )
    scores: dict[str, float] = defaultdict(float)
    for text, weight_at in fields:
        for mention in _mentions(text, g):
            scores[mention.place.canonical] += weight_at(mention.start) * _level_factor(g, text, mention)
    return dict(scores)


def headline_prefix(title: str, gazetteer: Gazetteer | None = None) -> str | None:
    """The place a headline starts with, as in "柯城:…" or "龙游 打好…", if any."""
    return _prefix(simplified(title), gazetteer or default_gazetteer())


def _prefix(title: str, g: Gazetteer) -> str | None:
    match = g.prefix_pattern.match(title)
    return g.places[match.group(1)].canonical if match else None


def locate(title: str, body: str, subtitle: str | None = None, *,
           gazetteer: Gazetteer | None = None) -> tuple[str, ...]:
    """Canonical districts (or the city) the article is about, main one first."""
    g = gazetteer or default_gazetteer()
    title, body, subtitle = simplified(title), simplified(body), simplified(subtitle or "")
    scores = _scores(title, body, subtitle, g)
    main = (
        _prefix(title, g)
        or _best(g, _named_in(g, title), scores)
        or _best(g, _named_in(g, subtitle), scores)
        or _body_main(g, scores)
    )
    if main is None:
        return ()
    return (main, *_others(g, scores, main))


def _named_in(g: Gazetteer, text: str) -> set[str]:
    """Places named in folded text."""
    return {mention.place.canonical for mention in _mentions(text, g)}


def _ranked(g: Gazetteer, places, scores: Mapping[str, float]) -> list[str]:
    """Best score first; ties in file order (city, then districts)."""
    return sorted(places, key=lambda place: (-scores.get(place, 0.0), g.order.index(place)))


def _best(g: Gazetteer, places, scores: Mapping[str, float]) -> str | None:
    ranked = _ranked(g, places, scores)
    return ranked[0] if ranked else None


def _body_main(g: Gazetteer, scores: Mapping[str, float]) -> str | None:
    best = _best(g, scores, scores)
    if best is not None and best != g.city and _is_city_wide(g, scores):
        return g.city
    return best


def _is_city_wide(g: Gazetteer, scores: Mapping[str, float]) -> bool:
    """The city is named and the story is spread over several districts."""
    district_scores = [score for place, score in scores.items() if place != g.city]
    total = sum(district_scores)
    return (
        g.city in scores
        and len(district_scores) >= g.scoring["spread_districts"]
        and max(district_scores) < g.scoring["spread_top_share"] * total
    )


def _others(g: Gazetteer, scores: Mapping[str, float], main: str) -> list[str]:
    """Further districts covered meaningfully, not just in passing.

    Never the city: every district story happens in it, and mentions of it
    (衢州市委, 衢州市首个…) do not make a story city-wide; that is decided above.
    """
    threshold = max(g.scoring["min_score"], g.scoring["min_share"] * max(scores.values(), default=0.0))
    return [
        place for place in _ranked(g, scores, scores)
        if place not in (main, g.city) and scores[place] >= threshold
    ]


def explain(title: str, body: str, subtitle: str | None = None) -> str:
    """Why an article got its districts, for tuning the weights by hand."""
    g = default_gazetteer()
    scores = score_places(title, body, subtitle, g)
    lines = [f"locate -> {locate(title, body, subtitle)}", f"headline prefix: {headline_prefix(title)}"]
    lines += [f"{place}\t{scores[place]:.2f}" for place in _ranked(g, scores, scores)]
    for label, text in (("title", title), ("subtitle", subtitle or ""), ("body", body)):
        names = [f"{m.place.name}@{m.start}" for m in find_mentions(text, g)]
        lines.append(f"{label}: {' '.join(names) or '-'}")
    return "\n".join(lines)
