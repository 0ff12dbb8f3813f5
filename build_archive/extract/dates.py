"""Publication dates with honest precision (pure functions, no I/O).

A date is a string in one of three shapes, always paired with its precision:

    YYYY-MM-DD   day     only from a date printed in the page chrome
    YYYY-MM      month   the curator's sources.yml, or inferred from the text
    YYYY         year

Never invent a day: a date is only as precise as its evidence. Three kinds of
evidence, strongest first (see `resolve`):

1. `masthead_date`    a full date printed on a masthead, date line or footer;
2. `parse_date_value` the curator's `date:` in corpus/sources.yml;
3. `infer_from_text`  the dates the articles themselves mention (year or month
                      precision only: the day of an event is not the day of
                      the paper).
"""
from __future__ import annotations

import bisect
import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, NamedTuple, Sequence

from lunardate import LunarDate

DAY, MONTH, YEAR = "day", "month", "year"
MIN_YEAR, MAX_YEAR = 1900, 2099  # the range lunardate can convert

# The shape a value must have for each precision.
_VALUE_SHAPES = {
    DAY: re.compile(r"\d{4}-\d{2}-\d{2}"),
    MONTH: re.compile(r"\d{4}-\d{2}"),
    YEAR: re.compile(r"\d{4}"),
}
_SHAPE_HELP = "YYYY-MM-DD (day), YYYY-MM (month) or YYYY (year)"


@dataclass(frozen=True)
class DateGuess:
    value: str  # YYYY-MM-DD | YYYY-MM | YYYY
    precision: str  # day | month | year
    evidence: str  # the text that gave it, or "sources.yml"

    def __post_init__(self) -> None:
        shape = _VALUE_SHAPES.get(self.precision)
        if shape is None:
            raise ValueError(f"unknown date precision {self.precision!r}: expected day, month or year")
        if not shape.fullmatch(self.value):
            raise ValueError(f"date {self.value!r} does not have {self.precision} precision: expected {_SHAPE_HELP}")
        _check_calendar(*(int(part) for part in self.value.split("-")))


