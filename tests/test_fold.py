"""Traditional characters: matched in simplified form (extract/fold.py), printed as printed.

Pages from mirror sites are in traditional characters (龍游縣, 衢江區), sometimes with
pinyin left in brackets (舉村鄉(xiāng)). Their articles must get the districts and
themes of their simplified form. The traditional texts here are made with OpenCC's
own s2t / s2tw / s2hk (what mirror sites print), plus hand-written examples.
"""
from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from build_archive import pipeline
from build_archive.extract import fold, gazetteer, themes
from build_archive.extract.gazetteer import default_gazetteer, find_mentions, locate
from build_archive.extract.page import district_names
from build_archive.extract.segment import segment_page

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "corpus").glob("*.txt"))
LAYOUTS = ROOT / "tests" / "data" / "layouts"
TRADITIONAL = {config: opencc.OpenCC(config).convert for config in ("s2t", "s2tw", "s2hk")}


@pytest.mark.parametrize("printed, folded", [
    ("龍游縣", "龙游县"),
    ("衢江區", "衢江区"),
    ("開化縣華埠鎮", "开化县华埠镇"),
    ("常山縣", "常山县"),
    ("後溪鎮", "后溪镇"),
    ("舉村鄉(xiāng)", "举村乡"),  # pinyin leftover dropped
    ("廿(niàn)里鎮", "廿里镇"),  # even inside a name
    ("廿（niàn）里鎮", "廿里镇"),  # full-width brackets
    ("環境衞生", "环境卫生"),  # Hong Kong variant (t2s alone leaves 衞)
    ("營商環境", "营商环境"),
])
def test_traditional_folds_to_simplified(printed, folded):
    assert fold.simplified(printed) == folded


@pytest.mark.parametrize("text", [
    "衢州市柯城区召开营商环境大会",
    "世界贸易组织(WTO)和(app)",  # Latin in brackets without tone marks is no pinyin
    "abc 123",
    "",
])
def test_simplified_text_is_left_alone(text):
    assert fold.simplified(text) == text


def test_keep_length_keeps_every_index():
    text = "衢江區廿(niàn)里鎮:百年古樟重煥生機"
    folded = fold.simplified(text, keep_length=True)
    assert len(folded) == len(text)
    assert folded == "衢江区廿(niàn)里镇:百年古樟重焕生机"


def test_every_gazetteer_name_and_theme_keyword_is_a_fixed_point():
    """The data is written in simplified characters: folding must not change it."""
    g = default_gazetteer()
    names = [name for name in g.places if fold.simplified(name) != name]
    keywords = [k for k in themes.theme_keywords() if fold.simplified(k) != k]
    assert names == [] and keywords == []


@pytest.mark.parametrize("config", TRADITIONAL)
def test_every_place_name_is_found_in_traditional_characters(config):
    g = default_gazetteer()
    for name, place in g.places.items():
        found = find_mentions(TRADITIONAL[config](name), g)
        assert [m.place.canonical for m in found] == [place.canonical], name


def test_printed_text_is_kept_only_matching_folds():
    """locate/classify read the text; they return canonical names, the text is untouched."""
    title, body = "龍游縣湖鎮鎮:打好外貿轉型升級牌", "龍游縣湖鎮鎮今年外貿出口增長三成。" * 3
    assert locate(title, body) == ("龙游县",)
    assert gazetteer.headline_prefix("龍游:打好外貿牌") == "龙游县"
    assert title == "龍游縣湖鎮鎮:打好外貿轉型升級牌"


def sample_articles():
    names = district_names()
    for path in SAMPLES:
        for article in segment_page(path.read_text("utf-8"), path.name, names).articles:
            yield pytest.param(article, id=f"{path.name[:3]}#{article.ordinal}")


@pytest.mark.parametrize("config", TRADITIONAL)
@pytest.mark.parametrize("article", list(sample_articles()))
def test_sample_article_in_traditional_gets_the_same_districts_and_themes(article, config):
    convert = TRADITIONAL[config]
    simplified = (article.title, article.body, article.subtitle)
    traditional = (convert(article.title), convert(article.body), convert(article.subtitle or ""))
    assert traditional[1] != article.body  # the conversion did something
    assert locate(*traditional) == locate(*simplified)
    assert themes.classify(*traditional) == themes.classify(*simplified)


@pytest.mark.parametrize("page, districts", [
    ("A_08.txt", ("龙游县",)),  # 龍游縣 only in traditional
    ("F2_04.txt", ("衢江区",)),  # 衢江區舉村鄉(xiāng)
    ("G1_05.txt", ("衢江区",)),  # 衢江區廿(niàn)里鎮
    ("M_03.txt", ("衢江区",)),
])
def test_traditional_layout_pages_get_their_districts(page, districts):
    articles, _ = pipeline.inspect([LAYOUTS / page])
    assert [a.districts for a in articles][:1] == [districts]
    assert any(ch in articles[0].body for ch in "區縣鄉鎮龍")  # printed text kept traditional


@pytest.mark.parametrize("page", ["A_08.txt", "F2_04.txt", "G1_05.txt", "H_04.txt", "M_03.txt"])
def test_traditional_layout_page_matches_like_its_simplified_form(tmp_path, page):
    """The mirror pages of tests/data/layouts, and the same pages converted to simplified
    characters: the same articles get the same districts and themes."""
    printed = LAYOUTS / page
    converted = tmp_path / page
    converted.write_text(opencc.OpenCC("t2s").convert(printed.read_text("utf-8")), "utf-8")
    traditional, _ = pipeline.inspect([printed])
    simplified, _ = pipeline.inspect([converted])
    assert [(a.districts, a.themes) for a in traditional] == [(a.districts, a.themes) for a in simplified]
