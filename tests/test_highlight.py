"""Issue 23: the reader's search words are marked on the article a result opened (?hl=…),
over http under a sub-path and from file://, in Chromium."""
from __future__ import annotations

import urllib.parse

import pytest

ARTICLE = "articles/2023/2023-04-kaihua-7a0d8b46.html"  # 开化:入企服务出实招 (营商环境 twice in its text)


@pytest.fixture(params=["http", "file"])
def base(request, served, built):
    return served if request.param == "http" else (built / "site").as_uri() + "/"


def open_article(page, base, query=None):
    page.goto(base + ARTICLE + (f"?hl={urllib.parse.quote(query)}" if query is not None else ""))
    page.wait_for_load_state()
    page.wait_for_timeout(200)


def searched_text(page) -> str:
    return "\n".join(page.locator(".qz-article [data-qz-searched]").all_inner_texts())


def test_the_whole_query_is_marked_everywhere_it_occurs_and_scrolled_to(base, page):
    open_article(page, base, "营商环境")
    marks = page.locator("mark.qz-hit")
    text = searched_text(page)
    assert marks.count() == text.count("营商环境") >= 2
    assert set(marks.all_inner_texts()) == {"营商环境"}
    assert page.locator(".qz-hits").inner_text().startswith("已标出“营商环境”出现的 2 处")
    box = marks.first.bounding_box()
    assert 0 <= box["y"] <= page.viewport_size["height"]  # scrolled into view
    assert not page.errors


def test_words_and_then_pieces_are_marked_when_the_whole_query_does_not_occur(base, page):
    open_article(page, base, "营商 钱江源")
    assert set(page.locator("mark.qz-hit").all_inner_texts()) == {"营商", "钱江源"}
    open_article(page, base, "营商服务企")  # not in the text as a whole: its two-character pieces
    marked = set(page.locator("mark.qz-hit").all_inner_texts())
    assert marked and marked <= {"营商", "商服", "服务", "务企"} and "服务" in marked
    assert "按词或字分开" in page.locator(".qz-hits").inner_text()


def test_clearing_takes_the_marks_and_the_query_away(base, page):
    open_article(page, base, "营商环境")
    before = searched_text(page)
    page.locator(".qz-hits__clear").click()
    assert page.locator("mark.qz-hit").count() == 0 and page.locator(".qz-hits").count() == 0
    assert searched_text(page) == before  # the text itself is unchanged
    assert "hl=" not in page.url


def test_no_query_no_marks(base, page):
    open_article(page, base)
    assert page.locator("mark.qz-hit").count() == 0 and page.locator(".qz-hits").count() == 0
    open_article(page, base, "鲸鱼鲨鱼")  # not even a piece of it in the text
    assert page.locator("mark.qz-hit").count() == 0
    assert page.locator(".qz-hits").inner_text().startswith("本文中没有找到")
