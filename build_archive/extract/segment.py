"""Cut one raw page dump into page metadata and articles (pure functions).

The dumps come from e-paper PDFs: mastheads, headlines, bylines, captions and
paragraphs broken at column breaks, sometimes with Markdown-ish `#` marks; or
from web pages, whose site furniture (furniture.py) is taken out first and tells
where the headline is. The rules look at the *shape* of a line (length,
punctuation, position, what follows it), not at the sample pages' own strings:

0. web-page furniture is taken out (`furniture.read`): its metadata (paper, page,
   printed date, bylines of source lines) goes to the page, its lines to the chrome;
1. every line is classified (`classify_line`): chrome, caption, byline,
   heading (marked with `#`), short headline-like line, or body text;
2. `_Builder` walks the lines once: runs of short lines between body text are
   headlines (when a byline or a `本报讯` lead follows), section heads or captions;
3. paragraphs split by column breaks are rejoined (`rejoin_paragraphs`);
4. headlines printed far from their body (an orphan headline at the top, or a
   headline printed after a headless body) are matched to that body.

Every input character ends up somewhere: `conservation` checks it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from build_archive.models import Article, Caption, Issue, Page
from build_archive.extract import dates, furniture
from build_archive.extract.words import plain_segmenter
from build_archive.extract.names import ORG_BYLINE, PLACE_SUFFIX, is_person_name  # noqa: F401 (re-exported)

# --- line shapes -------------------------------------------------------------

SENTENCE_END = "。！？!?…；;”’」』）)"
CLAUSE_PUNCT = re.compile(r"[，,。；;！!？?]")
HEADING_MARK = re.compile(r"^(#{1,6})\s*(.*)$")

# Page chrome: lines that describe the page, never article text.
CHROME_PATTERNS = {
    "date": re.compile(r"\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?.{0,20}(星期|周)[一二三四五六日天]"),
    # `…区委主办 …集团承办`: an organisation, not a headline saying who hosts (`…由衢江区承办`)
    "publisher": re.compile(r"^(?!.*由)\S*(委|委员会|政府|集团|报社|社|传媒|中心)(主管|主办|出版){1,2}(\s+\S+承办)?$"),
    "issue": re.compile(r"总第\s*\d+\s*期|今日\s*\d+\s*版|^[A-Z][A-Z ]{6,}"),
    "editors": re.compile(r"^(责任编辑|责编|编辑|版式|美编|校对|组版|版面设计)\s*[:：]"),
    "page_label": re.compile(r"^(第\s*)?\d+\s*([—–\-~～]\s*\d+\s*)?版$|^[A-Z]?\d+\s*版$"),
    # the national slogan banner (社会主义核心价值观) printed on many front pages
    "slogan": re.compile(r"^(富强|自由|爱国)\s+(民主|平等|敬业)\s+(文明|公正|诚信)\s+(和谐|法治|友善)$"),
}
PAPER_NAME = re.compile(r"^(今日[\u4e00-\u9fff]{2}|[\u4e00-\u9fff]{2,6}(日报|晚报|早报|报))$")

PHOTO_CREDIT = re.compile(r"^[（(]?(?P<text>.*?)\s+(?P<who>[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4})*)\s*摄\s*[）)]?$")
PAGE_PHOTO_CREDIT = re.compile(r"^[（(](?P<text>.*?(图片|照片|摄影).*?(?P<who>由(?P<org>.+?)提供)?)[）)]$")
COMMENT_LABEL = re.compile(r"^(评论|短评|时评|社论|编者按|本报评论员|观察|述评)$")
NEWS_LEAD = re.compile(r"^(本报讯|本报记者|新华社|近日|日前|昨日|今年以来|记者从|\d{1,2}月\d{1,2}日[,，])")
BYLINE_LEAD = re.compile(r"^(?P<lead>本[报報][讯訊]\s*[（(](?P<names>[^）)]{1,40})[）)])\s*")
# a byline at the end of a paragraph: `…。(记者 毛国庆 祝晨阳)`, `…。记者 邵婉清 通讯员 徐鹏飞`
TRAILING_BYLINE = re.compile(r"^(?P<text>.*[。！？!?…”])\s*(?P<byline>[（(](?P<names>[^（）()]{2,40})[）)]"
                             r"|(?P<bare>(?:记者|通讯员|本报记者)\s*[^。，,]{2,40}))$")
# a photo credit with no caption text: `通讯员 汪建国 摄`, `共享联盟衢江站 余丽君 汪晨 记者 方晓东 摄`, `摄影毛国庆`
# a photo caption under a web page's headline: short, one sentence (`村民在茶园里采摘秋茶。`)
CAPTION_SHAPE = re.compile(r"^[^，,。;；:：]{4,24}。$")
# a caption with its credit glued after the sentence: `…吸引了不少游客。记者洪晓燕摄`,
# `图为游客在华埠镇油菜花田里拍照留影。汪建国 程立平` (names, no 摄, after 图为…)
GLUED_CREDIT = re.compile(r"^(?P<text>.{4,60}?[。”])\s*(?P<who>(?:记者|通讯员)?\s*[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4}){0,3})\s*摄$"
                          r"|^(?P<text2>图为[^。]{2,50}。)\s*(?P<who2>[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4}){0,3})?$")
# the last line of a dump cut off after a few characters: `村里的`, `垃圾分`
TRUNCATED_FRAGMENT = re.compile(r"^[\u4e00-\u9fff]{3,6}$")
# a photo credit naming who provided the picture: `马金镇政府提供`, `县文旅局供图`
# (`(本版图片由…提供)` is a caption for the page: caption_of)
PROVIDED = re.compile(r"^(?!.*由)[\u4e00-\u9fff]{2,20}(?:提供|供图)$")
CREDIT_ONLY = re.compile(r"^(?P<who>(?:[\u4e00-\u9fff]{2,12}站\s+)?[\u4e00-\u9fff ]{2,40}?)\s*摄$|^摄影\s*(?P<after>[\u4e00-\u9fff ]{2,20})$")
BYLINE_ROLE = re.compile(r"^(本报记者|记者|通讯员|见习记者|实习生|特约记者|文/图|文|图|摄影|摄|编辑)[:：]?$")
SPEAKER_LINE = re.compile(r"(强调|指出|表示|讲话|主持|参加|出席|调研|要求)$")
SIGNATURE = re.compile(r"^(?P<text>.*[。！？!?…”])\s+(?P<names>[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4}){0,3})$")


def byline_names(line: str) -> tuple[str, ...] | None:
    """The names of a byline line (`郑晨 陈菊梅`, `记者 刘威 通讯员 叶竞`, `共享联盟衢江站`), or None."""
    tokens = line.replace("　", " ").split()
    if not tokens or len(tokens) > 8 or len(line) > 40:
        return None
    if len(tokens) == 1 and ORG_BYLINE.match(tokens[0]):
        return (tokens[0],)
    return furniture.person_names(line.replace("　", " "), writers_only=True)


def is_truncated_fragment(text: str) -> bool:
    """`村里的`, `垃圾分`: a few characters that end on a lone character (a particle, a
    word cut in two), as an excerpt cut off mid-sentence does; a heading ends on a word."""
    return bool(TRUNCATED_FRAGMENT.match(text)) and len(_cut(text)[-1]) == 1


def is_lead_lines(run: list[Line], next_body: Line) -> bool:
    """`这个周末` / `正是板栗飘香的时节` / `贺村镇板栗基地迎来采收季` over the body with no blank
    line anywhere: the poem-like lead of a post whose title is not in the dump, not a headline."""
    return len(run) >= 2 and all(len(line.text) <= 12 and not line.level and not line.headline for line in run) \
        and all(line.blank_before == 0 for line in run[1:]) and next_body.blank_before == 0 \
        and not BYLINE_LEAD.match(next_body.text) and byline_names(run[-1].text) is None


def credit_names(line: str) -> tuple[str, ...] | None:
    """The photographers of a credit line with no caption text (`通讯员 汪建国 摄`,
    `共享联盟衢江站 余丽君 汪晨 记者 方晓东 摄`, `摄影毛国庆`); an organisation is no name."""
    m = CREDIT_ONLY.match(line.strip())
    if not m:
        return None
    who = (m.group("who") or m.group("after") or "").split()
    who = [token for token in who if not re.search(r"站$|中心$|组$", token)]
    return furniture.person_names(" ".join(who)) if who else None


def is_chrome(line: str) -> str | None:
    for kind, pattern in CHROME_PATTERNS.items():
        if pattern.search(line) and len(line) <= 60:
            return kind
    return None


def is_headline_like(text: str) -> bool:
    """Short, not a sentence: a headline, section head, bare caption or byline.

    Lines with clause punctuation, ending in `：`, `、` or `…`, or with an opening
    quote never closed (`“顶风作`), are pieces of paragraphs cut by a column break.
    """
    if len(text) > 40 or CLAUSE_PUNCT.search(text) or text[-1] in "：:、…":
        return False
    return text.count("“") <= text.count("”") and text.count("「") <= text.count("」")


def is_headline_over_byline(text: str, next_text: str) -> bool:
    """`稳字当头，衢州工业开门红` over `郑晨 陈菊梅` or `本报讯（记者 …）`: a headline with a comma.

    Short, at most two commas, not ending like a sentence or a clause, and not
    the tail of a paragraph cut at a column break (`块,每日跟进`).
    """
    if len(text) > 30 or "。" in text or len(CLAUSE_PUNCT.findall(text)) > 2:
        return False
    if is_sentence_end(text) or text[-1] in "，,、：:；;" or starts_like_fragment(text):
        return False
    return bool(BYLINE_LEAD.match(next_text) or byline_names(next_text))


def caption_of(text: str) -> Caption | None:
    """An explicit caption: `… 许军 摄` or `(本版图片由…提供)`."""
    credit = PAGE_PHOTO_CREDIT.match(text)
    if credit:
        return Caption(text=credit.group("text"), photographer=credit.group("org"), raw=text)
    photo = PHOTO_CREDIT.match(text)
    if not photo or len(text) > 60 or CLAUSE_PUNCT.search(photo.group("text")):
        return None
    # the text may end in words that look like names: only trailing names are photographers
    words = (photo.group("text") + " " + photo.group("who")).split()
    names: list[str] = []
    while len(words) > 1 and is_person_name(words[-1]):
        names.insert(0, words.pop())
    if not names:
        return None
    return Caption(text=" ".join(words), photographer=" ".join(names), raw=text)


def is_sentence_end(text: str) -> bool:
    text = text.rstrip()
    if not text:
        return True
    if text[-1] in "”’」』" and len(text) >= 2:
        return text[-2] in SENTENCE_END
    return text[-1] in SENTENCE_END


def starts_like_fragment(text: str) -> bool:
    """A paragraph that cannot start a sentence: `象,提高…` (one character, then punctuation)."""
    return bool(re.match(r"^[\u4e00-\u9fff][，,、。；;：:]", text))


def is_suspected_gap(before: str, after: str) -> bool:
    """Was text lost where `before` and `after` were rejoined?

    A column break usually cuts a word (`主平|台`, `具体区|块`): the rejoined
    text then reads as one dictionary word across the break. When the piece
    after the break is a lone character before punctuation and no word spans
    the break (`城市综合|象,提高`), something was lost in between.
    """
    if not starts_like_fragment(after):
        return False
    left, right = before[-6:], after[:4]
    position = 0
    for word in _cut(left + right):
        if position < len(left) < position + len(word):
            return False  # a word spans the break
        position += len(word)
    return True


def _cut(text: str) -> list[str]:
    return plain_segmenter().cut(text, hmm=False)


# --- lines -------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str  # stripped, `#` marks removed
    level: int = 0  # Markdown heading level, 0 for none
    blank_before: int = 0  # blank lines above it
    headline: bool = False  # a headline by its context, though it has a comma
    web_headline: bool = False  # a headline by its place among web-page furniture (furniture.py)
    deck: bool = False  # a standfirst printed under the headline (furniture.py): subtitle
    caption: bool = False  # a caption by its shape and place (short, ends in 。, under a web headline)


def read_lines(text: str) -> list[Line]:
    lines, blanks = [], 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            blanks += 1
            continue
        mark = HEADING_MARK.match(stripped)
        level = len(mark.group(1)) if mark and mark.group(2) else 0
        lines.append(Line(number, mark.group(2).strip() if level else stripped, level, blanks))
        blanks = 0
    return lines


# --- building articles ---------------------------------------------------------


@dataclass
class _Draft:
    line: int
    headline: list[Line] = field(default_factory=list)
    byline: list[str] = field(default_factory=list)  # raw byline text, verbatim
    authors: list[str] = field(default_factory=list)
    blocks: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, text, line)
    captions: list[Caption] = field(default_factory=list)
    type: str = "新闻"
    label: str | None = None  # a column label such as 评论
    photographers: list[str] = field(default_factory=list)  # from credit lines with no caption text
    tight: set[int] = field(default_factory=set)  # body lines printed right under the one above (no blank line)
    footer_title: str | None = None  # the headline an e-paper footer prints: says which line is the title


@dataclass(frozen=True)
class SegmentedPage:
    page: Page
    articles: tuple[Article, ...]
    issues: tuple[Issue, ...]
    unassigned: tuple[tuple[int, str], ...]  # (line, text) kept for the build report
    date: dates.DateGuess | None = None  # printed on the page: masthead or web furniture


def district_prefix(text: str, names: frozenset[str]) -> str | None:
    """`柯城:…`, `柯城 …` → `柯城` when it is a known district name or alias."""
    match = re.match(r"^([\u4e00-\u9fff]{2,4})\s*[:：]|^([\u4e00-\u9fff]{2,4})\s+\S", text)
    if not match:
        return None
    name = match.group(1) or match.group(2)
    return name if name in names else None


def _split_headline(lines: list[Line], printed_title: str | None = None) -> tuple[str, str | None]:
    """Title and subtitle of a headline group, printed order kicker / title / subhead.

    `printed_title` (the headline an e-paper footer repeats) says which line is the
    title, or that the group is one title broken over two lines."""
    squashed = "".join((printed_title or "").split())
    if squashed and len(lines) >= 2:
        if squashed == "".join("".join(line.text.split()) for line in lines):
            return printed_title.strip(), None
        for line in lines:
            if "".join(line.text.split()) == squashed:
                rest = [other.text for other in lines if other is not line]
                return line.text, " / ".join(rest)
    decks = [line.text for line in lines if line.deck]
    if decks and len(decks) < len(lines):
        title, subtitle = _split_headline([line for line in lines if not line.deck])
        return title, " / ".join([subtitle, *decks] if subtitle else decks)
    texts = [line.text for line in lines]
    if len(texts) == 1:
        return texts[0], None
    if texts[1].startswith("——"):  # title, then its subhead(s): `——记…`
        return texts[0], " / ".join(texts[1:])
    if len(texts) == 2:
        kicker_first = not SPEAKER_LINE.search(texts[1])
        title = texts[1] if kicker_first else texts[0]
        return title, texts[0] if kicker_first else texts[1]
    rest = [texts[0]] + texts[2:]
    return texts[1], " / ".join(rest)


class _Builder:
    def __init__(self, source: str, district_names: frozenset[str], web_page: bool = False):
        self.web_page = web_page  # copied from a web page: one paragraph a line, no column breaks
        self.source = source
        self.district_names = district_names
        self.drafts: list[_Draft] = []
        self.chrome: list[str] = []
        self.paper: str | None = None
        self.unassigned: list[tuple[int, str]] = []
        self.orphan_headline: list[Line] = []  # a headline waiting for its body
        self.pending_captions: list[Caption] = []  # captions seen before any article
        self.issues: list[Issue] = []

    @property
    def current(self) -> _Draft | None:
        return self.drafts[-1] if self.drafts else None

    def start(self, line: int, headline: list[Line]) -> _Draft:
        draft = _Draft(line=line, headline=list(headline))
        draft.captions.extend(self.pending_captions)
        self.pending_captions.clear()
        self.drafts.append(draft)
        return draft

    def add_caption(self, caption: Caption, *, to_next: bool = False) -> None:
        if self.current is None or to_next:
            self.pending_captions.append(caption)
        else:
            self.current.captions.append(caption)

    def add_body(self, line: Line) -> None:
        text = line.text
        draft = self.current
        glued = GLUED_CREDIT.match(text)
        if glued and draft is not None and draft.blocks:
            who = (glued.group("who") or glued.group("who2") or "").split()
            names = furniture.person_names(" ".join(who)) if who else ()
            if names is not None:
                caption_text = glued.group("text") or glued.group("text2")
                draft.captions.append(Caption(text=caption_text, photographer=" ".join(names) or None, raw=text))
                return
        lead = BYLINE_LEAD.match(text)
        if lead:
            names = byline_names(lead.group("names")) or ()
            if draft is None or draft.blocks or draft.byline and not draft.headline:
                draft = self.start(line.number, [])
            draft.byline.append(lead.group("lead"))
            draft.authors.extend(names)
            text = text[lead.end():]
        elif draft is None:
            draft = self.start(line.number, [])
        if line.blank_before == 0 and draft.blocks:
            draft.tight.add(line.number)
        draft.blocks.append(("p", text, line.number))

    # A run is the short lines between two stretches of body text.
    def handle_run(self, run: list[Line], next_body: Line | None) -> None:
        run = self._take_signature(self._take_chrome(run))
        if self._took_photo_credit(run, next_body):
            return
        if next_body is not None and starts_like_fragment(next_body.text) and self._last_paragraph_ended():
            run = self._take_paragraph_head(run)
        captions: list[Line] = []
        rest: list[Line] = []
        for line in run:
            caption = caption_of(line.text)
            if caption:
                # everything before an explicit caption is caption-like too
                captions.extend(rest + [line])
                rest = []
            else:
                rest.append(line)
        for line in captions:
            self.add_caption(caption_of(line.text) or Caption(text=line.text, raw=line.text))
        if next_body is None:
            self._trailing_run(rest)
            return
        if self._took_web_headline(rest):
            return
        byline = byline_names(rest[-1].text) if len(rest) >= 2 else None
        if byline:
            *headline, byline_line = rest
            self._new_article(headline, next_body)
            self.current.byline.append(byline_line.text)
            self.current.authors.extend(byline)
            return
        if rest and COMMENT_LABEL.match(rest[-1].text):
            self._runs_as_captions(rest[:-1])
            draft = self.start(rest[-1].number, [])
            draft.type, draft.label = "评论", rest[-1].text
            return
        if self.current is None and is_lead_lines(rest, next_body):
            draft = self.start(rest[0].number, [])
            draft.blocks.extend(("lead", line.text, line.number) for line in rest)
            return
        if BYLINE_LEAD.match(next_body.text) or any(line.level == 1 for line in rest) or (
            rest and self.current is None
        ):
            heads = self._headline_tail(rest)
            self._runs_as_captions(rest[: len(rest) - len(heads)])
            if heads:
                self._new_article(heads, next_body)
            return
        if self.orphan_headline and rest and NEWS_LEAD.match(next_body.text) and self._last_paragraph_ended():
            # a headless body: the orphan headline printed elsewhere on the page claims it
            for line in rest:
                self.add_caption(Caption(text=line.text, raw=line.text), to_next=True)
            self.start(next_body.number, self.orphan_headline)
            self.orphan_headline = []
            return
        self._inside_article(rest)

    def _took_photo_credit(self, run: list[Line], next_body: Line | None) -> bool:
        """A credit line with no caption text (`通讯员 汪建国 摄`) closes a photo-news item:
        its names are the item's photographers; lines after it head the next item."""
        credit_at = next((k for k, line in enumerate(run)
                          if credit_names(line.text) or PROVIDED.match(line.text)), None)
        if credit_at is None or self.current is None:
            return False
        if run[:credit_at]:
            self._inside_article(run[:credit_at])
        names, text = credit_names(run[credit_at].text) or (), run[credit_at].text  # 马金镇政府提供: no person
        self.current.photographers.extend(n for n in names if n not in self.current.photographers)
        self.current.byline.append(text)
        after = run[credit_at + 1:]
        if after and next_body is not None:
            heads = self._headline_tail(after) or after[-1:]
            self._runs_as_captions(after[: len(after) - len(heads)])
            self.start(heads[0].number, heads)
        elif after:
            self.handle_run(after, next_body)
        return True

    def _took_web_headline(self, rest: list[Line]) -> bool:
        """The headline placed by web-page furniture (furniture.py) starts an article: lines
        before it are captions of that article, a `——` subhead joins it, lines after it are
        captions (photo titles), the last one perhaps a byline."""
        marked = [k for k, line in enumerate(rest) if line.web_headline]
        if not marked:
            return False
        before, heads, after = rest[:marked[0]], rest[marked[0]: marked[-1] + 1], rest[marked[-1] + 1:]
        while after and after[0].text.startswith("——") and not after[0].caption:
            heads, after = heads + after[:1], after[1:]
        byline = byline_names(after[-1].text) if after else None
        for line in before:
            self.add_caption(Caption(text=line.text, raw=line.text), to_next=True)
        draft = self.start(heads[0].number, heads)
        for line in after[:-1] if byline else after:
            draft.captions.append(caption_of(line.text) or Caption(text=line.text, raw=line.text))
        if byline:
            draft.byline.append(after[-1].text)
            draft.authors.extend(byline)
        return True

    def _last_paragraph_ended(self) -> bool:
        blocks = self.current.blocks if self.current else []
        return not blocks or is_sentence_end(blocks[-1][1])

    def _take_paragraph_head(self, run: list[Line]) -> list[Line]:
        """`台,肩负重任…` cannot start a paragraph: its head is the short line above the captions."""
        for line in run:
            if len(line.text) >= 8 and " " not in line.text and not line.level and not caption_of(line.text):
                self.add_body(line)
                return [other for other in run if other is not line]
        return run

    def _take_chrome(self, run: list[Line]) -> list[Line]:
        kept = []
        for line in run:
            kind = is_chrome(line.text)
            if kind is None and not self.drafts and PAPER_NAME.match(line.text) and self.paper is None:
                self.paper, kind = line.text, "paper"
            if kind:
                self.chrome.append(line.text)
            else:
                kept.append(line)
        return kept

    def _headline_tail(self, lines: list[Line]) -> list[Line]:
        """The headline group at the end of a run: its headline-like tail, after any bare caption."""
        tail: list[Line] = []
        for line in reversed(lines):
            if not (line.headline or is_headline_like(line.text)):
                break
            tail.insert(0, line)
            if line.level == 1 or len(tail) == 3:
                break
        return tail

    def _new_article(self, headline: list[Line], next_body: Line) -> None:
        # a district-prefixed line inside a headline group starts its own story;
        # the lines before it are a headline whose body is printed elsewhere
        for i, line in enumerate(headline[1:], start=1):
            if district_prefix(line.text, self.district_names):
                self.orphan_headline = headline[:i]
                headline = headline[i:]
                break
        self.start(headline[0].number if headline else next_body.number, headline)

    def _runs_as_captions(self, lines: list[Line]) -> None:
        for line in lines:
            self.add_caption(Caption(text=line.text, raw=line.text))

    def _inside_article(self, lines: list[Line]) -> None:
        """Short lines between paragraphs: captions and at most one section head.

        The head is the last line shaped like one (marked, or with a space or
        colon: `争先 描绘…`), or a lone unmarked line (`起跑加速度`) between two
        finished paragraphs; the other lines are captions, even one printed under it.
        """
        if self.web_page and 1 <= len(lines) <= 2 and not any(
                line.text.endswith("。") or caption_of(line.text) for line in lines):
            # a web page's section head, perhaps over two lines: `龙游县溪口镇` / `竹乡里的新生活`
            text = " ".join(line.text for line in lines)
            self.current.blocks.append(("h2", text, lines[0].number))
            return
        heads = [line for line in lines if line.level or re.search(r"[ 　:：]", line.text)]
        if not heads and len(lines) == 1 and lines[0].blank_before < 3 and self._last_paragraph_ended():
            heads = lines  # a lone line between finished paragraphs; photos leave a blank box above their caption
        for line in lines:
            if heads and line is heads[-1]:
                self.current.blocks.append(("h2", line.text, line.number))
            else:
                self.add_caption(Caption(text=line.text, raw=line.text))

    def _take_signature(self, run: list[Line]) -> list[Line]:
        """A commentary signed on a line of its own (`柏雷`) after its last sentence."""
        draft = self.current
        if run and draft and draft.type == "评论" and draft.blocks and not draft.authors \
                and self._last_paragraph_ended():
            names = byline_names(run[0].text)
            if names and len(names) <= 2:
                draft.byline.append(run[0].text)
                draft.authors.extend(names)
                return run[1:]
        return run

    def _trailing_run(self, lines: list[Line]) -> None:
        """Short lines after the last body text: a headline printed after its body, or leftovers."""
        headless = next((d for d in reversed(self.drafts) if not d.headline and d.type == "新闻"
                         and not (d.blocks and d.blocks[0][0] == "lead")), None)
        if lines and headless is None and self.current is not None and self.current.blocks \
                and is_truncated_fragment(lines[-1].text) and not lines[-1].level:
            # an excerpt cut off after a few characters (`村里的`, `书市当天`): text, not a headline
            if lines[:-1]:
                self._inside_article(lines[:-1])
            self.current.blocks.append(("p", lines[-1].text, lines[-1].number))
            return
        if lines and headless is None and self.web_page and self.current is not None and self.current.blocks:
            # a web excerpt cut off at the start of a section: its head (one or two lines), then the
            # first words of its text (`衢州` / `不只是书的集市` / `书市当天`); a lone line is a label
            if len(lines) == 1:
                self._runs_as_captions(lines)
            else:
                self._inside_article(lines[:2])
                self.current.blocks.extend(("p", line.text, line.number) for line in lines[2:])
            return
        heads = self._headline_tail(lines)
        self._runs_as_captions(lines[: len(lines) - len(heads)])
        if heads and headless is not None:
            headless.headline = heads
        elif heads:
            for line in heads:
                self.unassigned.append((line.number, line.text))
                self.issues.append(Issue("headline-without-body", self.source, line.number,
                                         f"headline-like line with no article body: {line.text!r}"))


