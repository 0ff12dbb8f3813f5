"""Tests for build_archive.gazetteer: the data file and the district scoring."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from build_archive.extract import gazetteer
from build_archive.extract.gazetteer import GAZETTEER_FILE, gazetteer_words, load_gazetteer, locate

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DISTRICTS = ("柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县")
FILLER = "会议强调，要抓好项目建设，优化营商环境，推动高质量发展。" * 3


def corpus(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def between(text: str, start: str, end: str | None = None) -> str:
    """The text from `start` (included) up to `end` (excluded) or the end."""
    begin = text.index(start)
    return text[begin : text.index(end, begin) if end else len(text)]


def markdown_section(text: str, heading: str) -> tuple[str, str]:
    """(heading line, body up to the next Markdown heading) of a page dump."""
    block = text[text.index(heading) :]
    title, _, rest = block.partition("\n")
    lines = rest.split("\n")
    end = next((i for i, line in enumerate(lines) if line.startswith("#")), len(lines))
    return title, "\n".join(lines[:end])


# --------------------------------------------------------------------------- the data


def raw_data() -> dict:
    return yaml.safe_load(GAZETTEER_FILE.read_text(encoding="utf-8"))


def test_the_six_districts_in_order():
    assert load_gazetteer().districts == DISTRICTS
    assert load_gazetteer().city == "衢州市"


@pytest.mark.parametrize("district", DISTRICTS)
def test_each_district_has_a_plausible_number_of_townships(district):
    townships = load_gazetteer().townships[district]
    assert 8 <= len(townships) <= 30
    assert len(set(townships)) == len(townships)
    for name in townships:
        assert name.endswith(("镇", "乡", "街道", "办事处")), name


def test_no_name_maps_to_two_places():
    data = raw_data()
    owners: dict[str, set[str]] = {}
    city = data["city"]
    for key in ("aliases", "platforms", "citywide_words"):
        for name in city[key]:
            owners.setdefault(name, set()).add(city["name"])
    for district, lists in data["districts"].items():
        owners.setdefault(district, set()).add(district)
        for names in lists.values():
            for name in names or []:
                owners.setdefault(name, set()).add(district)
    assert {name: places for name, places in owners.items() if len(places) > 1} == {}


def test_every_false_friend_contains_its_name():
    for name, contexts in raw_data()["false_friends"].items():
        for context in contexts:
            assert name in context


@pytest.mark.parametrize(
    "name, district",
    [
        ("华埠镇", "开化县"), ("杨林镇", "开化县"),
        ("廿里镇", "衢江区"), ("黄坛口乡", "衢江区"),
        ("樟潭街道", "衢江区"), ("浮石街道", "衢江区"), ("东港街道", "衢江区"),
        ("沟溪乡", "柯城区"), ("荷花街道", "柯城区"),
        ("塔石镇", "龙游县"), ("峡口镇", "江山市"),
        ("何家乡", "常山县"), ("辉埠镇", "常山县"),
    ],
)
def test_township_belongs_to_its_district(name, district):
    assert name in load_gazetteer().townships[district]
    assert locate(f"{name}召开乡村振兴推进会", FILLER) == (district,)


@pytest.mark.parametrize(
    "name, place",
    [
        ("龙游经济开发区", "龙游县"), ("常山经济技术开发区", "常山县"),
        ("常山县经济技术开发区", "常山县"),  # not the city's 经济技术开发区
        ("江山经济开发区", "江山市"), ("衢江港区", "衢江区"),
        ("智造新城", "衢州市"), ("高新区", "衢州市"),
        ("衢州国家高新技术产业开发区", "衢州市"), ("衢州经济技术开发区", "衢州市"),
        ("经济技术开发区", "衢州市"), ("绿色产业集聚区", "衢州市"),
        ("华埠", "开化县"), ("廿里", "衢江区"),  # township short forms
    ],
)
def test_platforms_and_short_forms(name, place):
    assert locate(f"{name}项目集中开工", FILLER)[0] == place


@pytest.mark.parametrize(
    "alias, district",
    [("柯城", "柯城区"), ("衢江", "衢江区"), ("龙游", "龙游县"),
     ("江山", "江山市"), ("常山", "常山县"), ("开化", "开化县"), ("衢州", "衢州市")],
)
def test_alias_gives_canonical_name(alias, district):
    assert locate(f"{alias}推进重点项目建设", FILLER) == (district,)


def test_gazetteer_words():
    words = gazetteer_words()
    assert words == sorted(set(words))
    for word in ("衢州市", "衢州", "柯城区", "柯城", "华埠镇", "华埠", "智造新城", "衢江港区"):
        assert word in words
    assert "全市" not in words  # a citywide word, not a place name


# --------------------------------------------------------------------------- scoring

BODY_ABOUT_KECHENG = (
    "近日，柯城区召开工业经济推进会。" + FILLER + "柯城区将继续开展助企服务。" + FILLER
)


@pytest.mark.parametrize(
    "title",
    ["江山:全过程加快推进重点项目建设", "江山：全过程加快推进重点项目建设",
     "## 江山:全过程加快推进重点项目建设", "江山 全过程加快推进重点项目建设"],
)
def test_headline_prefix_decides_the_main_district(title):
    # The body is mostly about 柯城区; the prefix still wins.
    body = BODY_ABOUT_KECHENG + "柯城区、柯城区、柯城区。"
    assert locate(title, body)[0] == "江山市"


def test_only_city_and_district_names_make_a_prefix():
    assert gazetteer.headline_prefix("## 柯城：稳住工业经济大盘") == "柯城区"
    assert gazetteer.headline_prefix("衢州:工业强市") == "衢州市"
    assert gazetteer.headline_prefix("华埠镇 召开会议") is None  # a township: scored instead
    assert gazetteer.headline_prefix("江山如画") is None
    assert locate("华埠镇 召开会议", BODY_ABOUT_KECHENG)[0] == "开化县"  # still the title


def test_title_beats_body():
    result = locate("江山推进重点项目建设", BODY_ABOUT_KECHENG)
    assert result == ("江山市", "柯城区")


def test_subtitle_beats_body():
    assert locate("项目建设跑出加速度", BODY_ABOUT_KECHENG, subtitle="常山招商引资成效显著")[0] == "常山县"


def test_township_only_story():
    body = "春节后，廿里镇工业功能区90余名员工赶制订单。" + FILLER + "廿里镇80余家企业全部复工复产。"
    assert locate("企业复工复产忙", body) == ("衢江区",)


def test_city_prefix_and_city_title():
    assert locate("衢州:工业强市 产业兴市", "全市规上工业增加值同比增长9.1%。")[0] == "衢州市"
    assert locate("工业强市 产业兴市", FILLER, subtitle="衢州推动工业市县一体化高质量发展")[0] == "衢州市"


def test_city_wide_body_spread_over_districts():
    body = (
        "上半年，全市规上工业增加值同比增长6.6%。柯城区、衢江区、龙游县增速位居前列，"
        "江山市、常山县、开化县工业投资持续增长。" + FILLER + "全市上下扎实推进工业强市十大专项行动。"
    )
    assert locate("上半年工业经济稳进提质", body)[0] == "衢州市"


def test_city_qualifier_counts_for_the_district():
    assert locate("召开征迁工作动员部署会", "衢州市衢江区召开“净地行动”征迁工作动员部署会。") == ("衢江区",)


def test_city_in_company_names_is_weak_evidence():
    body = (
        "在衢州市东巨康光电科技有限公司生产车间内，工人们正在紧张生产。"
        "衢州市振航建设发展有限公司完成回购。" + FILLER + "柯城区光电产业加快发展。"
    )
    assert locate("光电产业跑出加速度", body) == ("柯城区",)


def test_a_district_story_that_mentions_the_city_stays_a_district_story():
    body = (
        "今年以来，柯城区贯彻落实衢州市委“工业强市”战略。衢州市首个民营经济服务中心落户，"
        "衢州各地纷纷学习。" + FILLER + "柯城区将继续开展助企服务活动。"
    )
    assert locate("稳住工业经济大盘", body) == ("柯城区",)


def test_a_passing_mention_is_not_coverage():
    body = BODY_ABOUT_KECHENG + "此前，该企业曾在龙游考察。"
    assert locate("柯城推进工业项目", body) == ("柯城区",)


def test_nothing_found():
    assert locate("全国文明城市建设推进会召开", FILLER) == ()
    assert locate("", "") == ()


# --------------------------------------------------------------------------- false friends


def test_the_river_in_a_kecheng_story_is_not_qujiang_district():
    body = (
        "柯城区沿江绿道全线贯通，衢江两岸花海成片。" + FILLER
        + "市民在衢江边散步，衢江水面波光粼粼，衢江两岸灯火通明。柯城区将继续推进绿道建设。"
    )
    result = locate("绿道串起美丽风景", body)
    assert result[0] == "柯城区"
    assert "衢江区" not in result


@pytest.mark.parametrize(
    "phrase",
    ["大好江山", "江山如画", "打江山", "锦绣江山", "江山就是人民，人民就是江山",
     "浙江山区26县", "一江山水", "常山赵子龙", "未开化的荒地", "龙游浅水"],
)
def test_false_friends_are_not_places(phrase):
    assert locate(phrase, f"{phrase}。{FILLER}") == ()


def test_jiangshan_industrial_slogan_is_the_city():
    # 重振江山工业雄风 is 江山市's own slogan (江山 + 工业: the realm takes no 工业).
    assert locate("项目建设如火如荼", f"“大干项目”赋能“重振江山工业雄风”。{FILLER}") == ("江山市",)


def test_qujiang_shangxia_is_the_district():
    # 衢江上下 = "the whole district", not the river.
    assert locate("开局就是决战", f"衢江上下以“起跑就是冲刺”的姿态迈好第一步。{FILLER}") == ("衢江区",)


# --------------------------------------------------------------------------- another region


def test_another_region_can_be_loaded(tmp_path):
    path = tmp_path / "lishui.yml"
    path.write_text(
        """
