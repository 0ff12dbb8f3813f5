"""Tests for build_archive.dates: one table per rule, then the five sample pages."""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from build_archive.extract.dates import (
    DateGuess,
    agree,
    display,
    infer_from_text,
    masthead_date,
    parse_date_value,
    resolve,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


# ---------------------------------------------------------------------------
# masthead_date

@pytest.mark.parametrize(
    "lines, expected",
    [
        # the printed masthead of 今日衢江
        (["2022年7月19日 星期二 农历壬寅年六月廿一"], "2022-07-19"),
        # e-paper and repost forms
        (["2018-08-14"], "2018-08-14"),
        (["2018年08月14日"], "2018-08-14"),
        (["2018/8/14"], "2018-08-14"),
        (["2018.8.14"], "2018-08-14"),
        (["发布时间：2018-08-14 10:23:05"], "2018-08-14"),
        (["来源：衢州日报 2018年8月14日"], "2018-08-14"),
        # footer lines with date and weekday, paper name, page, editors
        (["衢州日报 2018年8月14日 星期二 第3版"], "2018-08-14"),
        (["2018年8月14日 周二 责任编辑：傅静之 版式：沈潔"], "2018-08-14"),
        (["今日衢江 2022年7月19日"], "2022-07-19"),
        # Chinese numerals, full-width digits
        (["二〇二二年七月十九日 星期二"], "2022-07-19"),
        (["２０１８年８月１４日 星期二"], "2018-08-14"),
        # the first date line wins; chrome lines around it are skipped
        (["中共衢州市衢江区委主办 衢江传媒集团承办", "2022年7月19日 星期二", "2023年1月1日"], "2022-07-19"),
    ],
)
def test_masthead_forms(lines, expected):
    guess = masthead_date(lines)
    assert guess is not None
    assert (guess.value, guess.precision) == (expected, "day")
    assert guess.evidence in [line.strip() for line in lines]  # the date line as printed


@pytest.mark.parametrize(
    "line",
    [
        "2022年2月30日 星期三",  # no such day
        "2018-13-01",  # no month 13
        "2023/2/29",  # not a leap year
        "2022年7月19日 星期三",  # the weekday contradicts the date
        "2022年7月15日，全区服务业发展大会暨重大产业项目推进大会召开。",  # a sentence
        "“2022年7月15日”",  # quoted text
        "2022年7月15日上午",  # words glued to the date
        "2022年7月15日 衢江区召开服务业发展大会",  # a headline or chronicle entry, not chrome
        "2022年7月15日 许军 摄",  # a photo caption
        "7月19日 星期二",  # no year
        "2018.8",  # no day
        "JIN RI QU JIANG 今日8版 总第3576期",  # chrome without a date
        "据统计，截至2022年7月19日，全区共签约项目22个，总投资约601亿元，涵盖服务业工业等多个领域",  # too long
        "",
    ],
)
def test_masthead_rejects(line):
    assert masthead_date([line]) is None


# ---------------------------------------------------------------------------
# parse_date_value

@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-04", ("2023-04", "month")),
        ("2023-4", ("2023-04", "month")),
        ("2023-04-05", ("2023-04-05", "day")),
        (" 2023 ", ("2023", "year")),
        ("2023", ("2023", "year")),
        (2023, ("2023", "year")),
        (datetime.date(2023, 4, 5), ("2023-04-05", "day")),
        (datetime.datetime(2023, 4, 5, 10, 30), ("2023-04-05", "day")),
    ],
)
def test_sources_values(value, expected):
    guess = parse_date_value(value)
    assert (guess.value, guess.precision) == expected
    assert guess.evidence == "sources.yml"


@pytest.mark.parametrize(
    "yaml_text, expected",
    [
        ("date: 2023-04-05", ("2023-04-05", "day")),  # YAML gives a datetime.date
        ("date: 2023-04", ("2023-04", "month")),  # ... and a string here
        ("date: 2023", ("2023", "year")),  # ... and an int here
    ],
)
def test_sources_values_as_yaml_reads_them(yaml_text, expected):
    guess = parse_date_value(yaml.safe_load(yaml_text)["date"])
    assert (guess.value, guess.precision) == expected


@pytest.mark.parametrize(
    "value",
    ["2023-13", "2023-02-30", "yesterday", "", "23-04", "2023/04", "2023年4月", "1800", 1800, 2023.04, True, None, [2023]],
)
def test_sources_bad_values(value):
    with pytest.raises(ValueError, match=r"sources.yml date .* write YYYY-MM-DD \(day\), YYYY-MM \(month\) or YYYY"):
        parse_date_value(value)


# ---------------------------------------------------------------------------
# infer_from_text: the year

