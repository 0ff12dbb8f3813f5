"""Quality gate for pages copied from the web (issue #21).

1. Every .txt page of tests/data/layouts (the catalog's 26 layouts and the pages
   written in their shapes) is extracted in-process (pipeline.inspect, as the
   `inspect` command) and scored against tests/data/layouts/gold.yml with
   tests/layout_gold.py. Each field must stay at or above its pinned minimum;
   furniture leaks and wrong dates must stay at zero. `pytest -s` prints the table.
2. A property: a sample article wrapped in web-page furniture (e-paper masthead,
   page label, toolbars, breadcrumbs, tail furniture, a footer with a date) comes
   out with the same title, body and authors as unwrapped, and with the footer's date.

The .html pages are read by another stage (trafilatura) and are not scored here.
"""
from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_archive import pipeline
from build_archive.cli import article_record
from build_archive.extract.corpus import read_corpus
from build_archive.extract.page import district_names
from build_archive.extract.names import is_person_name
from build_archive.extract.segment import conservation, segment_page

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layout_gold  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# Pinned at what extraction reaches on the 92 .txt pages (b9da719 and after). Raising a
# minimum is fine; lowering one needs a reason in the commit message.
MINIMUMS = {
    "articles": 1.0,
    "titles": 1.0,
    "subtitles": 1.0,
    "bodies": 1.0,
    "dates": 1.0,
    "date sources": 1.0,
    "authors": 1.0,
    "main district": 0.97,   # 94/96: 衢州市供水公司 in a title makes 衢州市 the main district (G2_02); I3
    "districts": 0.96,       # 93/96: and I3, K2 (the gazetteer's weighing of 衢州/全市); traditional pages fold by OpenCC
    "paper": 1.0,
    "page": 1.0,
}
MAXIMUMS = {"date wrong": 0, "furniture leaks": 0}


@pytest.fixture(scope="module")
def scores():
    gold = layout_gold.load_gold()
    names = [name for name in gold["pages"] if name.endswith(".txt")]
    articles, _report = pipeline.inspect([layout_gold.LAYOUTS / name for name in names])
    results: dict[str, list[dict]] = {}
    for article in articles:
        results.setdefault(Path(article.source).name, []).append(article_record(article))
    return layout_gold.score(results, gold, pages=names)


def test_layout_quality_gate(scores):
    print("\n" + layout_gold.table(scores, "web-page layouts (.txt pages)"))
    for line in scores["disagreements"]:
        print("  " + line)
    below = {field: scores[field].rate for field, minimum in MINIMUMS.items() if scores[field].rate < minimum}
    above = {field: scores[field] for field, maximum in MAXIMUMS.items() if scores[field] > maximum}
    assert not below, f"web-page extraction below the pinned minimum: {below}"
    assert not above, f"web-page extraction: {above}"


def test_every_layout_page_keeps_every_character():
    names = district_names()
    for path in sorted(layout_gold.LAYOUTS.glob("*.txt")):
        text = path.read_text("utf-8")
        lost = conservation(text, segment_page(text, path.name, names))
        assert not lost, f"{path.name}: characters lost: {''.join(sorted(lost.elements()))}"


# --- the property: furniture around an article changes nothing but the metadata ---------

WEEKDAYS = "一二三四五六日"


def _sample_articles() -> list[tuple[str, list[str], tuple[str, ...]]]:
    """(title, paragraphs, authors) of the sample pages' articles with a printed one-line headline."""
    names = district_names()
    out = []
    for page in read_corpus(ROOT / "corpus")[0]:
        for article in segment_page(page.text, page.source, names).articles:
            paragraphs = [p for p in article.body.split("\n\n") if p and not p.startswith("## ")]
            if len(article.headline_lines) == 1 and paragraphs and article.type == "新闻":
                out.append((article.title, paragraphs[:4], article.authors))
    return out


SAMPLES = _sample_articles()


def _page(title: str, paragraphs: list[str], authors: tuple[str, ...], indent: str = "",
          byline: str = "line") -> list[str]:
    lines = [title, ""]
    paragraphs = list(paragraphs)
    if authors and not all(is_person_name(a) for a in authors):  # 共享联盟衢江站: printed as it is
        lines += [" ".join(authors), ""]
    elif authors and byline == "line":
        lines += ["记者 " + " ".join(authors), ""]
    elif authors and byline == "lead":  # 本报讯 (记者 X Y) with half-width brackets, as web pages print it
        paragraphs[0] = f"本报讯 (记者 {' '.join(authors)}) " + paragraphs[0]
    elif authors and byline == "square":
        lines += ["□本报记者 " + " ".join(authors) + " ", ""]
    for paragraph in paragraphs:
        lines += [indent + paragraph, ""]
    return lines