def _check_calendar(year: int, month: int | None = None, day: int | None = None) -> None:
    """Raise ValueError unless year[-month[-day]] exists (no 2月30日, no month 13)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
    if month is not None:
        datetime.date(year, month, day or 1)  # raises ValueError with the reason


def _guess(year: int, month: int | None, day: int | None, evidence: str) -> DateGuess:
    if day is not None:
        return DateGuess(f"{year:04d}-{month:02d}-{day:02d}", DAY, evidence)
    if month is not None:
        return DateGuess(f"{year:04d}-{month:02d}", MONTH, evidence)
    return DateGuess(f"{year:04d}", YEAR, evidence)


def _valid_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        _check_calendar(year, month, day)
    except ValueError:
        return None
    return datetime.date(year, month, day)


# ---------------------------------------------------------------------------
# Chinese numerals

_CN_ZERO_TO_NINE = "〇零○一二三四五六七八九"  # three ways to print a zero in a year (二〇二二, 二○二二)
_CN_DIGIT_VALUE = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
_CN_SMALL = "一二三四五六七八九十廿卅"  # the characters of 1–39 (months, days)


def _cn_digits(text: str) -> int:
    """二〇二二 -> 2022 (a year is read digit by digit)."""
    return int("".join(str(_CN_DIGIT_VALUE[ch]) for ch in text))


def _cn_small(text: str) -> int:
    """Arabic or Chinese 1–39: 7, 九, 十, 十九, 二十一, 廿一, 卅; 初九 -> 9."""
    text = text.removeprefix("初")
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" not in text:
        return _CN_DIGIT_VALUE[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT_VALUE[tens] if tens else 1) * 10 + (_CN_DIGIT_VALUE[ones] if ones else 0)


# ---------------------------------------------------------------------------
# 1. Masthead / date lines

# 2022年7月19日, 2018年08月14日 (spaces tolerated)
_DATE_YMD_HAN = re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
# 2018-08-14, 2018/8/14, 2018.8.14 (the same separator twice)
_DATE_YMD_SEP = re.compile(r"(?<![\d.])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
# 二〇二二年七月十九日
_DATE_YMD_CN = re.compile(rf"(?P<y>[{_CN_ZERO_TO_NINE}]{{4}})年(?P<m>[{_CN_SMALL}]{{1,2}})月(?P<d>[{_CN_SMALL}]{{1,3}})日")

# 星期二, 周二, 礼拜天
_WEEKDAY = re.compile(r"(?:星期|礼拜|周)(?P<wd>[一二三四五六日天])")
_WEEKDAY_NUMBER = {ch: i for i, ch in enumerate("一二三四五六日")} | {"天": 6}  # Monday = 0

# A lunar date printed beside the solar one: 农历壬寅年六月廿一, 壬寅年, 虎年
_LUNAR_CHROME = re.compile(
    r"农历[^\s\d]*|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年|[鼠牛虎兔龙蛇马羊猴鸡狗猪]年"
)
# Other page chrome that may share the date line; removed before the line is judged.
_CHROME_TOKENS = re.compile(
    r"""
      总?第\s*\d+\s*[期版]                       # 总第3576期, 第3版
    | (?:今日\s*)?[A-Z]?\d+\s*版                 # 今日8版, A3版
    | \d{1,2}:\d{2}(?::\d{2})?                   # 10:23:05
    | (?:发布|出版|更新|刊发)?(?:时间|日期)\s*:?  # 发布时间:
    | (?:来源|责任编辑|编辑|版式|美编|校对)\s*:\s*[^\s\d]*  # 来源:衢州日报, 责任编辑:傅静之
    """,
    re.X,
)
# A line with these is prose, not chrome.
_SENTENCE_PUNCT = re.compile(r"[。;!?“”\"]")
_HAN = re.compile(r"[\u4e00-\u9fff]")

_MAX_DATE_LINE = 50  # characters: a masthead or footer line is short
_MAX_NAME_HAN = 4  # Han characters besides the date, e.g. the paper's name 今日衢江
_MAX_NAME_HAN_CONFIRMED = 12  # ... when a weekday or lunar date confirms it is a date line


def masthead_date(lines: Sequence[str]) -> DateGuess | None:
    """The full publication date printed in the page chrome, from the first date line.

    A date line is short (≤ 50 characters), has no sentence punctuation and is
    not a photo caption (…摄); once the date and the chrome that may share the
    line (weekday, lunar date, issue/page number, time, 来源/编辑 fields) are
    taken out, at most a name is left: ≤ 12 Han characters when a weekday or
    lunar date confirms the line, else ≤ 4 and not glued to the date (so
    `2022年7月15日上午` is not a date line). The date must exist (no 2月30日),
    and a printed weekday must agree with it; otherwise the line is ignored.
    Evidence is the whole line as printed.
    """
    for line in lines:
        guess = _date_line(line)
        if guess is not None:
            return guess
    return None


def _date_line(line: str) -> DateGuess | None:
    text = unicodedata.normalize("NFKC", line).strip()
    if not text or len(text) > _MAX_DATE_LINE or text.endswith("摄") or _SENTENCE_PUNCT.search(text):
        return None
    weekdays = [_WEEKDAY_NUMBER[m["wd"]] for m in _WEEKDAY.finditer(text)]
    confirmed = bool(weekdays) or bool(_LUNAR_CHROME.search(text))
    rest = _CHROME_TOKENS.sub(" ", _LUNAR_CHROME.sub(" ", _WEEKDAY.sub(" ", text)))
    found = _first_full_date(rest)
    if found is None:
        return None
    date, start, end = found
    if date is None or any(weekday != date.weekday() for weekday in weekdays):
        return None
    name = rest[:start] + rest[end:]
    if confirmed:
        looks_like_chrome = len(_HAN.findall(name)) <= _MAX_NAME_HAN_CONFIRMED
    else:
        glued = _HAN.match(rest[start - 1 : start] if start else "") or _HAN.match(rest[end : end + 1])
        looks_like_chrome = not glued and len(_HAN.findall(name)) <= _MAX_NAME_HAN
    return DateGuess(date.isoformat(), DAY, line.strip()) if looks_like_chrome else None


def _first_full_date(text: str) -> tuple[datetime.date | None, int, int] | None:
    """The first year-month-day in any printed form: (date or None if invalid, start, end)."""
    matches = [m for pattern in (_DATE_YMD_HAN, _DATE_YMD_SEP, _DATE_YMD_CN) if (m := pattern.search(text))]
    if not matches:
        return None
    m = min(matches, key=lambda m: m.start())
    year = _cn_digits(m["y"]) if m.re is _DATE_YMD_CN else int(m["y"])
    return _valid_date(year, _cn_small(m["m"]), _cn_small(m["d"])), m.start(), m.end()


# ---------------------------------------------------------------------------
# 2. sources.yml values

# 2023, 2023-04, 2023-4, 2023-04-05 (as a string: YAML reads an unquoted 2023-04 as one)
_SOURCES_VALUE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?")


def parse_date_value(value: object) -> DateGuess:
    """A `date:` from sources.yml: `2023`, `2023-04`, `2023-04-05`, a `datetime.date`
    (YAML reads an unquoted 2023-04-05 as one) or an int year. Anything else
    raises ValueError saying what to write instead."""
    problem = f"sources.yml date {value!r} is not a date: write {_SHAPE_HELP}"
    if isinstance(value, datetime.date):  # also datetime.datetime: its date part
        return _guess(value.year, value.month, value.day, "sources.yml")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not (m := _SOURCES_VALUE.fullmatch(value.strip())):
        raise ValueError(problem)
    year, month, day = (int(part) if part else None for part in m.group("y", "m", "d"))
    try:
        _check_calendar(year, month, day)
    except ValueError as error:
        raise ValueError(f"{problem} ({error})") from None
    return _guess(year, month, day, "sources.yml")


# ---------------------------------------------------------------------------
# 3. Inference from the dates the text mentions

# An explicit year: 2022年, 2022年度, 二〇三五年
_YEAR = re.compile(rf"(?<![\d{_CN_ZERO_TO_NINE}])(?:(?P<arabic>\d{{4}})|(?P<han>[{_CN_ZERO_TO_NINE}]{{4}}))年")
# A span of years, (2022年—2024年), 2021-2025年, 2022至2024年: a plan or period, not a date
_YEAR_SPAN = re.compile(r"(?<!\d)\d{4}年?(?:[—–\-~至到]{1,2})\d{4}年")
# 刚刚过去的2023年: that year has ended, so the text is written in the next one
_PAST_YEAR = re.compile(r"过去的?(?P<y>\d{4})年")
# Years relative to the publication year, resolved against it
_RELATIVE_YEAR = re.compile(r"今年|去年|前年|明年")
_RELATIVE_OFFSET = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}
# The zodiac year: 兔年春天, 龙年的号角
_ZODIAC = "鼠牛虎兔龙蛇马羊猴鸡狗猪"  # 2020 was a 鼠 year
_ZODIAC_YEAR = re.compile(rf"[{_ZODIAC}]年")

# A solar month, with its year and day when printed: 8月10日, 2022年7月, 5月份, 截至7月底, 1至3月
_SOLAR_MONTH = re.compile(
    r"(?:(?<!\d)(?P<y>\d{4})年)?(?<!\d)(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号]|份|底|末|初|上旬|中旬|下旬)?"
)
# Months elapsed: 前7个月, 前七个月 (the data run to the end of that month)
_MONTHS_ELAPSED = re.compile(r"前(?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})个月")
# A lunar day, converted with lunardate: 大年初九, 正月十五, 农历六月廿一, 腊月廿三, 除夕, 元宵节
_LUNAR_DAY_NAME = r"初[一二三四五六七八九十]|廿[一二三四五六七八九]|二十[一二三四五六七八九]?|三十|十[一二三四五六七八九]?"
_LUNAR_MONTH_NAME = {"正": 1, "冬": 11, "腊": 12}
_LUNAR_DATE = re.compile(
    rf"""
      (?:农历(?:[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年)?(?P<leap>闰)?
         (?P<month>正|冬|腊|十一|十二|[一二三四五六七八九十])月
       | (?P<named_month>正|冬|腊)月)
      (?P<day>{_LUNAR_DAY_NAME})
    | 大年(?P<new_year_day>初[一二三四五六七八九十])
    | (?P<eve>除夕|大年三十)
    | (?P<festival>元宵节|端午节|七夕|中秋节|重阳节|腊八节|春节(?:当天|这天|当日))
    """,
    re.X,
)
# Single-day festivals: (lunar month, day). 春节 alone is the holiday (春节假期, 春节后 …), a period, not a date.
_FESTIVALS = {"元宵": (1, 15), "端午": (5, 5), "七夕": (7, 7), "中秋": (8, 15), "重阳": (9, 9), "腊八": (12, 8), "春节": (1, 1)}

# A year or month with these just before it (in its clause) is a plan or forecast: 到2025年, 预计今年10月
_FUTURE_BEFORE = re.compile(r"将|预计|计划|力争|争取|拟|有望|目标|(?<![\d月截])[到至]")
# ... or right after it: 2025年前, 二〇三五年远景目标, 10月份将建成 (but 2023年前三季度 is past)
_FUTURE_AFTER = re.compile(r"远景|愿景|目标|将|前(?![一二三四五六七八九十\d])")
_FUTURE_LOOKBACK = 6  # characters
_EVIDENCE_CONTEXT = re.compile(r"[\u4e00-\u9fff]{0,4}")
_CLAUSE_END = re.compile(r"[。;!?,:、]")  # NFKC turns ，；：！？ into ASCII
_SENTENCE_END = re.compile(r"[。;!?]")


class _Mention(NamedTuple):
    year: int
    month: int
    start: int
    text: str


def infer_from_text(text: str, known_year: int | None = None) -> DateGuess | None:
    """Estimate the publication year, and month if possible, from the dates a text mentions.

    Year (unless `known_year` is given, which wins: the caller knows better):
      * every explicit year counts (2022年, 2023年度, 二〇三五年), except
        - spans of years, `(2022年—2024年)`, `2021-2025年`: plans or periods that
          do not say which year it is now;
        - plans and forecasts: a year after 到/至/将/预计/计划/力争/争取/拟/有望/目标
          in the same clause (not 截至), or followed by 远景/愿景/目标/将/前
          (`二〇三五年远景目标`, `2025年前`);
      * `(刚刚)过去的2023年` counts as 2024;
      * the estimate is the latest year left: papers report the present, so the
        latest present-or-past year mentioned is the year of the paper;
      * a zodiac year (`兔年`) names the next year when that year's own animal is
        not named: `2022年…兔年春天` is 2023;
      * 今年/去年 alone give no year; no year at all -> None.
    Month (only in the year found; never a day):
      * mentions: `8月10日`, `今年6月`, `5月份`, `截至7月底`, `1至3月`, `前7个月`, and
        lunar days converted with lunardate for that year (`大年初九`, `正月十五`,
        `农历六月廿一`, `除夕`, `元宵节`, `春节当天`); 春节 alone (春节假期, 春节后)
        is a holiday period, not a date, and quarters/half years are too vague;
      * a mention's year is its own (`2022年7月`), else the last year named
        earlier in its sentence (`2023年,…其中,5月份` is 2023; `去年8月` is last
        year), else the year found; mentions in other years are ignored;
      * plans and forecasts are ignored, as for years (`预计今年10月份将建成`);
      * the latest month wins (the paper came out after the events it reports).
    Returns month precision if a month was found, else year precision.
    """
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))  # also rejoins words cut by a line break
    if known_year is not None:
        year, year_evidence = known_year, f"known_year={known_year}"
    elif (found := _publication_year(flat)) is not None:
        year, year_evidence = found
    else:
        return None
    in_year = [m for m in _month_mentions(flat, year) if m.year == year]
    if not in_year:
        return _guess(year, None, None, year_evidence)
    latest = max(in_year, key=lambda m: m.month)  # the first of equals
    return _guess(year, latest.month, None, f"{year_evidence}; {latest.text}")


def _publication_year(flat: str) -> tuple[int, str] | None:
    """The latest present-or-past year the text names, with the words that name it."""
    candidates = [
        (year, _with_context(flat, m)) for m, year in _named_years(flat) if not _is_future(flat, m.start(), m.end())
    ]
    candidates += [(int(m["y"]) + 1, _with_context(flat, m)) for m in _PAST_YEAR.finditer(flat)]
    if not candidates:
        return None
    year, evidence = max(candidates, key=lambda c: c[0])  # the first of equals
    animals = {m.group()[0] for m in _ZODIAC_YEAR.finditer(flat)}
    if _zodiac(year + 1) in animals and _zodiac(year) not in animals:
        return year + 1, f"{evidence} + {_zodiac(year + 1)}年"
    return year, evidence


def _named_years(flat: str) -> Iterator[tuple[re.Match[str], int]]:
    """Every explicit year, spans of years (plans, periods) excepted."""
    spans = [m.span() for m in _YEAR_SPAN.finditer(flat)]
    for m in _YEAR.finditer(flat):
        year = int(m["arabic"]) if m["arabic"] else _cn_digits(m["han"])
        if MIN_YEAR <= year <= MAX_YEAR and not any(start <= m.start() < end for start, end in spans):
            yield m, year


def _with_context(flat: str, m: re.Match[str]) -> str:
    """The match and the few Han characters after it, as evidence: 2024年的发令枪."""
    return m.group() + _EVIDENCE_CONTEXT.match(flat, m.end()).group()


def _zodiac(year: int) -> str:
    return _ZODIAC[(year - 2020) % 12]


def _is_future(flat: str, start: int, end: int) -> bool:
    """Is the date at flat[start:end] a plan or forecast (see `_FUTURE_BEFORE`/`_AFTER`)?
    Only its own clause is looked at, and only a few characters back."""
    lookback_start = max(start - _FUTURE_LOOKBACK, 0)
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(flat, lookback_start, start)), default=lookback_start)
    return bool(_FUTURE_BEFORE.search(flat, clause_start, start) or _FUTURE_AFTER.match(flat, end))


def _month_mentions(flat: str, pub_year: int) -> Iterator[_Mention]:
    """Every present-or-past month mention, with the solar year it belongs to."""
    markers = _year_markers(flat, pub_year)
    sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(flat)]

    def year_of(start: int) -> int:
        """The last year named before `start` in its sentence, else the publication year."""
        sentence_start = sentence_starts[bisect.bisect_right(sentence_starts, start) - 1]
        earlier = [year for position, year in markers if sentence_start <= position < start]
        return earlier[-1] if earlier else pub_year

    for m in _SOLAR_MONTH.finditer(flat):
        year = int(m["y"]) if m["y"] else year_of(m.start())
        month = int(m["m"])
        if not 1 <= month <= 12 or (m["d"] and _valid_date(year, month, int(m["d"])) is None):
            continue
        if not _is_future(flat, m.start(), m.end()):
            yield _Mention(year, month, m.start(), m.group())
    for m in _MONTHS_ELAPSED.finditer(flat):
        month = _cn_small(m["n"])
        if 1 <= month <= 12 and not _is_future(flat, m.start(), m.end()):
            yield _Mention(year_of(m.start()), month, m.start(), m.group())
    for m in _LUNAR_DATE.finditer(flat):
        solar = _lunar_match_to_solar(m, year_of(m.start()))
        if solar is not None and not _is_future(flat, m.start(), m.end()):
            yield _Mention(solar.year, solar.month, m.start(), f"{m.group()}={solar.isoformat()}")


def _year_markers(flat: str, pub_year: int) -> list[tuple[int, int]]:
    """(position, year) of every year named in the text, spans of years excepted, in order."""
    markers = [(m.start(), year) for m, year in _named_years(flat)]
    markers += [(m.start(), pub_year + _RELATIVE_OFFSET[m.group()]) for m in _RELATIVE_YEAR.finditer(flat)]
    return sorted(markers)


def _lunar_match_to_solar(m: re.Match[str], solar_year: int) -> datetime.date | None:
    if m["eve"]:  # the last day of the lunar year: the eve of 正月初一
        return _lunar_to_solar(solar_year, 1, 1) - datetime.timedelta(days=1)
    if m["festival"]:
        return _lunar_to_solar(solar_year, *_FESTIVALS[m["festival"][:2]])
    if m["new_year_day"]:
        return _lunar_to_solar(solar_year, 1, _cn_small(m["new_year_day"]))
    month_name = m["month"] or m["named_month"]
    month = _LUNAR_MONTH_NAME.get(month_name) or _cn_small(month_name)
    return _lunar_to_solar(solar_year, month, _cn_small(m["day"]), leap=bool(m["leap"]))


def _lunar_to_solar(solar_year: int, month: int, day: int, leap: bool = False) -> datetime.date | None:
    """The solar date in `solar_year` of lunar month/day: 腊月 of the previous lunar year
    may fall in January, so both lunar years are tried. None if it does not exist."""
    for lunar_year in (solar_year, solar_year - 1):
        try:
            solar = LunarDate(lunar_year, month, day, leap).to_solar_date()
        except ValueError:  # no such day (leap month absent, day 30 of a short month, year out of range)
            continue
        if solar.year == solar_year:
            return solar
    return None


# ---------------------------------------------------------------------------
# Combining and showing


def resolve(masthead: DateGuess | None, sources: DateGuess | None, inferred: DateGuess | None) -> DateGuess | None:
    """The page's date: the first guess present in the order masthead, sources.yml, inferred.

    The winner is kept as it is, value, precision and evidence: a coarser guess
    is never refined by a finer, lower-ranked one that agrees with it (sources
    `2023-04` stays `2023-04` even when the text says `4月15日`), and a
    lower-ranked guess that disagrees changes nothing either (use `agree` to
    report such conflicts). None when there is no evidence at all.
    """
    return next((guess for guess in (masthead, sources, inferred) if guess is not None), None)


def agree(a: DateGuess, b: DateGuess) -> bool:
    """Do two guesses name the same time at their common precision? (2023-04 and 2023-04-05 do.)"""
    return a.value.startswith(b.value) or b.value.startswith(a.value)


@lru_cache(maxsize=4096)  # ~8 calls an article (its own date and its linked articles'), few distinct dates
def display(value: str | None, precision: str | None) -> str:
    """Chinese display: 2022年7月19日, 2022年8月, 2022年; 日期不详 when there is no date.

    A missing precision is read from the value's shape; a value that does not
    have the given precision raises ValueError.
    """
    if value is None:
        return "日期不详"
    if precision is None:
        precision = next((p for p, shape in _VALUE_SHAPES.items() if shape.fullmatch(value)), None)
        if precision is None:
            raise ValueError(f"date {value!r} is not {_SHAPE_HELP}")
    guess = DateGuess(value, precision, "")  # validates shape and calendar
    parts = [int(part) for part in guess.value.split("-")]
    return "".join(f"{number}{unit}" for number, unit in zip(parts, "年月日"))


# ---------------------------------------------------------------------------
# 4. The publication date a page's text gives, when nothing printed says it

# Paragraphs that are background by their label: an editor's note.
_BACKGROUND_PARAGRAPH = re.compile(r"^\s*(?:编者按|编者的话|编后|背景|链接)[:：]?")
# A quotation: a speaker's years are not the paper's.
_QUOTATION = re.compile(r"“[^“”]*”")
# Clauses whose years are background, plans or periods: biographies (出生, 毕业, 到任),
# foundations (始建于, 发现于, 始于), `…年来`/`以来` (since), plans (将, 计划, 建成后, 届时).
_BACKGROUND_CLAUSE = re.compile(
    r"出生|生于|毕业|参加工作|入伍|到任|任职|上任|始建于|建于|发现于|成立于|创办于|始于|以来|\d{4}年来|年代"
    r"|将|计划|规划|预计|力争|争取|目标|建成后|完成后|届时|有望|拟"
)
_CLAUSE = re.compile(r"[^,，。;；!！?？:：]+[,，。;；!！?？:：]?")


# A year-end report (its title says so): the years it names are the year under review,
# and such pages run early the next year.
_YEAR_END_TITLE = re.compile(r"年终|岁末|答卷|回眸|盘点|这一年|年度总结|年度报告")


def infer_publication(texts: Sequence[str], titles: Sequence[str] = ()) -> DateGuess | None:
    """The publication month the articles' text gives, or None when the evidence is weak.

    Stricter than `infer_from_text`, which it calls on what is left once background
    is taken out: editor's notes (编者按), quotations, and every clause that names
    a year as background or plan (biographies `1990年出生`, `始建于2009年`, `…年来`,
    `自2020年初到任以来`, `将于2026年建成`, `2028年公路建成后`). A year alone (the year
    under review of a year-end report `2020年,…`, `1998年,…开出第一家`) is weak
    evidence: no date. Only a month in a named year is taken (precision month).
    A page whose titles say it is a year-end report (`…2020年发展答卷`, `写在…岁末`)
    gets no date from its text at all.
    """
    if any(_YEAR_END_TITLE.search(title or "") for title in titles):
        return None
    kept: list[str] = []
    for text in texts:
        for paragraph in text.split("\n"):
            if _BACKGROUND_PARAGRAPH.match(paragraph) or paragraph.lstrip().startswith("#"):
                continue
            paragraph = _QUOTATION.sub("。", unicodedata.normalize("NFKC", paragraph))
            clauses = [c for c in _CLAUSE.findall(paragraph) if not (_YEAR.search(c) and _BACKGROUND_CLAUSE.search(c))]
            kept.append("".join(clauses))
    guess = infer_from_text("\n".join(kept))
    if guess is None or guess.precision != MONTH:
        return None
    return guess
