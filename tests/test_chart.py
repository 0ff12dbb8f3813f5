"""The per-month chart: inline SVG, numbers that add up, readable at one month and at ten years."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from build_archive.site import chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the markup is well-formed (escaping)


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def draw(counts, layout=chart.WIDE, series=None):
    series = series or sorted({s for per in counts.values() for s in per})
    return chart.stacked_month_chart(counts, series, chart.colours_for(series), "测试", layout)


@pytest.mark.parametrize("first, last, expected", [
    ("2022-07", "2022-07", ["2022-07"]),
    ("2022-11", "2023-02", ["2022-11", "2022-12", "2023-01", "2023-02"]),
])
def test_month_range_fills_gaps_across_years(first, last, expected):
    assert chart.month_range(first, last) == expected


@pytest.mark.parametrize("peak, top, step", [(1, 1, 1), (4, 4, 1), (6, 6, 2), (13, 15, 5), (79, 80, 20), (1234, 1500, 500)])
def test_y_axis_is_round_and_covers_the_peak(peak, top, step):
    assert chart.nice_scale(peak) == (top, step)
    assert top >= peak and top // step <= 5


def test_totals_add_up_per_month_per_series_and_overall():
    counts = {"2022-07": Counter({"衢江区": 6}), "2022-08": Counter({"衢江区": 1, "柯城区": 2, "开化县": 4}),
              "2023-04": Counter({"衢州市": 1})}
    for layout in (chart.WIDE, chart.NARROW):
        root = parse(draw(counts, layout))
        assert root.get("data-total") == "14"
        series = {p.get("data-series"): int(p.get("data-count")) for p in root.iter(f"{SVG}path")}
        assert series == {"衢江区": 7, "柯城区": 2, "开化县": 4, "衢州市": 1}
    wide = parse(draw(counts))
    months = {r.get("data-month"): int(r.get("data-count")) for r in wide.iter(f"{SVG}rect") if r.get("data-month")}
    assert months == {"2022-07": 6, "2022-08": 7, "2023-04": 1}  # empty months get no box
    hover = [r.find(f"{SVG}title").text for r in wide.iter(f"{SVG}rect") if r.get("data-month") == "2022-08"]
    assert hover == ["2022年8月：7篇（开化县 4，柯城区 2，衢江区 1）"]


def test_empty_months_are_gaps_on_the_axis():
    root = parse(draw({"2022-07": {"a": 1}, "2023-04": {"a": 2}}))
    assert root.get("data-months") == "10"  # July 2022 … April 2023
    segments = re.findall(r"M([\d.]+) ", root.find(f"{SVG}path").get("d"))
    assert len(segments) == 2 and float(segments[1]) - float(segments[0]) > 8 * 40  # nine bands apart


def test_one_month_is_one_centred_bar_with_its_labels():
    root = parse(draw({"2022-07": {"衢江区": 6}}))
    x = float(re.match(r"M([\d.]+) ", root.find(f"{SVG}path").get("d")).group(1))
    assert abs(x + chart.WIDE.max_bar / 2 - chart.WIDE.width / 2) < chart.WIDE.width * 0.05  # not a wall of colour
    assert {"7月", "2022年", "篇", "6"} <= set(texts(root))


def test_ten_years_label_every_year_and_keep_bars_thin():
    counts = {f"{y}-{m:02d}": {"衢江区": m, "柯城区": 1} for y in range(2014, 2024) for m in range(1, 13)}
    wide = parse(draw(counts))
    years = [t for t in texts(wide) if t.endswith("年")]
    assert years == [f"{y}年" for y in range(2014, 2024)]
    assert len([t for t in texts(wide) if t.endswith("月")]) <= 40  # a few month marks, not 120
    widths = {float(w) for w in re.findall(r"h([\d.]+)V", wide.find(f"{SVG}path").get("d"))}
    assert max(widths) < chart.WIDE.width / 120
    narrow = parse(draw(counts, chart.NARROW))
    assert [t for t in texts(narrow) if t.endswith("年")] == [f"{y}年" for y in range(2014, 2024, 2)]


def test_hostile_series_names_are_escaped():
    name = '<script>alert("x")</script>&'
    svg = draw({"2022-07": {name: 1}})
    assert "<script>" not in svg
    assert parse(svg).find(f"{SVG}path").get("data-series") == name
    legend = chart.legend([name], {name: "#000"}, {name: 1})
    assert "<script>" not in legend and "&lt;script&gt;" in legend


def test_nothing_to_draw_gives_nothing():
    assert draw({}) == ""
    assert draw({"2022-07": {"a": 0}}) == ""


def test_colours_are_fixed_per_name_and_distinct():
    fixed = {"衢江区": "#e15759"}
    colours = chart.colours_for(["柯城区", "衢江区", "开化县"], fixed)
    assert colours["衢江区"] == "#e15759"
    assert len(set(colours.values())) == 3


def test_month_table_gives_the_bars_numbers_as_text():
    counts = {"2022-07": Counter({"衢江区": 6}), "2022-09": Counter({"衢江区": 1, "<b>": 2})}
    table = chart.month_table(counts, ["衢江区", "<b>", "柯城区"], "每月")
    root = ET.fromstring(table)  # well-formed: names escaped
    rows = [[c.text for c in tr] for tr in root.iter("tr")]
    assert rows[0] == ["月份", "合计", "衢江区", "<b>"]  # a series without articles gets no column
    assert rows[1:] == [["2022年7月", "6", "6", None], ["2022年8月", "0", None, None],  # empty months say 0
                        ["2022年9月", "3", "1", "2"], ["合计", "9", "7", "2"]]
    assert chart.month_table({}, ["a"], "每月") == ""
