"""Web-page furniture: the site chrome copied along with an article (pure functions).

Pages copied from e-paper sites, news portals, reposts and mirrors carry lines
that are no article text: mastheads (`今日开化 数字报纸`), page labels
(`00002版:综合新闻`), navigation and toolbars, breadcrumbs, date/source lines,
editor credits, copyright lines, server junk, image file names. `read` takes
them out of the page before it is cut into articles (segment.py) and reads the
metadata they carry: paper, page, the printed publication date, the source of a
repost, authors named in source lines, editors.

The rules look at a line's SHAPE (what it is made of: a date and a time, label:
value fields, words of a toolbar) and its POSITION (above the headline, under
the body after a tail marker); the words themselves are data
(build_archive/data/furniture.yml). Every character taken out is kept in
`Furniture.chrome`, so segment.conservation still accounts for it.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from build_archive.extract.dates import DAY, DateGuess
from build_archive.extract.fold import characters
from build_archive.extract.names import ORG_BYLINE, is_person_name

HAN = r"\u4e00-\u9fff"


@lru_cache(maxsize=1)
def words() -> dict:
    return yaml.safe_load(resources.files("build_archive").joinpath("data/furniture.yml").read_text("utf-8"))


# Traditional → simplified, one character for one, so offsets in the folded line are offsets
# in the printed line (mirror sites print 來源, 責任編輯).
fold = characters


@dataclass(frozen=True)
class Byline:
    line: int
    names: tuple[str, ...]
    text: str  # as printed


@dataclass(frozen=True)
class Furniture:
    text: str  # the page with furniture taken out (blank lines in its place: line numbers kept)
    chrome: tuple[str, ...] = ()  # every piece taken out, as printed
    lines: tuple[int, ...] = ()  # the lines that were furniture, whole or in part
    paper: str | None = None
    page: str | None = None
    date: DateGuess | None = None
    source: str | None = None  # the paper or site a repost names
    editors: tuple[str, ...] = ()
    bylines: tuple[Byline, ...] = ()  # names read from furniture (来源: … 记者 X, 作者: X)
    footer_title: str | None = None  # the headline as an e-paper footer prints it (which line is the title)
    headlines: frozenset[int] = frozenset()  # lines that are headlines by their place among the furniture
    maybe_headlines: frozenset[int] = frozenset()  # the page's first line, a blank line under it: headline-like
    decks: frozenset[int] = frozenset()  # a standfirst under the headline (no final punctuation, indented)


# --- shapes ---------------------------------------------------------------------

_ISO = r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{2}|\d(?!\d))"
_CN = r"(?P<cy>\d{4})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日"
FULL_DATE = re.compile(rf"(?<!\d)(?:{_ISO}|{_CN})")
TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")
WEEKDAY = re.compile(r"星期[一二三四五六日天]|周[一二三四五六日]")
WEEKDAY_NUMBER = {ch: i for i, ch in enumerate("一二三四五六日")} | {"天": 6}
PAPER = re.compile(rf"^(?:今日[{HAN}]{{2}}|[{HAN}]{{2,6}}(?:日报|晚报|早报|商报|信息报|报))$")
PAGE_CODE = r"(?:[A-Za-z]?\d{2,5})"
PAGE_LABEL = re.compile(rf"^(?P<first>第\s*)?(?P<code>{PAGE_CODE})\s*版\s*[:：]\s*(?P<name>.{{1,30}})$")
PAGE_NAV = re.compile(rf"{PAGE_CODE}\s*版\s*[:：]")
MASTHEAD = re.compile(r"^(?P<paper>\S{2,12})\s+(?P<word>\S{2,4})$")
# a dateline opening the lead: `浙江在线09月12日讯 `, `中新网衢州5月29日电(采访人员 戴文杰)`,
# `浙江在线-衢州频道3月26日讯(浙江在线 通讯员饶卫东 占丽娟)`, `本报7月27日讯 ` (no year: no date)
LEAD_DATELINE = re.compile(rf"^(?P<dateline>[{HAN}\-]{{0,14}}?\d{{1,2}}月\d{{1,2}}日(?:讯|电))\s*"
                           r"(?:[(（](?P<byline>[^()（）]{2,40})[)）])?\s*(?=\S)")
# a lead that opens the body: never part of a headline group
NEWS_LEAD = re.compile(r"^本报讯|^本报记者|^\d{1,2}月\d{1,2}日[,，]|^[\u4e00-\u9fff\-]{0,14}?\d{1,2}月\d{1,2}日(?:讯|电)")
BYLINE_ROLE_AT = re.compile(r"本报记者|记者|通讯员|采访人员|特约记者|见习记者")
DATELINE = re.compile(rf"^[{HAN}\-]{{0,12}}?\d{{1,2}}月\d{{1,2}}日(?:讯|电)$")
IMAGE_NAME = re.compile(r"^\S{1,60}\.(?:jpe?g|png|gif|webp|bmp)$", re.I)
MARKDOWN_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)\s*\|?$")
TABLE_BAR = re.compile(r"\s*\|\s*$")
HTML_LEFTOVER = re.compile(r"^(?:<[^>]{1,80}>\s*)+$|^[.#]?[\w-]+\s*\{[^}]*\}$|^&\w+;$")
PEN_NAME_INTRO = re.compile(r"署名“(?P<pen>[^”]{1,6})”.{0,20}?文章《(?P<title>[^》]{2,60})》.*——$")
INTRO_PAPER = re.compile(rf"出版的(?P<paper>[{HAN}]{{2,8}}?)(?:头版|第.{{1,2}}版|[一二三四五六七八九十]版)")
SOURCE_TITLE = re.compile(rf"^(?P<source>[{HAN}]{{2,10}})\s*[:：]\s*《(?P<title>[^《》]{{2,60}}?)\s*》$")
BULLET = re.compile(r"^[•·]\s")
RELATED_LINK = re.compile(r"^【[^】]{2,10}】[^。]{0,30}$")  # `【城镇观察】小镇夜经济 点亮`
PAGE_TURNER = re.compile(r"^\d{1,3}(?:\s+\d{1,3}){1,2}\s*$")
SENTENCE = re.compile(r"[。!?;！？；]")


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    """`来源:`, `责任编辑：`…: the labels of furniture.yml, longest first."""
    labels = sorted(words()["labels"], key=len, reverse=True)
    return re.compile(r"(?P<label>" + "|".join(map(re.escape, labels)) + r")\s*[:：]")


def _valid(y: int, m: int, d: int) -> datetime.date | None:
    try:
        return datetime.date(y, m, d) if 1900 <= y <= 2099 else None
    except ValueError:
        return None


def _dates(text: str) -> list[tuple[datetime.date, int, int]]:
    out = []
    for m in FULL_DATE.finditer(text):
        y, mo, d = (m["y"], m["m"], m["d"]) if m["y"] else (m["cy"], m["cm"], m["cd"])
        date = _valid(int(y), int(mo), int(d))
        if date:
            out.append((date, m.start(), m.end()))
    return out


def _toolbar_only(text: str, min_tokens: int = 2) -> bool:
    """Made only of toolbar words (and separators, digits): 收藏 打印 推荐 / 登录 | 注册.
    One word alone (`评论`) is a column label as often as a button: two at least, by default."""
    tokens = [t for t in re.split(r"[\s|·•/【】\[\]]+|\d+", text) if t]
    vocabulary = set(words()["toolbar_words"])
    return len(tokens) >= min_tokens and all(t in vocabulary or t.rstrip(":：") in vocabulary for t in tokens)


def _strip_toolbar(text: str) -> str:
    vocabulary = set(words()["toolbar_words"])
    return " ".join(t for t in text.split() if t not in vocabulary and t.rstrip(":：") not in vocabulary)


def person_names(value: str, writers_only: bool = False) -> tuple[str, ...] | None:
    """Names of a byline value: `记者 徐晓岚 通讯员 程立平`, `本报记者 沈一鸣`, `姜思琪`.
    None when a token is neither a role nor a person (an organisation, a sentence).
    `writers_only`: names after a photo role (`图/洪晓燕`, `摄影 X`) are left out
    unless nobody else is named."""
    roles = sorted(words()["byline_roles"], key=len, reverse=True)
    role = re.compile("^(?:" + "|".join(map(re.escape, roles)) + r")[:：/]?")
    names: list[str] = []
    photographers: list[str] = []
    printed = value.replace("□", " ").split()
    photo = False
    for k, token in enumerate(fold(value).replace("□", " ").split()):
        start = 0
        while (m := role.match(token, start)) and m.end() > start:
            photo = token[m.start():m.end()].rstrip(":：/") in ("图", "摄影", "摄")
            start = m.end()
        rest = token[start:]
        if not rest:
            continue
        if not is_person_name(rest):
            return None
        (photographers if photo and writers_only else names).append(printed[k][start:])
    return tuple(names or photographers) or None


def _printed(raw: str, folded_piece: str, folded: str) -> str:
    """The printed form of a piece found in the folded line."""
    at = folded.find(folded_piece)
    return raw[at:at + len(folded_piece)] if at >= 0 else folded_piece


# --- one line ---------------------------------------------------------------------


@dataclass
class _Facts:
    dates: list[tuple[int, datetime.date, str]] = field(default_factory=list)  # (rank, date, evidence)
    papers: list[tuple[int, str]] = field(default_factory=list)  # (rank, paper)
    pages: list[tuple[int, str]] = field(default_factory=list)
    source: str | None = None
    editors: list[str] = field(default_factory=list)
    bylines: list[Byline] = field(default_factory=list)
    footer_title: str | None = None


def _fields(folded: str, raw: str, number: int, facts: _Facts) -> bool:
    """A line of `label:value` fields (来源: 开化新闻网 作者: 占丽娟 编辑: 周子衡),
    perhaps with a date: read them; True when nothing else is on the line."""
    matches = list(_label_re().finditer(folded))
    if not matches or folded[: matches[0].start()].strip(" |(（)）【】[]") and not _dates(folded[: matches[0].start()]):
        return False
    roles = words()["labels"]
    for i, m in enumerate(matches):  # a field is short, never a sentence (`记者:今年收成怎么样?` is an interview)
        end = matches[i + 1].start() if i + 1 < len(matches) else len(folded)
        value = folded[m.end():end]
        if SENTENCE.search(value) or len(value.strip()) > 48:
            return False
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(folded)
        value = folded[m.end():end].strip(" |【】[]")
        raw_value = raw[m.end():end].strip(" |【】[]")
        role = roles[m["label"]]
        dates = _dates(value)
        if role in ("date", "posted") or dates:
            rank = 3 if role == "posted" else 1
            for date, start, stop in dates:
                facts.dates.append((rank, date, raw.strip()))
            value = FULL_DATE.sub(" ", TIME.sub(" ", value)).strip()
            raw_value = value
        if role == "source" and value:
            m_reporter = re.search(r"(?:记者|通讯员)\s*(?P<names>.+)$", value)
            name = value[: m_reporter.start()].strip() if m_reporter else value.split()[0]
            if m_reporter and (names := person_names(raw_value[m_reporter.start():])):
                facts.bylines.append(Byline(number, names, raw.strip()))
            printed = _printed(raw, name, folded)
            facts.source = facts.source or printed
            if PAPER.match(name.strip("《》")):
                facts.papers.append((2, printed.strip("《》")))
        elif role == "authors" and value:
            paper = re.search(r"《(?P<paper>[^》]{2,10})》", value)
            if paper:
                facts.papers.append((1, _printed(raw, paper["paper"], folded)))
                page = re.search(r"(?P<page>\d{1,3})\s*版", value[paper.end():])
                if page:
                    facts.pages.append((1, page["page"] + "版"))
                value = value[: paper.start()]
            names = person_names(_printed(raw, value.strip(), folded)) if value.strip() else None
            if names:
                facts.bylines.append(Byline(number, names, raw.strip()))
        elif role == "editors" and value:
            facts.editors.append(_printed(raw, value, folded))  # as printed (沈潔), not folded
        elif role == "paper" and value:
            facts.papers.append((1, _printed(raw, value, folded)))
        elif role == "page" and value:
            label = PAGE_LABEL.match(_strip_toolbar(value))
            if label:
                facts.pages.append((1, f"{label['first'] or ''}{label['code']}版 {label['name'].strip()}"))
    return True


def _date_line(folded: str, raw: str, facts: _Facts, number: int = 0) -> str | None:
    """A line that is a date (+ time, weekday, site or paper name, toolbar): its kind or None.

    `2021年04月26日 08:35:37 来源: …`, `浙江在线衢州频道 时间: 2013-05-08 08:52:10`,
    `光明日报 2017年04月22日 星期六`, an e-paper footer `<paper> <page> 00002 <headline>
    2019-06-18 2 2019年06月18日 星期二`, a CMS footer `… content_271356.html … /enpproperty-->`.
    """
    found = _dates(folded)
    if not found or "。" in folded:
        return None
    weekdays = [WEEKDAY_NUMBER[m.group()[-1]] for m in WEEKDAY.finditer(folded)]
    date = found[0][0]
    if any(w != date.weekday() for w in weekdays) or any(d != date for d, _, _ in found):
        return None
    tokens = folded.split()
    # e-paper footer / page header: ISO and Chinese date, weekday, a page code token
    codes = [i for i, t in enumerate(tokens) if re.fullmatch(PAGE_CODE, t) and i >= 1]
    if weekdays and len(found) >= 2 and codes and len(tokens) >= 5:
        i = codes[0]
        paper = tokens[0]
        facts.dates.append((0, date, raw.strip()))
        facts.papers.append((0, _printed(raw, paper, folded)))
        if i >= 2:
            facts.pages.append((2, tokens[i] + " " + " ".join(tokens[1:i])))
        iso = next((k for k in range(i + 1, len(tokens)) if FULL_DATE.match(tokens[k])), None)
        if iso is not None and iso > i + 1:
            facts.footer_title = facts.footer_title or _printed(raw, " ".join(tokens[i + 1:iso]), folded)
        return "footer"
    if "content_" in folded and "enpproperty" in folded:
        paper = next((t for t in tokens if PAPER.match(t)), None)
        facts.dates.append((0, date, raw.strip()))
        if paper:
            facts.papers.append((0, _printed(raw, paper, folded)))
        return "footer"
    rest = FULL_DATE.sub(" ", TIME.sub(" ", WEEKDAY.sub(" ", folded)))
    rest = _label_re().sub(" ", rest)
    rest = re.sub(r"[|()（）]", " ", rest)
    rest = _strip_toolbar(rest)
    if len(rest.replace(" ", "")) > 14 or re.search(r"[,，:：]", rest):
        return None
    has_time = bool(TIME.search(folded))
    reporter = re.search(r"(?:记者|通讯员)\s*\S.*$", rest)
    if reporter:
        found_names = person_names(_printed(raw, reporter.group(), folded))
        if found_names:
            facts.bylines.append(Byline(number, found_names, raw.strip()))
        rest = rest[: reporter.start()]
    names = rest.split()
    if not FULL_DATE.sub("", folded).strip():
        return "bare"  # a lone date: a reader app's viewing date, not the paper's
    facts.dates.append((0 if weekdays else 1, date, raw.strip()))
    for name in names:
        if PAPER.match(name):
            facts.papers.append((1, _printed(raw, name, folded)))
        facts.source = facts.source or _printed(raw, name, folded)
    # `光明日报 2017年04月22日 星期六` is a masthead; a date-time line sits under its headline
    return "masthead-date" if weekdays and not has_time else "dateline"


# --- the page ---------------------------------------------------------------------


def read(text: str) -> Furniture:
    """Take the furniture out of a page; read the metadata it carries."""
    raw_lines = text.splitlines()
    out = list(raw_lines)
    folded_lines = [fold(line).strip() for line in raw_lines]
    chrome: list[str] = []
    furniture_lines: list[int] = []
    facts = _Facts()
    headlines: set[int] = set()
    vocab = words()
    n = len(raw_lines)

    def take(i: int, piece: str | None = None, keep: str = "") -> None:
        chrome.append((piece if piece is not None else raw_lines[i]).strip())
        out[i] = keep
        furniture_lines.append(i + 1)

    _question_mark_spaces(raw_lines, out, chrome)
    folded_lines = [fold(line).strip() for line in out]
    content = [i for i in range(n) if folded_lines[i]]
    first_body = next((i for i in content if len(folded_lines[i]) > 20 and "。" in folded_lines[i]), n)
    date_lines: list[int] = []
    breadcrumb_at: int | None = None
    tail_from: int | None = None

    i = 0
    while i < n:
        s = folded_lines[i]
        if not s:
            i += 1
            continue
        raw = out[i].strip()
        kind = _line_kind(s, raw, i, folded_lines, facts, first_body)
        if kind == "label-alone":  # `来源:` with its value on the next line (G4)
            j = next((j for j in range(i + 1, min(n, i + 3)) if folded_lines[j]), None)
            take(i)
            if j is not None and not _label_re().match(folded_lines[j]):
                value = folded_lines[j]
                _fields(s + value, raw.strip() + out[j].strip(), i + 1, facts)
                take(j)
                i = j + 1
                continue
            i += 1
            continue
        if kind == "viewing-date":
            take(i)
            if i + 1 < n and WEEKDAY.fullmatch(folded_lines[i + 1]):
                take(i + 1)
                i += 2
                continue
            i += 1
            continue
        if kind:
            if kind == "breadcrumb":
                breadcrumb_at = i
            if kind == "tail" and i >= first_body:
                tail_from = i if tail_from is None else tail_from
            if kind in ("dateline", "fields-date"):
                date_lines.append(i)
            if kind.startswith("partial:"):
                keep, piece = _partial(kind, raw)
                take(i, piece, keep)
                if kind == "partial:title":
                    headlines.add(i + 1)
            else:
                take(i)
        i += 1

    # above a breadcrumb at the top: promo links, QR widgets
    if breadcrumb_at is not None and breadcrumb_at < first_body:
        for j in range(breadcrumb_at):
            if out[j].strip() and not SENTENCE.search(folded_lines[j]) and len(folded_lines[j]) <= 30:
                take(j)
    # related links after the body (`【城镇观察】小镇夜经济 点亮`), and the channel name over them
    for j in range(first_body + 1, n):
        s = fold(out[j]).strip()
        if RELATED_LINK.match(s):
            take(j)
            above = next((k for k in range(j - 1, first_body, -1) if out[k].strip()), None)
            if above is not None and len(out[above].strip()) <= 8 and not SENTENCE.search(out[above]):
                take(above)
    # under a tail marker after the body: related links, account footers, notices
    if tail_from is not None:
        for j in range(tail_from + 1, n):
            s = fold(out[j]).strip()
            if s and (len(s) <= 40 or any(w in s for w in vocab["notice_words"])):
                take(j)
    # a banner: the first lines of the page, each of at most 3 characters
    top = [j for j in range(n) if out[j].strip()]
    banner = 0
    for j in top:
        if len(out[j].strip()) <= 3 and not SENTENCE.search(out[j]):
            banner += 1
        else:
            break
    banner_lines: set[int] = set()
    if banner >= 2:  # (a banner says nothing about where the headline is)
        for j in top[:banner]:
            take(j)
            banner_lines.add(j + 1)

    placing = set(furniture_lines) - banner_lines  # furniture that places the headline under it
    maybe = _first_line_headline(out, placing)
    strong = {j for j in maybe if (j + 1) in furniture_lines}  # `![]() |` right under it
    headlines |= strong
    byline_at = _names_under_furniture(out, placing)
    if byline_at is not None:
        facts.bylines.append(Byline(byline_at + 1, person_names(out[byline_at].strip()), out[byline_at].strip()))
        take(byline_at)
    headlines |= _headline_lines(out, date_lines, placing)
    _take_repeated_headline(out, headlines, take)
    decks = _decks(raw_lines, out, maybe | headlines)
    if decks:  # a headline with a deck under it is a headline for sure
        headlines |= maybe
        maybe = set()
    return Furniture(
        text="\n".join(out) + ("\n" if text.endswith("\n") else ""),
        chrome=tuple(c for c in chrome if c),
        lines=tuple(sorted(set(furniture_lines))),
        paper=_best(facts.papers),
        page=_best(facts.pages),
        date=_best_date(facts.dates),
        source=facts.source,
        editors=tuple(facts.editors),
        bylines=tuple(facts.bylines),
        footer_title=facts.footer_title,
        headlines=frozenset(headlines),
        maybe_headlines=frozenset(maybe - headlines),
        decks=frozenset(decks),
    )


def _best(ranked: list[tuple[int, str]]) -> str | None:
    return min(ranked, key=lambda r: r[0])[1] if ranked else None


def _best_date(ranked: list[tuple[int, datetime.date, str]]) -> DateGuess | None:
    if not ranked:
        return None
    rank, date, evidence = min(ranked, key=lambda r: r[0])
    return DateGuess(date.isoformat(), DAY, evidence)


def _line_kind(s: str, raw: str, i: int, lines: list[str], facts: _Facts, first_body: int) -> str | None:
    vocab = words()
    if len(s) > 160:
        return None
    if s in vocab["lines"]:
        return "tail" if s.rstrip(":：") in vocab["tail_markers"] else "line"
    if s.rstrip(":：") in vocab["tail_markers"]:
        return "tail"
    if "content_" in s and "enpproperty" in s and _date_line(s, raw, facts, i + 1):
        return "footer"
    if any(w in s for w in vocab["server_words"]):
        return "server"
    if any(w in s for w in vocab["notice_words"]) and len(s) <= 100:
        return "notice"
    if any(s.startswith(w) or s.lstrip(" ").startswith(w) for w in vocab["breadcrumb_words"]) or (
        re.search(r"[>＞]", s) and (s.endswith("正文") or s.startswith("首页")) and not SENTENCE.search(s)
    ):
        return "breadcrumb"
    masthead = MASTHEAD.match(s)
    if masthead and masthead["word"] in vocab["masthead_words"]:
        facts.papers.append((0, raw.strip().split()[0]))
        return "masthead"
    label = PAGE_LABEL.match(s)
    if label and not SENTENCE.search(label["name"]) and len(PAGE_NAV.findall(s)) == 1:
        name = label["name"].strip()
        facts.pages.append((0, f"{label['first'] or ''}{label['code']}版 {_printed(raw.strip(), name, s)}"))
        return "page-label"
    if len(PAGE_NAV.findall(s)) >= 2:
        return "page-nav"
    if "......" in s and i == next(j for j, line in enumerate(lines) if line) and "。" not in s:
        return "headline-strip"
    if s.endswith(("主办", "承办")) and len(s) <= 20 and " " not in s and "由" not in s and i < first_body:
        return "publisher"
    if _toolbar_only(s):
        return "toolbar"
    if BULLET.match(s) and len(s) <= 40 and i < first_body:
        return "menu"
    if PAGE_TURNER.match(s) and re.search(r"\d\s+\d", s):
        return "page-turner"
    if len(re.findall(r"\s\|\s", s)) >= 2 and all(len(t.strip()) <= 12 for t in s.split("|")[1:]) \
            and "。" not in s:
        return "nav"
    if len([t for t in re.split(r"\s{3,}", s) if t]) >= 4 and all(len(t) <= 8 for t in re.split(r"\s{3,}", s)):
        return "nav"
    if IMAGE_NAME.match(s) or MARKDOWN_IMAGE.match(s) or HTML_LEFTOVER.match(s):
        return "image"
    if DATELINE.match(s):
        return "dateline-alone"
    opened = s.lstrip("【[(（ |")
    label = _label_re().match(opened)
    if label and not opened[label.end():].strip(" 】]"):
        return "label-alone"
    if label and _fields(s, raw.strip(), i + 1, facts):
        return "fields-date" if _dates(s) else "fields"
    if "|" in s and len(s) <= 60 and all(_toolbar_only(part, min_tokens=1) or _label_re().match(part.strip())
                                         for part in s.split("|") if part.strip()):
        return "nav"
    kind = _date_line(s, raw, facts, i + 1)
    if kind == "bare":  # a lone date (a reader app's viewing date): furniture, and no publication date
        return "viewing-date"
    if kind:
        return kind
    if s.endswith(" |") and len(s) <= 40:
        return "partial:table-bar"
    lead = LEAD_DATELINE.match(s)
    if lead:
        byline = lead["byline"] or ""
        role = BYLINE_ROLE_AT.search(byline)
        names = person_names(_printed(raw, byline[role.start():], s)) if role else None
        if names:
            facts.bylines.append(Byline(i + 1, names, _printed(raw, lead.group().strip(), s)))
        return "partial:dateline" if names or not lead["byline"] else "partial:dateline-only"
    intro = PEN_NAME_INTRO.search(s)
    if intro:
        paper = INTRO_PAPER.search(s)
        if paper:
            facts.papers.append((2, _printed(raw.strip(), paper["paper"], s)))
            facts.source = facts.source or paper["paper"]
        return "partial:title"
    if SOURCE_TITLE.match(s):
        facts.source = facts.source or SOURCE_TITLE.match(s)["source"]
        return "partial:title"
    return None


def _partial(kind: str, raw: str) -> tuple[str, str]:
    """(what stays as text, the furniture piece) of a line that is furniture in part."""
    stripped = raw.strip()
    if kind.startswith("partial:dateline"):
        lead = LEAD_DATELINE.match(fold(stripped))
        end = lead.end() if kind == "partial:dateline" else lead.end("dateline")
        return stripped[end:].lstrip(), stripped[:end]
    if kind == "partial:table-bar":
        bar = TABLE_BAR.search(stripped)
        return stripped[: bar.start()], stripped[bar.start():]
    folded = fold(stripped)
    intro = PEN_NAME_INTRO.search(folded)
    if intro:
        title = stripped[intro.start("title"): intro.end("title")].split("——")[0]
        return title, stripped.replace(title, "", 1)
    m = SOURCE_TITLE.match(folded)
    title = stripped[m.start("title"): m.end("title")].strip()
    return title, stripped[: m.start("title")] + stripped[m.end("title"):]


def _question_mark_spaces(raw: list[str], out: list[str], chrome: list[str]) -> None:
    """Mirror sites that stored every space as `?` (`记者?周子衡??邵婉清`): spaces again;
    the line as printed is kept in the chrome (conservation)."""
    shape = re.compile(rf"[{HAN}“”]\?+[{HAN}“”]")
    mirror = re.compile(rf"[{HAN}]\?\?[{HAN}]|(?:记者|通讯员|記者|通訊員)\?[{HAN}]|[{HAN}]\?摄")
    if not any(mirror.search(line) for line in raw):
        return
    hits = [i for i, line in enumerate(raw) if shape.search(line) and len(line.strip()) <= 40]
    if len(hits) < 2:
        return
    for i in hits:
        chrome.append(raw[i].strip())
        out[i] = re.sub(rf"(?<=[{HAN}“”])\?+(?=[{HAN}“”])", lambda m: " " * len(m.group()), raw[i])


def _headline_lines(out: list[str], date_lines: list[int], furniture: set[int]) -> set[int]:
    """Headlines by position: the line just above a date line; the headline group
    right under the top furniture (page label, masthead, breadcrumb, date line);
    the first line of a page when a blank line follows it."""
    heads: set[int] = set()
    n = len(out)

    def short(j: int) -> bool:
        s = out[j].strip()
        return bool(s) and len(s) <= 40 and not re.search(r"[。;；]$|[,，:：、]$", s) and "。" not in s[:-1] \
            and not s.endswith("。") and person_names(s) is None

    for d in date_lines:
        j = d - 1
        while j >= 0 and not out[j].strip() and d - j <= 3:
            j -= 1
        if j >= 0 and out[j].strip() and (j + 1) not in furniture and short(j):
            heads.add(j + 1)
    content = [j for j in range(n) if out[j].strip()]
    if not content:
        return heads
    first = content[0]
    top_furniture = any(line < first + 1 for line in furniture)
    if top_furniture:
        # the headline group: short lines with at most one blank line between, until a sentence,
        # a byline or more blank lines
        j, gap = first, 0
        while j < n:
            s = out[j].strip()
            if not s:
                gap += 1
                if gap > 1:
                    break
                j += 1
                continue
            if (j + 1) in furniture or not short(j) or (j != first and ORG_BYLINE.match(out[j].strip())) \
                    or NEWS_LEAD.match(fold(out[j].strip())):
                break  # (the first line is the headline even when it ends in 站: 山区新建光伏电站)
            heads.add(j + 1)
            gap = 0
            j += 1
    return heads


def _names_under_furniture(out: list[str], furniture: set[int]) -> int | None:
    """A line of names alone right under the top furniture (`转自:衢州日报` / `毛国庆`): a byline."""
    content = [j for j in range(len(out)) if out[j].strip()]
    if not content or not any(line < content[0] + 1 for line in furniture):
        return None
    names = person_names(out[content[0]].strip())
    return content[0] if names and len(names) <= 3 else None


def _first_line_headline(out: list[str], furniture: set[int]) -> set[int]:
    """The page's first line, when a blank line or furniture follows it: headline-like
    even with a comma (`乡镇书记的“共富账本” 既要算产业账,还要算民生账`)."""
    content = [j for j in range(len(out)) if out[j].strip()]
    if not content or any(line <= content[0] for line in furniture):
        return set()
    first = content[0]
    s = out[first].strip()
    below_blank = first + 1 < len(out) and not out[first + 1].strip()
    below_furniture = (first + 2) in furniture
    if (below_blank or below_furniture) and len(s) <= 40 and not re.search(r"[。;；,，:：、]$", s) and "。" not in s:
        return {first + 1}
    return set()


def _decks(raw: list[str], out: list[str], heads: set[int]) -> set[int]:
    """`  在浙西山区的常山县,…正在一页页写实` under the headline: indented, a blank line
    on each side, no final punctuation, not a byline: the deck (standfirst)."""
    if not heads:
        return set()
    last = max(heads) - 1
    below = [j for j in range(last + 1, min(len(out), last + 3)) if out[j].strip()]
    if not below:
        return set()
    j = below[0]
    s = out[j].strip()
    indented = raw[j].startswith(" ")
    blank_after = j + 1 < len(out) and not out[j + 1].strip()
    longer = len(s) > len(out[last].strip())  # under a kicker, the shorter line is the headline
    if indented and blank_after and longer and 12 <= len(s) <= 60 and not SENTENCE.search(s[-1]) and s[-1] not in ",，:：、" \
            and person_names(s) is None:
        return {j + 1}
    return set()


def _take_repeated_headline(out: list[str], heads: set[int], take) -> None:
    """A special page prints its headline group twice: once as the headline, once
    indented at the top of the body. The second copy is furniture."""
    if len(heads) < 2:
        return
    group = [out[j - 1].strip() for j in sorted(heads)]
    after = max(heads)
    following = [j for j in range(after, len(out)) if out[j].strip()][: len(group)]
    if len(following) == len(group) and [out[j].strip() for j in following] == group:
        for j in following:
            take(j)
