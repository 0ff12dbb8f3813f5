"""Web pages saved from a browser (`.html`, `.htm`, Ctrl+S) → the page text the article rules read.

A curator can save a news page and drop it into corpus/. Which part of an HTML page is
the article, and its title, date and author, is a solved problem for news sites:
`trafilatura` (main text and metadata; its dates come from `htmldate`) does it better
than rules of ours would. Its result is written out as a page dump of the shape the
segmenter already cuts (segment.py), so a web page goes through the same article rules
as a copied text page:

    <lines above the headline>   what trafilatura took from above it (a QR box), in page order
    <paper>                      only when the site's name is a paper's (今日龙游, 衢州日报)
    # <kicker>                   the headline group, its first line marked: kicker (if printed),
    <title>                      the printed headline,
    <subhead>                    subhead (only under a kicker: see page_text)
    2021年09月08日 星期三         the publication date, as a page's date line
                                 (dates.masthead_date reads it; `date_source: page`)
    <byline>                     the author, when trafilatura found one the text lacks
    <paragraph>                  the main text, one paragraph per line, blank lines between
    …

What counts as "the page" for conservation (every character accounted for) is this text:
the page's furniture (menus, share bars, footers) was left out by trafilatura, not by
our rules, and is not part of it. A page in which trafilatura finds no main text is
skipped with an Issue (`no-main-text`) naming the file, never silently.

Deterministic: the same bytes give the same text (no LRU deduplication across pages,
a fixed latest date instead of today's).
"""
from __future__ import annotations

import codecs
import datetime as dt
import re

import htmldate
import lxml.etree
import lxml.html
import trafilatura

from build_archive.models import Issue

SUFFIXES = (".html", ".htm")
# htmldate rejects dates after this; today's date would make the text depend on the day of the build
LATEST_DATE = "2099-12-31"
# Dates from the page's markup (meta tags, <time>, the address): trafilatura's own.
MARKUP_DATE = {"original_date": True, "extensive_search": False, "max_date": LATEST_DATE}
# htmldate's search of the page's text: also finds dates the article mentions, in scripts,
# and pads a year alone to YYYY-01-01; so its date is taken only when the page prints it
# in full below the headline, outside the article's sentences (see _page_date).
TEXT_DATE = {"original_date": True, "extensive_search": True, "max_date": LATEST_DATE}
WEEKDAYS = "一二三四五六日"
# A <title> wraps the headline in site names: 柯城区万田乡“共享农场”开园_城市频道_浙江在线
HEADING_TAGS = {"h1", "h2", "h3", "h4"}
TITLE_CLASS = re.compile(r"title", re.IGNORECASE)
MAX_HEADLINE = 80
# the kicker (引题) above a headline and the subhead (副题) under it, by their class
GROUP_CLASS = re.compile(r"yin_?ti|fu_?ti|kicker|sub_?-?title|subhead|deck|lead_?title", re.IGNORECASE)
MAX_GROUP_LINE = 60
# trafilatura's author field: `作者程立平 汪海峰` (its colon dropped), `记者 周子衡 通讯员 郑丽萍`
AUTHOR_LABEL = re.compile(r"^(作者|文|撰稿|来源)\s*[:：/]?\s*")
# <meta charset="gbk">, <meta http-equiv="Content-Type" content="text/html; charset=gb2312">
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
WIDE_ENCODINGS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}  # the superset reads them all