@pytest.mark.parametrize(
    "text, expected",
    [
        ("近日,省经信厅发布2022年上半年山区26县工业经济运行情况指标。", "2022"),
        ("龙行龘龘,前程朤朤。2024年的发令枪已经打响。", "2024"),
        # the year just ended: the text is from the next one
        ("刚刚过去的2023年,衢州工业经济和社会发展稳中有进。", "2024"),
        ("过去的2023年,衢州稳中有进。", "2024"),
        # the latest present-or-past year wins
        ("2021年,开化首次提出目标。2022年上半年,全市工业稳进提质。", "2022"),
        ("二〇二二年,全市工业稳进提质。", "2022"),
        ("2023年度市长特别奖名单公布。", "2023"),
        # spans of years are plans or periods: ignored
        ("实施衢江区城市发展三年行动(2022年—2024年),计划在三年间实施重点项目103个。", None),
        ("实施城市发展三年行动（2022年—2024年）。", None),
        ("《规划(2021-2025年)》印发。", None),
        ("2022至2024年,共实施项目103个。", None),
        ("实施三年行动(2022年—2024年)。2023年一季度,全区开门红。", "2023"),
        # future targets and plans: ignored
        ("2021年,开化在《第十四个五年规划和二〇三五年远景目标的建议》中首次提出。", "2021"),
        ("2023年,全市实现增长。到2025年,全市规上工业产值突破3000亿元。", "2023"),
        ("2023年,全市实现增长。力争到2027年建成。", "2023"),
        ("2023年,全市实现增长。项目计划于2024年12月全面完成。", "2023"),
        ("2023年,全市实现增长。项目2025年前建成。", "2023"),
        ("2023年前三季度,全市实现增长。", "2023"),  # 前三季度 is past, not a deadline
        ("截至2023年底,全市累计招引项目46个。", "2023"),  # 截至 is not 至
        # a zodiac year one after the latest year named
        ("兔年春天,衢江干劲十足。2022年,衢江区共开展3期活动。", "2023"),
        ("龙年的号角响彻云霄。2024年的发令枪已经打响。", "2024"),
        # no year
        ("今年一季度,柯城区工业实现开门红。去年同期增长5%。", None),
        ("8月10日,开化县委十五届三次全会结束。", None),
        ("", None),
    ],
)
def test_infer_year(text, expected):
    guess = infer_from_text(text)
    if expected is None:
        assert guess is None
    else:
        assert (guess.value, guess.precision) == (expected, "year")


# ---------------------------------------------------------------------------
# infer_from_text: the month

@pytest.mark.parametrize(
    "text, expected",
    [
        # the latest month mentioned in the year found wins
        ("2022年上半年增长。截至7月底,全县招引项目46个。8月10日,开化县委全会结束。8月3日,衢江区召开会议。", "2022-08"),
        ("2022年上半年增长。前7个月,已开工建设项目70个。", "2022-07"),
        ("2022年上半年增长。前七个月,已开工建设项目70个。", "2022-07"),
        ("2023年,柯城区工业开门红,1至3月规上工业总产值283.78亿元。", "2023-03"),
        ("2023年,其中1月至2月增长4.6%。", "2023-02"),
        ("2022年工作会召开。今年6月,项目入驻生态工业园。", "2022-06"),
        ("2023年,全市5月份城市信用状况监测排名第一。", "2023-05"),
        ("2024年的发令枪已经打响。2月初,衢州传来好消息。1月29日,政策下发。", "2024-02"),
        # forecasts and plans: ignored
        ("2022年上半年增长。预计今年10月份将建成投产。", "2022"),
        ("2022年度工作。项目计划今年8月投产。", "2022"),
        ("2022年度工作。项目8月前建成。", "2022"),
        # a month of another year: ignored
        ("2024年的发令枪已经打响。2022年7月,衢州首次提出五链融合。", "2024"),
        ("2024年的发令枪已经打响。2023年,全国排名第5,其中,5月份排名全国第一。", "2024"),
        ("2024年的发令枪已经打响。去年8月,项目投产。", "2024"),
        # a month-day that does not exist is no evidence
        ("2023年工作会。2月30日,项目开工。", "2023"),
        # a month is not a day: never day precision
        ("2022年7月19日,全区召开大会。", "2022-07"),
    ],
)
def test_infer_month(text, expected):
    guess = infer_from_text(text)
    assert guess is not None
    assert guess.value == expected
    assert guess.precision == ("month" if len(expected) == 7 else "year")