city: {name: 丽水市, aliases: [丽水], platforms: [], citywide_words: [全市], org_suffixes: [公司]}
districts:
  莲都区: {aliases: [莲都], townships: [碧湖镇, 雅溪镇]}
  青田县: {aliases: [青田], townships: [温溪镇]}
false_friends: {}
scoring: {title_weight: 10, subtitle_weight: 4, body_weight: 1, lead_bonus: 1,
          city_name_weight: 0.5, org_name_weight: 0.1, org_window: 20, min_score: 2,
          min_share: 0.25, spread_districts: 3, spread_top_share: 0.5}
""",
        encoding="utf-8",
    )
    region = load_gazetteer(path)
    assert region.districts == ("莲都区", "青田县")
    assert locate("碧湖镇召开会议", FILLER, gazetteer=region) == ("莲都区",)
    assert "温溪镇" in gazetteer_words(region)


def test_a_name_listed_twice_is_refused(tmp_path):
    path = tmp_path / "bad.yml"
    data = raw_data()
    data["districts"]["江山市"]["townships"].append("华埠镇")  # already 开化县's
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="华埠镇.*listed twice") as error:
        load_gazetteer(path)
    assert str(path) in str(error.value)


# --------------------------------------------------------------------------- the real pages


@pytest.mark.parametrize(
    "heading, district",
    [
        ("# 衢州:工业强市 产业兴市", "衢州市"),
        ("## 柯城:稳住工业经济大盘", "柯城区"),
        ("## 衢江:加快推进城市发展三年行动", "衢江区"),
        ("## 龙游:刮起工业时尚风", "龙游县"),
        ("## 江山:“跨省通办”提质增效", "江山市"),
        ("## 常山:司法服务进园区", "常山县"),
        ("## 开化:入企服务出实招", "开化县"),
    ],
)
def test_page_000_sections(heading, district):
    title, body = markdown_section(corpus("000"), heading)
    assert locate(title, body) == (district,)


@pytest.mark.parametrize(
    "title, end, district",
    [
        ("柯城 整治高耗低效企业", "江山 全过程加快推进", "柯城区"),
        ("江山 全过程加快推进重点项目建设", "衢江 以“三季进”", "江山市"),
        ("衢江 以“三季进”拼出“全年红”", "龙游 打好外贸", "衢江区"),
        ("龙游 打好外贸转型升级牌", "常山 “链式”招商", "龙游县"),
        ("常山 “链式”招商激发产业强劲集聚力", "开化 打造国家公园", "常山县"),
        ("开化 打造国家公园城市客厅 建设现代生态旅游名城", "衢州国家高新技术产业开发区", "开化县"),
    ],
)
def test_page_001_district_stories(title, end, district):
    article = between(corpus("001"), title, end)
    headline, _, body = article.partition("\n")
    assert locate(headline, body)[0] == district


def test_page_001_closing_city_story():
    body = between(corpus("001"), "近日,省经信厅发布")
    assert locate("", body)[0] == "衢州市"


def test_page_001_as_one_roundup_names_the_city_first_and_all_six():
    body = between(corpus("001"), "柯城 整治高耗低效企业")
    result = locate("工业强市 产业兴市", body, subtitle="衢州推动工业市县一体化高质量发展")
    assert result[0] == "衢州市"
    assert set(result[1:]) == set(DISTRICTS)


def test_page_002_is_about_qujiang():
    text = corpus("002")
    title = "谱“五城”新篇 看衢江实践"
    body = text[text.index(title) + len(title) :]
    assert locate(title, body) == ("衢江区",)
    assert locate("", body) == ("衢江区",)  # the body alone says so too


def test_page_003_is_about_the_city():
    title, _, body = corpus("003").strip().partition("\n")
    assert title.startswith("# 衢州:")
    assert locate(title, body) == ("衢州市",)
    assert locate("", body)[0] == "衢州市"


def test_page_004_planning_meeting_is_qujiang():
    article = between(corpus("004"), "区规划委员会第13次会议召开", "区人大常委会召开")
    headline, _, body = article.partition("\n")
    assert locate(headline, body) == ("衢江区",)


def test_explain_runs():
    text = gazetteer.explain("柯城:稳住工业经济大盘", "柯城区工业实现开门红。")
    assert "柯城区" in text