def is_web_page(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def declared_encoding(data: bytes) -> str | None:
    """The charset a page's <meta> declares (gb2312/gbk read as GB18030), if any and known."""
    match = META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    name = WIDE_ENCODINGS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def page_text(html: str, source: str) -> tuple[str | None, list[Issue]]:
    """A decoded web page → (page text for the segmenter, issues); None when it has no main text."""
    try:
        tree = lxml.html.document_fromstring(html)  # trafilatura prunes the tree it is given: its own parse
    except (lxml.etree.ParserError, ValueError):
        tree = None
    document = None
    if tree is not None:
        document = trafilatura.bare_extraction(
            html, with_metadata=True, favor_precision=True, include_tables=False, include_comments=False,
            include_images=False, deduplicate=False, date_extraction_params=dict(MARKUP_DATE),
        )
    body = _paragraphs(document.text if document is not None else "")
    if not body:
        return None, [Issue("no-main-text", source, 0, "a web page in which trafilatura finds no article text"
                            " (an index, a login wall, a page of pictures?); skipped")]
    title = _printed_headline(tree, _one_line(document.title or ""))
    date = _page_date(tree, html, title, document.date, body)
    if body and title and _one_line(body[0]) == title:
        body = body[1:]  # the headline repeated as the text's first line
    above, body = _above_headline(html, title, body)
    banner, body = _banner(body)
    above += banner
    paper = _one_line(document.sitename or "")
    paper = paper if _is_paper_name(paper) else None
    if date:
        body, paper = _without_date_lines(body, date, paper)
    lines = list(above)
    if paper:
        lines.append(paper)
    kicker, subhead = _headline_group(tree, title)
    # The group's first line is marked `# ` as in a Markdown dump: the segmenter's headline
    # group starts there, and no line above it (a QR box) is taken into it.
    if kicker:
        lines.append("# " + kicker)
    if title:
        lines.append(title if kicker else "# " + title)
    if subhead and kicker:
        # the segmenter reads a group of two as kicker / headline (print's order): a subhead
        # alone would be taken for the headline, so it is left out (as trafilatura does)
        lines.append(subhead)
    if date:
        lines.append(f"{date.year}年{date.month:02d}月{date.day:02d}日 星期{WEEKDAYS[date.weekday()]}")
    byline = _byline(document.author or "", "\n".join(body))
    if byline:
        lines.append(byline)
    lines += body
    return "\n\n".join(lines) + "\n", []


# A post template's banner at the top of the text: two or more short lines, no punctuation
# (`遇见` / `江山里`: a column's picture caption and the account's name), before the first
# sentence. Decoration, not a headline or a byline: it goes above the headline with the
# page's other furniture (the segmenter keeps it as page chrome).
BANNER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,6}$")


def _banner(body: list[str]) -> tuple[list[str], list[str]]:
    count = 0
    while count < len(body) - 1 and BANNER_LINE.match(body[count]):
        count += 1
    return (body[:count], body[count:]) if count >= 2 else ([], body)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _page_date(tree, html: str, title: str, from_markup: str | None, body: list[str]) -> dt.date | None:
    """The publication date, first that applies:

    1. trafilatura's, from the markup (meta tags, <time>, elements classed date/time): unless the
       page prints it only above the headline (a site's top bar shows the day the page was
       saved), and a first of the month only when printed below it (htmldate pads a month
       alone with 01);
    2. the first date line printed below the headline, outside the article's sentences
       (`2021年11月25日 08:41:37 来源: …`, `发布时间:2019-09-24`: what dates.masthead_date reads);
    3. htmldate's search of the whole page, when the page prints that date there too.

    Never a date found only in the article's sentences: those are the dates it reports. Else
    no date (the article rules may infer one from the text, and say so)."""
    from build_archive.extract.dates import masthead_date

    above, below = _pieces_around_headline(tree, title, body)
    date = _date(from_markup)
    if date and (_printed_in(below, date) or (date.day != 1 and not _printed_in(above, date))):
        return date
    for piece in below:
        guess = masthead_date([piece])
        if guess and guess.precision == "day":
            return dt.date.fromisoformat(guess.value)
    date = _date(htmldate.find_date(html, **TEXT_DATE))
    return date if date and _printed_in(below, date) else None


def _pieces_around_headline(tree, title: str, body: list[str]) -> tuple[list[str], list[str]]:
    """The page's text pieces (text nodes) above the headline, and those below it that are not
    in one of the article's sentences. No headline found: all pieces count as below."""
    if tree is None:
        return [], []
    pieces = [_one_line(t) for t in tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")]
    pieces = [piece for piece in pieces if piece]
    at = pieces.index(title) if title in pieces else -1
    above, below = pieces[: max(at, 0)], pieces[at + 1 :]
    prose = [line for line in body if re.search(r"[，。,;；!！?？]", line) and len(line) > 30]
    return above, [piece for piece in below if not any(piece in line for line in prose)]


def _printed_in(pieces: list[str], date: dt.date) -> bool:
    """Is `date` printed in full (year, month and day) in one of the pieces?"""
    printed = re.compile(rf"(?<!\d){date.year}\s*[-./年]\s*0?{date.month}\s*[-./月]\s*0?{date.day}(?!\d)")
    return any(printed.search(piece) for piece in pieces)


def _is_paper_name(name: str) -> bool:
    from build_archive.extract.segment import PAPER_NAME  # the segmenter's idea of a masthead line
    return bool(name) and bool(PAPER_NAME.match(name))


def _headline_group(tree, title: str) -> tuple[str | None, str | None]:
    """(kicker, subhead) printed around the headline element, which trafilatura leaves out.

    The e-paper and news-site templates print them as the headline's neighbours in one box:
    `<h3 class="yinti">…</h3><h1>headline</h1><h2 class="futi">…</h2>`. A neighbour counts
    when it is a heading (h1–h6) or says so by its class (yinti, futi, subtitle, kicker …),
    is short, and is next to the headline but for empty elements."""
    if tree is None or not title:
        return None, None
    body = tree.find("body")
    heads = [e for e in (body.iter() if body is not None else ()) if isinstance(e.tag, str)
             and _one_line(e.text_content()) == title and (e.tag in HEADING_TAGS or _says_title(e))]
    if not heads:
        return None, None
    head = heads[-1]  # the innermost

    def neighbour(siblings) -> str | None:
        for element in siblings:
            if not isinstance(element.tag, str):
                continue
            text = _one_line(element.text_content())
            if not text:
                continue  # an empty <h3 class="yinti"></h3>
            is_head = element.tag in HEADING_TAGS or element.tag in ("h5", "h6") or GROUP_CLASS.search(_classes(element))
            return text if is_head and len(text) <= MAX_GROUP_LINE and text != title else None
        return None

    return neighbour(head.itersiblings(preceding=True)), neighbour(head.itersiblings())


def _classes(element) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}"