@pytest.mark.parametrize(
    "text, expected_value, expected_solar",
    [
        ("2024年的发令枪已经打响。大年初九,农历新年首个工作日。", "2024-02", "2024-02-18"),
        ("2023年是开局之年。正月十五,衢州举办灯会。", "2023-02", "2023-02-05"),
        ("2023年是开局之年。元宵节,衢州举办灯会。", "2023-02", "2023-02-05"),
        ("2024年工作会召开。除夕,全市116家重点企业不停产。", "2024-02", "2024-02-09"),
        ("2024年工作会召开。腊月廿三,衢州举办年货节。", "2024-02", "2024-02-02"),  # 腊月 of lunar 2023
        ("2022年工作会召开。农历六月廿一,衢江召开大会。", "2022-07", "2022-07-19"),
        ("2023年工作会召开。中秋节,衢州举办晚会。", "2023-09", "2023-09-29"),
        ("2023年工作会召开。春节当天,游客如织。", "2023-01", "2023-01-22"),
    ],
)
def test_infer_lunar_dates(text, expected_value, expected_solar):
    guess = infer_from_text(text)
    assert (guess.value, guess.precision) == (expected_value, "month")
    assert expected_solar in guess.evidence


@pytest.mark.parametrize(
    "text",
    [
        "2023年是开局之年。春节假期,文旅业迎来复苏。",  # 春节 alone is a holiday period, not a date
        "2023年是开局之年。春节后,企业全部复工复产。",
        "2023年是开局之年。立春刚过,重大项目挑大梁。",
    ],
)
def test_infer_spring_festival_periods_give_no_month(text):
    guess = infer_from_text(text)
    assert (guess.value, guess.precision) == ("2023", "year")


@pytest.mark.parametrize(
    "text, known_year, expected",
    [
        ("今年3月5日,项目开工。", 2023, "2023-03"),
        ("去年12月10日,项目开工。", 2023, "2023"),
        ("去年12月10日,项目开工。今年3月5日,项目投产。", 2023, "2023-03"),
        ("前年5月,项目签约。", 2023, "2023"),
        ("8月10日,开化县委全会结束。", 2022, "2022-08"),
        # known_year wins over the years the text names
        ("2022年上半年增长。3月5日,项目开工。", 2023, "2023-03"),
        ("2022年7月,项目开工。", 2023, "2023"),
        ("大年初九,农历新年首个工作日。", 2024, "2024-02"),
        ("", 2023, "2023"),
    ],
)
def test_infer_relative_years_against_known_year(text, known_year, expected):
    guess = infer_from_text(text, known_year=known_year)
    assert guess.value == expected
    assert guess.evidence.startswith(f"known_year={known_year}")


@pytest.mark.parametrize(
    "text",
    [
        "2022年7月19日 星期二",
        "2022年,8月10日开化县委全会结束。",
        "2024年。2月18日大年初九,2月19日召开新春第一会。",
        *(path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))),
    ],
)
def test_inference_never_gives_a_day(text):
    for known_year in (None, 2022):
        guess = infer_from_text(text, known_year=known_year)
        assert guess is None or guess.precision in ("month", "year")


# ---------------------------------------------------------------------------
# resolve, agree, display, DateGuess

MASTHEAD = DateGuess("2022-07-19", "day", "2022年7月19日 星期二")
SOURCES_MONTH = DateGuess("2023-04", "month", "sources.yml")
INFERRED_DAYLESS = DateGuess("2023-04", "month", "2023年; 4月15日")
INFERRED_OTHER = DateGuess("2022-08", "month", "2022年; 8月10日")


@pytest.mark.parametrize(
    "masthead, sources, inferred, expected",
    [
        (MASTHEAD, SOURCES_MONTH, INFERRED_OTHER, MASTHEAD),  # the masthead wins
        (None, SOURCES_MONTH, INFERRED_OTHER, SOURCES_MONTH),  # then sources.yml
        (None, None, INFERRED_OTHER, INFERRED_OTHER),  # then the text
        (None, DateGuess("2023", "year", "sources.yml"), INFERRED_DAYLESS, DateGuess("2023", "year", "sources.yml")),
        (None, SOURCES_MONTH, INFERRED_DAYLESS, SOURCES_MONTH),  # a finer, agreeing guess does not refine it
        (None, None, None, None),
    ],
)
def test_resolve_order(masthead, sources, inferred, expected):
    assert resolve(masthead, sources, inferred) == expected


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (SOURCES_MONTH, DateGuess("2023-04-15", "day", "x"), True),
        (SOURCES_MONTH, DateGuess("2023", "year", "x"), True),
        (SOURCES_MONTH, INFERRED_OTHER, False),
        (MASTHEAD, DateGuess("2022-07", "month", "x"), True),
    ],
)
def test_agree(a, b, expected):
    assert agree(a, b) is expected


@pytest.mark.parametrize(
    "value, precision, expected",
    [
        ("2022-07-19", "day", "2022年7月19日"),
        ("2022-08", "month", "2022年8月"),
        ("2022", "year", "2022年"),
        ("2022-08", None, "2022年8月"),  # precision read from the value
        (None, None, "日期不详"),
        (None, "month", "日期不详"),
    ],
)
def test_display(value, precision, expected):
    assert display(value, precision) == expected


