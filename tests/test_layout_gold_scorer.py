"""The layout-gold scorer (tests/layout_gold.py) on hand-made results."""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layout_gold as lg  # noqa: E402

GOLD = {"pages": {
    "X.txt": {
        "paper": "今日开化", "page": "00002 综合新闻", "date": "2019-06-18", "date_precision": "day",
        "date_source": "page", "furniture": ["今日开化 数字报纸", "00002版:综合新闻"],
        "articles": [
            {"title": "桐村镇古道开放", "subtitle": None, "authors": ["徐晓岚", "程立平"],
             "districts": ["开化县"], "first": "6月15日,桐村镇", "last": "来拍照。"},
            {"title": "村头镇古戏台重新唱响", "subtitle": "——修缮后首次演出", "authors": ["汪海峰"],
             "districts": ["开化县"], "first": "5月1日,村头镇", "last": "村民围观。"},
        ]},
    "Y.txt": {
        "paper": None, "page": None, "date": None, "date_precision": None, "date_source": None,
        "furniture": ["转自:衢州日报"],
        "articles": [
            {"title": None, "title_from": ["一条古商道,连起了浙赣两省的山山水水。"], "subtitle": None,
             "authors": ["毛国庆"], "districts": ["龙游县"], "first": "一条古商道", "last": "位居全市前"},
        ]},
}}


def perfect() -> dict[str, list[dict]]:
    common = {"date": "2019-06-18", "date_precision": "day", "date_source": "page",
              "paper": "今日开化", "page": "00002版:综合新闻", "captions": []}
    return {
        "X.txt": [
            {**common, "source": "tests/data/layouts/X.txt", "title": "桐村镇古道开放", "subtitle": None,
             "authors": ["程立平", "徐晓岚"], "districts": ["开化县"],
             "body": "6月15日,桐村镇一段古道开放。\n\n## 小标题\n\n游客都来拍照。"},
            {**common, "source": "X.txt", "title": "村头镇古戏台重新唱响", "subtitle": "修缮后首次演出",
             "authors": ["汪海峰"], "districts": ["开化县"], "body": "5月1日,村头镇古戏台演出,引来村民围观。"},
        ],
        "Y.txt": [
            {"source": "Y.txt", "title": "一条古商道", "subtitle": None, "date": None, "date_precision": None,
             "date_source": None, "paper": None, "page": None, "authors": ["毛国庆"], "districts": ["龙游县"],
             "captions": [], "body": "一条古商道,连起了两省。\n\n多年位居全市前"},
        ],
    }


def test_perfect_results_score_one():
    scores = lg.score(perfect(), GOLD)
    for field in lg.RATE_FIELDS:
        assert scores[field].rate == 1.0, (field, scores["disagreements"])
    assert scores["date wrong"] == 0 and scores["furniture leaks"] == 0
    assert scores["disagreements"] == []
    assert "titles" in lg.table(scores)


def test_articles_matched_by_title_not_order():
    results = perfect()
    results["X.txt"].reverse()
    assert lg.score(results, GOLD)["titles"].rate == 1.0


def test_leaked_furniture_is_counted():
    results = perfect()
    results["X.txt"][0]["body"] += "\n\n今日开化 数字报纸"
    results["X.txt"][1]["subtitle"] = "00002版:综合新闻"
    scores = lg.score(results, GOLD)
    assert scores["furniture leaks"] == 2
    assert scores["bodies"].ok == 2 and scores["subtitles"].ok == 2  # both X articles lost their field


def test_wrong_date_is_counted():
    results = perfect()
    results["X.txt"][0]["date"] = "2020-06-18"           # differs from the gold
    results["Y.txt"][0].update(date="2012-10", date_precision="month")  # gold has none
    results["X.txt"][1].update(date="2019-06", date_precision="month")  # coarser: imprecise, not wrong
    scores = lg.score(results, GOLD)
    assert scores["date wrong"] == 2
    assert scores["dates"] == lg.Score(0, 3)


def test_missing_and_extra_articles():
    results = perfect()
    junk = copy.deepcopy(results["X.txt"][0]) | {"title": "今日开化 数字报纸", "body": "今日开化 数字报纸"}
    results["X.txt"] = [junk, results["X.txt"][1]]
    scores = lg.score(results, GOLD)
    assert scores["articles"] == lg.Score(2, 4)  # one gold article missed, one junk article found
    assert scores["furniture leaks"] >= 1
    scores = lg.score({}, GOLD)  # nothing read: everything wrong, nothing leaked
    assert scores["articles"] == lg.Score(0, 3) and scores["titles"].ok == 0
    assert scores["dates"].ok == 0 and scores["date wrong"] == 0


def test_derived_title_must_be_a_piece_of_its_source():
    results = perfect()
    results["Y.txt"][0]["title"] = "转自:衢州日报"
    scores = lg.score(results, GOLD)
    assert scores["titles"] == lg.Score(2, 3) and scores["furniture leaks"] == 1


def test_parse_inspect_groups_by_file_name():
    text = ('{"source": "/x/tests/data/layouts/A.txt", "title": "t1"}\n'
            '/x/A.txt:3: [no-date] no date found: t1\n'
            '{"source": "tests/data/layouts/A.txt", "title": "t2"}\n')
    assert [a["title"] for a in lg.parse_inspect(text)["A.txt"]] == ["t1", "t2"]


LAYOUT_GOLD = lg.load_gold()["pages"]


@pytest.mark.parametrize("name", sorted(LAYOUT_GOLD))
def test_gold_is_well_formed(name):
    page = LAYOUT_GOLD[name]
    assert (lg.LAYOUTS / name).is_file()
    text = (lg.LAYOUTS / name).read_text("utf-8")
    assert page["date"] is None or isinstance(page["date"], str)
    assert (page["date"] is None) == (page["date_precision"] is None) == (page["date_source"] is None)
    assert all(piece in text for piece in page["furniture"])
    canonical = {"柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县", "衢州市"}
    for article in page["articles"]:
        assert article["districts"] and set(article["districts"]) <= canonical
        assert article["title"] is not None or article.get("title_from")