def segment_page(text: str, source: str, district_names: frozenset[str] = frozenset()) -> SegmentedPage:
    """Split one page dump into its page metadata and articles.

    Web-page furniture (furniture.py) is taken out first; what it says (paper,
    page, printed date, bylines in source lines) becomes page metadata."""
    web = furniture.read(text)
    raw_lines = text.splitlines()
    # a page whose furniture is all printed-page chrome (masthead date line, editors) is a
    # printed page: its date is a masthead date; on a web page it is the page's furniture
    printed_page = all(is_chrome(raw_lines[n - 1].strip()) or furniture.PAGE_LABEL.match(raw_lines[n - 1].strip())
                       for n in web.lines)  # (a page label `第03版:要闻` is printed on paper too)
    builder = _Builder(source, district_names, web_page=not printed_page)
    run: list[Line] = []
    lines = read_lines(web.text)
    under_web_headline = False
    for i, line in enumerate(lines):
        if line.number in web.headlines:
            line = replace(line, headline=True, web_headline=True)
            under_web_headline = True
        elif line.number in web.decks:
            line = replace(line, headline=True, web_headline=True, deck=True)
        elif under_web_headline and CAPTION_SHAPE.match(line.text):
            line = replace(line, headline=True, caption=True)
        elif line.number in web.maybe_headlines or (
                i + 1 < len(lines) and is_headline_over_byline(line.text, lines[i + 1].text)):
            line = replace(line, headline=True)
        body_like = not line.headline and not is_headline_like(line.text) and not line.level
        if body_like:
            under_web_headline = False
            builder.handle_run(run, line)
            run = []
            builder.add_body(line)
        else:
            run.append(line)
    builder.handle_run(run, None)
    if builder.orphan_headline:
        for line in builder.orphan_headline:
            builder.unassigned.append((line.number, line.text))
            builder.issues.append(Issue("headline-without-body", source, line.number,
                                        f"headline with no body found on the page: {line.text!r}"))
    for caption in builder.pending_captions:
        builder.unassigned.append((0, caption.raw))
    _attach_bylines(builder.drafts, web.bylines)
    masthead = dates.masthead_date(builder.chrome)
    date, date_source = (web.date, "masthead" if printed_page else "page") if web.date else \
        (masthead, "masthead") if masthead else (None, None)
    facts = page_facts(builder.chrome)
    if web.page:
        facts["page_label"] = web.page
    if web.editors:
        facts["editors"] = tuple(facts.get("editors", ())) + web.editors
    page = Page(source=source, paper=web.paper or builder.paper, chrome=(*web.chrome, *builder.chrome),
                date=date.value if date else None, date_precision=date.precision if date else None,
                date_evidence=date.evidence if date else None, date_source=date_source,
                repost_source=web.source, furniture=len(web.lines), **facts)
    articles, issues = [], list(builder.issues)
    for ordinal, draft in enumerate(builder.drafts, start=1):
        draft.footer_title = web.footer_title
        article, found = _finish(draft, ordinal, page, builder.web_page)
        articles.append(article)
        issues.extend(found)
    return SegmentedPage(page, tuple(articles), tuple(issues), tuple(builder.unassigned), date)