def _headers(paper: str, code: str, name: str, date: datetime.date) -> dict[str, list[str]]:
    return {
        "e-paper masthead": [f"{paper} 数字报纸", "", "", f"{code}版:{name}", ""],
        "cms page label": [f"第{code[-2:]}版:{name}", ""],
        "old e-paper toolbar": ["阴影", "阴影 阴影", f"第A{code[-4:]}版:{name}", "5  6  ", "PDF 版",
                                "收藏 打印 推荐  更多功能 ", "返回主页 | 版面导航 | 标题导航      ", "上一期  下一期  "],
        "portal breadcrumb": ["扫一扫", "关注更", "多精彩", "  您当前的位置 :浙江在线 > 城市频道 > 浙江本地 > 衢州 正文"],
        "404 frames": ["404 Not Found", "", "404 Not Found", "", "", "nginx/1.23.3",
                       "您当前的位置:浙江在线 > 衢州频道 > 新闻频道 > 衢州新闻"],
        "login bar": ["登录 | 注册 | 设为主页 | 加入收藏", "我要投稿 | 投稿热线:0570-3861204"],
        "headline strip": ["湖镇老街改造启动村级养老服务站投用春季招聘会本周六举行......寻物启事",
                           "01版: 一版要闻 02版: 综合新闻 03版: 民生视点 04版: 专版"],
        "national menu": ["首页English", "  • 时政", "  • 国际", "  • 更多>>", "  • 报 纸", "    杂 志"],
        "county site bar": ["浙江在线--开化支站    总站·浙江在线 | 浙江新闻 | 图片 | 数字报纸 | 视频 | 便民服务",
                            "           · ·设为首页 ·收藏本站",
                            " 首 页   时政要闻   图片新闻   乡镇动态   公告公示   开化人在外   平安开化",
                            " 您当前的位置:首 页 > 开化新闻 > 综合新闻", "", " "],
        "none": [],
    }


def _tails() -> dict[str, list[str]]:
    return {
        "portal tail": ["", "标签: 乡村|阅读| 责任编辑: 杨慧敏", "分享到:", "版权和免责申明", "",
                        "Copyright © 1999-2022 Zjol. All Rights Reserved 浙江在线版权所有"],
        "review chain": ["编辑:汪 洋", "一审:郑雨桐", "二审:洪 燕", "三审:黄 磊"],
        "none": [],
    }


def _footers(paper: str, code: str, name: str, title: str, date: datetime.date) -> dict[str, str]:
    iso, cn = date.isoformat(), f"{date.year}年{date.month:02d}月{date.day:02d}日"
    weekday = "星期" + WEEKDAYS[date.weekday()]
    return {
        "e-paper footer": f"{paper} {name} {code} {title} {iso} {int(code)} {cn} {weekday}",
        "e-paper footer with id": f"{paper} {name} {code} {title} {iso} 21458807 2 {cn} {weekday}",
        "cms footer": f"{iso} 9 9 {paper} content_271356.html 2 5 {title} /enpproperty-->",
    }


def _extract(text: str):
    articles = segment_page(text, "t.txt", district_names()).articles
    return articles


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(SAMPLES),
    paper=st.sampled_from(["今日开化", "今日衢江", "衢州日报", "今日龙游", "浙江日报"]),
    code=st.sampled_from(["00002", "00003", "00005"]),
    name=st.sampled_from(["综合新闻", "要闻", "县市新闻"]),
    date=st.dates(datetime.date(2005, 1, 1), datetime.date(2025, 12, 31)),
    header=st.sampled_from(list(_headers("x", "00002", "x", datetime.date(2020, 1, 1)))),
    tail=st.sampled_from(list(_tails())),
    footer=st.sampled_from(["e-paper footer", "e-paper footer with id", "cms footer"]),
    indent=st.sampled_from(["", "  "]),
    byline=st.sampled_from(["line", "lead", "square"]),
    date_line=st.sampled_from(["", "{cn} 08:35:37 来源: {paper}", "{iso} 10:02:11  来源:{paper} ",
                               "浙江在线衢州频道 时间: {iso} 08:52:10"]),
)
def test_furniture_around_an_article_changes_only_metadata(sample, paper, code, name, date, header, tail,
                                                           footer, indent, byline, date_line):
    title, paragraphs, authors = sample
    article_lines = _page(title, paragraphs, authors, indent, byline)
    plain = "\n".join(article_lines) + "\n"
    if date_line:  # a portal's date line under the headline, same date as the footer
        cn = f"{date.year}年{date.month:02d}月{date.day:02d}日"
        article_lines = [article_lines[0], date_line.format(cn=cn, iso=date.isoformat(), paper=paper)] + article_lines[1:]
    wrapped_lines = (_headers(paper, code, name, date)[header] + [""] + article_lines + _tails()[tail]
                     + ["", "", _footers(paper, code, name, title, date)[footer]])
    wrapped = "\n".join(wrapped_lines) + "\n"
    before, after = _extract(plain), _extract(wrapped)
    assert [(a.title, a.body, a.authors) for a in after] == [(a.title, a.body, a.authors) for a in before]
    assert after[0].title == title  # and both are right
    assert after[0].authors == authors
    seg = segment_page(wrapped, "t.txt", district_names())
    assert seg.date is not None and seg.date.value == date.isoformat()
    assert not conservation(wrapped, seg)