def _says_title(element) -> bool:
    return bool(TITLE_CLASS.search(_classes(element)))


def _printed_headline(tree, title: str) -> str:
    """The headline as printed in the page, when trafilatura took the <title> with site names around it.

    Kept when some heading (h1–h4, or an element whose class or id says title) prints it as it
    is; else the longest such heading text found inside it (`万田乡“共享农场”开园` in
    `柯城区万田乡“共享农场”开园_城市频道_浙江在线`)."""
    if tree is None or not title:
        return title
    body = tree.find("body")
    texts = []
    for element in (body.iter() if body is not None else ()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in HEADING_TAGS or _says_title(element):
            text = _one_line(element.text_content())
            if 4 <= len(text) <= MAX_HEADLINE:
                texts.append(text)
    if title in texts:
        return title
    inside = [text for text in texts if text in title]
    return max(inside, key=len) if inside else title


def _above_headline(html: str, title: str, body: list[str]) -> tuple[list[str], list[str]]:
    """(lines printed above the headline, the rest): a QR-code box or a site widget that
    trafilatura took into the text (`扫一扫`, `关注更多精彩`) stays where the page prints it,
    before the headline, so that the headline heads the article's text.

    Positions are those of the first occurrence in the HTML source after <body>; a line not
    found there as it is (entities, inline markup inside it) counts as below the headline."""
    start = max(html.find("<body"), 0)
    headline_at = html.find(title, start) if title else -1
    if headline_at < 0:
        return [], body
    cut = 0
    while cut < len(body) and 0 <= html.find(body[cut], start) < headline_at:
        cut += 1
    return body[:cut], body[cut:]


# What a page's date line holds besides the date: time, weekday, labels (2023-04-11 10:02:55, 时间: …)
_DATE_LINE_PARTS = re.compile(
    r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?|\d{1,2}:\d{2}(:\d{2})?|星期[一二三四五六日天]"
    r"|(发布|更新)?(时间|日期)|[:：()（）\[\]【】|]"
)
LEADING_LINES = 3  # a date line sits under the headline, above the text


def _without_date_lines(body: list[str], date: dt.date, paper: str | None) -> tuple[list[str], str | None]:
    """The text without the page's own date line (`2022-07-02 09:16:08`, `2023-04-11 10:02:55 衢州日报`)
    among its first lines: the page text's date line says it, in the form the segmenter knows.
    A paper named on it becomes the paper line; a line with anything else on it is kept."""
    from build_archive.extract.dates import masthead_date

    kept = []
    for i, line in enumerate(body):
        guess = masthead_date([line]) if i < LEADING_LINES else None
        rest = _one_line(_DATE_LINE_PARTS.sub(" ", line)) if guess and guess.value == date.isoformat() else None
        if rest == "" or (rest and paper is None and _is_paper_name(rest)):
            paper = paper or rest or None
            continue
        kept.append(line)
    return kept, paper


def _byline(author: str, body: str) -> str | None:
    """The author as a byline line (`程立平 汪海峰`, `记者 周子衡 通讯员 郑丽萍`), unless the text names them already."""
    author = _one_line(AUTHOR_LABEL.sub("", _one_line(author)))
    if not author:
        return None
    names = [token for token in re.split(r"[\s,，、;；]+", author) if token]
    names = [re.sub(r"^(本报记者|记者|通讯员|见习记者|实习生|特约记者)[:：]?", "", token) for token in names]
    if all(not name or name in body for name in names):
        return None
    return author