def _attach_bylines(drafts: list[_Draft], bylines) -> None:
    """Names read from furniture (`来源: 衢州日报 记者 X`, `作者: X`) go to the article
    printed around their line: the last one starting above it, else the first."""
    for byline in bylines:
        if not drafts:
            return
        draft = next((d for d in reversed(drafts) if d.line <= byline.line), drafts[0])
        draft.authors.extend(name for name in byline.names if name not in draft.authors)
        draft.byline.append(byline.text)


def page_facts(chrome: list[str]) -> dict:
    facts: dict = {}
    for line in chrome:
        if m := re.search(r"总第\s*(\d+)\s*期", line):
            facts["issue_number"] = m.group(1)
        if CHROME_PATTERNS["page_label"].match(line):
            facts["page_label"] = line
        if CHROME_PATTERNS["editors"].match(line):
            facts["editors"] = tuple(re.findall(r"[:：]\s*([^\s:：]+)", line))
    return facts


def rejoin_paragraphs(blocks: list[tuple[str, str, int]], tight: frozenset[int] | set[int] = frozenset(),
                      ) -> tuple[list[tuple[str, str, int]], list[tuple[int, str]]]:
    """Join paragraphs split by column breaks; return the blocks and the suspected gaps.

    A paragraph that does not end a sentence continues in the next paragraph
    (with no space: Chinese has none). When the next piece starts like a
    fragment (`象,提高…`) some text was probably lost at the break.
    """
    out: list[tuple[str, str, int]] = []
    gaps: list[tuple[int, str]] = []
    for kind, text, line in blocks:
        # a column break leaves a blank line; a line right under the one above is a paragraph of
        # its own (web pages print one paragraph a line: `…贯穿了每一个改造项目` is a subhead)
        if kind == "p" and out and out[-1][0] == "p" and not is_sentence_end(out[-1][1]) and line not in tight:
            previous = out[-1]
            if is_suspected_gap(previous[1], text):
                gaps.append((line, f"…{previous[1][-8:]}|{text[:8]}…"))
            out[-1] = ("p", previous[1] + text, previous[2])
        else:
            if kind == "p" and out and out[-1][0] == "p" and line in tight and is_subhead(out[-1][1]):
                out[-1] = ("h2", out[-1][1], out[-1][2])  # `垃圾分类,村民自己管起来` over its paragraph
            out.append((kind, text, line))
    return out, gaps