@pytest.mark.parametrize(
    "value, precision",
    [("2022-08", "day"), ("2022-08-01", "month"), ("2022-13", "month"), ("2022-02-30", "day"), ("yesterday", None), ("2022", "week")],
)
def test_bad_dates_are_refused(value, precision):
    with pytest.raises(ValueError):
        display(value, precision)
    if precision is not None:
        with pytest.raises(ValueError):
            DateGuess(value, precision, "test")


# ---------------------------------------------------------------------------
# The five sample pages

def _sample(prefix: str) -> tuple[str, DateGuess | None]:
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    entry = yaml.safe_load((CORPUS / "sources.yml").read_text(encoding="utf-8"))["files"][path.name] or {}
    sources = parse_date_value(entry["date"]) if "date" in entry else None
    return path.read_text(encoding="utf-8"), sources


@pytest.mark.parametrize(
    "prefix, masthead, sources, inferred, resolved",
    [
        # 000: no masthead; the only year in the text is the plan span (2022年—2024年): no inference
        ("000", None, ("2023-04", "month"), None, ("2023-04", "month")),
        # 001: 2022年上半年 + the latest month mention, 8月10日 (8月3日 comes first)
        ("001", None, None, ("2022-08", "month"), ("2022-08", "month")),
        # 002: 2023年是…开局之年 (兔年); 春节假期/春节后 are periods, 计划于2023年12月 is a plan
        ("002", None, ("2023-02", "month"), ("2023", "year"), ("2023-02", "month")),
        # 003: 2024年的发令枪, 刚刚过去的2023年; 2月18日大年初九, 2月19日 (2023年…5月份 is last year's)
        ("003", None, None, ("2024-02", "month"), ("2024-02", "month")),
        # 004: the masthead 2022年7月19日 星期二 农历壬寅年六月廿一
        ("004", ("2022-07-19", "day"), None, ("2022-07", "month"), ("2022-07-19", "day")),
    ],
)
def test_samples(prefix, masthead, sources, inferred, resolved):
    text, sources_guess = _sample(prefix)
    masthead_guess = masthead_date(text.splitlines())
    inferred_guess = infer_from_text(text)

    def shape(guess):
        return None if guess is None else (guess.value, guess.precision)

    assert shape(masthead_guess) == masthead
    assert shape(sources_guess) == sources
    assert shape(inferred_guess) == inferred
    assert shape(resolve(masthead_guess, sources_guess, inferred_guess)) == resolved


def test_sample_evidence():
    assert masthead_date(_sample("004")[0].splitlines()).evidence == "2022年7月19日 星期二 农历壬寅年六月廿一"
    assert infer_from_text(_sample("003")[0]).evidence == "2024年的发令枪; 2月18日"
    assert infer_from_text(_sample("001")[0]).evidence == "2022年第二期; 8月3日"


# ---------------------------------------------------------------------------
# infer_publication: the page's date from its text, when nothing printed says it (issue #21)

from build_archive.extract.dates import infer_publication  # noqa: E402


@pytest.mark.parametrize("text, expected", [
    ("2023年9月26日上午,江山市清湖街道举行“清湖码头”文化街区开街仪式。", "2023-09"),
    ("浙江在线讯 2023年11月2日,常山县同弓乡举行首届“胡柚文化节”。", "2023-11"),
    # a year alone is weak evidence: the year under review, a past event
    ("2020年,龙游县湖镇镇围绕目标,交出了一份亮眼答卷。全年新引进项目5个。", None),
    ("1998年,老师傅余根水在龙洲街道开出第一家发糕店。", None),
    # background: since, biographies, foundations, plans, editor's notes, quotations
    ("2012年来,溪口镇把乡村振兴与全域旅游结合起来。10月18日,全市现场会将在龙游召开。", None),
    ("自2020年初到任以来,她跑遍了全镇所有行政村。“数据不会说谎。”5月12日,余海燕说。", None),
    ("1990年出生的毛丽娜,2015年从杭州辞职回到大陈乡。", None),
    ("3月20日上午,村民正在加工明前茶。2028年公路建成后,这里将串起三个景区村。", None),
    ("编者按:2021年5月,衢州市部署开展“百村百景”创建工作。\n6月6日,摄影采风活动在衢江区启动。", None),
    ("老人说:“2019年8月那场大水,我记得清清楚楚。”如今村里修起了堤坝。", None),
])
def test_infer_publication_takes_no_background_year(text, expected):
    guess = infer_publication([text])
    assert (guess.value if guess else None) == expected
    assert guess is None or guess.precision == "month"


def test_a_year_end_report_gets_no_date_from_its_text():
    text = "2022年,凤林镇坚持“农业强镇”。7月,镇里新建了文化中心。"
    assert infer_publication([text]).value == "2022-07"
    assert infer_publication([text], ["“四个强”:凤林镇2022年发展答卷"]) is None