def is_subhead(text: str) -> bool:
    """A line of a web page, not a sentence and not a clause cut short (`…,`), over the
    next paragraph: a section head (`垃圾分类,村民自己管起来`, `-记者核实`)."""
    return len(text) <= 40 and not is_sentence_end(text) and text[-1] not in "，,、：:；;—…"


def _finish(draft: _Draft, ordinal: int, page: Page, web_page: bool = False) -> tuple[Article, list[Issue]]:
    issues: list[Issue] = []
    tight = {line for _, _, line in draft.blocks} if web_page else draft.tight
    blocks, gaps = rejoin_paragraphs(draft.blocks, tight)
    authors = list(draft.authors)
    byline = list(draft.byline)
    if blocks and blocks[-1][0] == "p":
        signed = SIGNATURE.match(blocks[-1][1])
        names = byline_names(signed.group("names")) if signed else None
        if signed and names:
            blocks[-1] = ("p", signed.group("text"), blocks[-1][2])
            authors.extend(names)
            byline.append(signed.group("names"))
    for k, (kind, text, line) in enumerate(blocks):
        trailing = TRAILING_BYLINE.match(text) if kind == "p" else None
        names = byline_names(trailing.group("names") or trailing.group("bare")) if trailing else None
        if trailing and names and not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", (trailing.group("names") or "x").strip()):
            blocks[k] = ("p", trailing.group("text"), line)
            authors.extend(n for n in names if n not in authors)
            byline.append(trailing.group("byline"))
    if not authors and draft.photographers:  # photo news: the photographers are its authors
        authors.extend(draft.photographers)
    if draft.label:
        byline.append(draft.label)
    title, subtitle = _split_headline(draft.headline, draft.footer_title) if draft.headline \
        else (_derived_title(draft, blocks), None)
    continued = bool(blocks) and blocks[-1][0] == "p" and not is_sentence_end(blocks[-1][1])
    for line, snippet in gaps:
        issues.append(Issue("suspected-gap", page.source, line, f"text probably lost at a column break: {snippet}"))
    if continued:
        issues.append(Issue("continued", page.source, blocks[-1][2],
                            f"article ends mid-sentence (continued elsewhere?): …{blocks[-1][1][-12:]}"))
    if not draft.headline:
        issues.append(Issue("no-headline", page.source, draft.line, f"no headline printed; title made from the text: {title}"))
    body = "\n\n".join(("## " + text) if kind == "h2" else text for kind, text, _ in blocks)
    article = Article(
        source=page.source, line=draft.line, ordinal=ordinal, title=title, subtitle=subtitle,
        # an organisation signing the story (共享联盟衢江站) is no author; its byline stays in bylines
        body=body, authors=tuple(dict.fromkeys(a for a in authors if not ORG_BYLINE.match(a))),
        captions=tuple(draft.captions),
        type=draft.type, continued=continued, gaps=tuple(s for _, s in gaps),
        paper=page.paper, page=page.page_label, bylines=tuple(byline),
        headline_lines=tuple(line.number for line in draft.headline),
    )
    return article, issues


def _derived_title(draft: _Draft, blocks) -> str:
    first = next((text for kind, text, _ in blocks if kind in ("p", "lead")), "")
    sentence = re.split(r"[。！？!?]", first, maxsplit=1)[0]
    sentence = sentence[:30] + ("…" if len(sentence) > 30 else "")
    return f"{draft.label}：{sentence}" if draft.label else sentence or "（无标题）"


# --- nothing lost --------------------------------------------------------------


def _chars(text: str) -> Counter:
    counts = Counter(text)  # counted in C; then white space and # marks dropped
    for ch in [ch for ch in counts if ch.isspace() or ch == "#"]:
        del counts[ch]
    return counts


def conservation(text: str, result: SegmentedPage) -> Counter:
    """Characters of the input not found in any output field (empty when nothing is lost)."""
    pieces = [*result.page.chrome, *(line for _, line in result.unassigned)]
    for article in result.articles:
        pieces += [article.subtitle or "", article.body, *article.bylines, *(c.raw for c in article.captions)]
        if article.headline_lines:
            pieces.append(article.title)
    return _chars(text) - _chars("".join(pieces))
