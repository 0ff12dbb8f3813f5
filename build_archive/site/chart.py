"""Articles per month as an inline SVG stacked bar chart (pure; no JS, works offline).

Months run along the x axis from the first to the last month with articles,
empty months left as gaps; each bar is split by series (district). Every
bar carries its count (`data-count`) and a `<title>` (shown on hover) with
the split by series; the `<svg>` carries the total, so tests and readers can
check the numbers. `month_table` gives the same numbers as a table, for
readers who cannot see the bars or hover them (screen readers, phones).
"""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Tableau 10: distinct hues that stay readable on Material's light and dark backgrounds.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")
OTHER_COLOUR = "#9e9e9e"


@dataclass(frozen=True)
class Layout:
    """Sizes in SVG units; the SVG scales to the width of its box (viewBox, width 100%)."""

    width: int = 960
    height: int = 320
    left: int = 44
    right: int = 12
    top: int = 30
    bottom: int = 48
    font: int = 12
    max_bar: int = 44
    titles: bool = True  # hover titles (the wide chart; phones have no hover)


WIDE = Layout()
# Phones: the wide chart scaled to 360 px would have 6 px text; this one is drawn for that width.
NARROW = Layout(width=380, height=260, left=34, right=6, top=26, bottom=42, font=12, max_bar=28, titles=False)


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` ("YYYY-MM"), inclusive."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def nice_scale(peak: int) -> tuple[int, int]:
    """(top of the y axis, step between grid lines): 1, 2 or 5 × 10^k, three to five steps."""
    peak = max(peak, 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if -(-peak // step) <= 5:
                return -(-peak // step) * step, step
        magnitude *= 10


def _step(band: float, min_gap: float, steps: Sequence[int]) -> int | None:
    return next((s for s in steps if band * s >= min_gap), None)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _year_label(i: int, month: int, year: int, band: float, every: int, font: int) -> bool:
    """Label each January (every `every` years) and the first month, if its label fits before the next."""
    if i == 0:
        return month == 1 or (13 - month) * band >= font * 4
    return month == 1 and year % every == 0


def colours_for(series: Sequence[str], fixed: Mapping[str, str] | None = None) -> dict[str, str]:
    """A colour per series: fixed ones first, then the palette in order."""
    fixed = fixed or {}
    spare = [c for c in PALETTE if c not in fixed.values()]
    out = {}
    for name in series:
        out[name] = fixed.get(name) or (spare.pop(0) if spare else OTHER_COLOUR)
    return out


def stacked_month_chart(counts: Mapping[str, Mapping[str, int]], series: Sequence[str],
                        colours: Mapping[str, str], label: str, layout: Layout = WIDE) -> str:
    """`counts[month][series]` → an SVG string (empty string when there is nothing to draw).

    `series` gives the stacking order (bottom first). Each series is ONE path
    (its segments in every month) and each month one transparent hover box
    with the numbers, so ten years of months stay a few tens of KB.
    """
    months = sorted(m for m, per in counts.items() if sum(per.values()))
    if not months:
        return ""
    axis = month_range(months[0], months[-1])
    totals = {m: sum(counts.get(m, {}).values()) for m in axis}
    top, step = nice_scale(max(totals.values()))
    lay = layout
    plot_w = lay.width - lay.left - lay.right
    plot_h = lay.height - lay.top - lay.bottom
    band = min(plot_w / len(axis), lay.max_bar * 1.6)
    x0 = lay.left + (plot_w - band * len(axis)) / 2  # few months: the bars sit in the middle
    bar = max(1.0, min(lay.max_bar, band * 0.72))
    base = lay.top + plot_h

    def y(value: float) -> float:
        return base - plot_h * value / top

    total = sum(totals.values())
    out = [
        f'<svg class="qz-chart__svg" viewBox="0 0 {lay.width} {lay.height}" width="100%" role="img" '
        f'aria-label="{html.escape(label)}" data-total="{total}" data-months="{len(axis)}" '
        f'font-size="{lay.font}" xmlns="http://www.w3.org/2000/svg">',
    ]
    # grid lines and y labels; the unit above the axis
    for value in range(0, top + 1, step):
        out.append(f'<line class="qz-chart__grid" x1="{lay.left}" x2="{lay.width - lay.right}" '
                   f'y1="{_fmt(y(value))}" y2="{_fmt(y(value))}" stroke="#8888" />')
        out.append(f'<text x="{lay.left - 6}" y="{_fmt(y(value) + lay.font * 0.35)}" text-anchor="end" fill="#777">{value}</text>')
    out.append(f'<text x="{lay.left - 6}" y="{lay.top - 12}" text-anchor="end" fill="#777">篇</text>')

    month_every = _step(band, lay.font * 2.6, (1, 2, 3, 6))
    year_every = _step(band * 12, lay.font * 4, (1, 2, 5, 10, 20, 50)) or 100
    month_row, year_row = base + lay.font * 1.5, base + lay.font * 3
    paths: dict[str, list[str]] = {name: [] for name in series}
    above, hover = [], []
    for i, month in enumerate(axis):
        centre = x0 + band * (i + 0.5)
        yy, mm = int(month[:4]), int(month[5:])
        if mm == 1 and i:  # a faint line where a new year starts
            edge = _fmt(x0 + band * i)
            out.append(f'<line class="qz-chart__year" x1="{edge}" x2="{edge}" y1="{lay.top}" y2="{base + 4}" stroke="#8886" />')
        if month_every and (mm - 1) % month_every == 0:
            out.append(f'<text x="{_fmt(centre)}" y="{_fmt(month_row)}" text-anchor="middle" fill="#777">{mm}月</text>')
        if _year_label(i, mm, yy, band, year_every, lay.font):
            row, anchor, at = (year_row, "middle", centre) if month_every else (month_row, "start", x0 + band * i)
            out.append(f'<text class="qz-chart__year-label" x="{_fmt(at)}" y="{_fmt(row)}" '
                       f'text-anchor="{anchor}" fill="#777">{yy}年</text>')
        if not totals[month]:
            continue
        per = counts.get(month, {})
        parts = [(name, per[name]) for name in series if per.get(name)]
        left, level = _fmt(centre - bar / 2), 0
        for name, n in parts:
            paths[name].append(f"M{left} {_fmt(y(level))}V{_fmt(y(level + n))}h{_fmt(bar)}V{_fmt(y(level))}z")
            level += n
        if band >= lay.font * 2.2:  # room to print the month's total above its bar
            above.append(f'<text class="qz-chart__total" x="{_fmt(centre)}" y="{_fmt(y(level) - 4)}" '
                         f'text-anchor="middle" fill="#777">{totals[month]}</text>')
        if not lay.titles:
            continue
        split = "，".join(f"{html.escape(name)} {n}" for name, n in parts)
        title = f"<title>{yy}年{mm}月：{totals[month]}篇（{split}）</title>"
        hover.append(f'<rect class="qz-chart__month" x="{_fmt(x0 + band * i)}" y="{lay.top}" width="{_fmt(band)}" '
                     f'height="{plot_h}" fill="transparent" data-month="{month}" data-count="{totals[month]}">{title}</rect>')
    for name in series:
        if paths[name]:
            count = sum(counts.get(m, {}).get(name, 0) for m in axis)
            out.append(f'<path class="qz-chart__series" fill="{colours[name]}" data-series="{html.escape(name)}" '
                       f'data-count="{count}" d="{"".join(paths[name])}" />')
    out += above
    out.append(f'<line class="qz-chart__axis" x1="{lay.left}" x2="{lay.width - lay.right}" y1="{base}" y2="{base}" stroke="#888" />')
    out += hover
    out.append("</svg>")
    return "".join(out)


def month_table(counts: Mapping[str, Mapping[str, int]], series: Sequence[str], caption: str) -> str:
    """The chart's numbers as an HTML table, for readers who cannot see or hover the bars:
    a row per month from the first to the last month with articles (empty months say 0), its
    total, then a column per series that has articles; a last row of totals. Empty string when there is nothing."""
    months = sorted(m for m, per in counts.items() if sum(per.values()))
    if not months:
        return ""
    shown = [name for name in series if any(counts.get(m, {}).get(name) for m in months)]
    # the total next to the month: on a phone the district columns scroll, the total stays in view
    head = ('<tr><th scope="col">月份</th><th scope="col">合计</th>'
            + "".join(f'<th scope="col">{html.escape(n)}</th>' for n in shown) + "</tr>")
    rows = []
    for month in month_range(months[0], months[-1]):
        per = counts.get(month, {})
        cells = "".join(f"<td>{per.get(name) or ''}</td>" for name in shown)
        rows.append(f'<tr data-month="{month}"><th scope="row">{int(month[:4])}年{int(month[5:])}月</th>'
                    f'<td class="qz-chart__month-total" data-count="{sum(per.values())}">{sum(per.values())}</td>{cells}</tr>')
    totals = "".join(f"<td>{sum(counts.get(m, {}).get(name, 0) for m in months)}</td>" for name in shown)
    grand = sum(sum(counts[m].values()) for m in months)
    foot = f'<tr><th scope="row">合计</th><td class="qz-chart__month-total" data-count="{grand}">{grand}</td>{totals}</tr>'
    return (f'<table class="qz-chart__table"><caption>{html.escape(caption)}</caption><thead>{head}</thead>'
            f"<tbody>{''.join(rows)}</tbody><tfoot>{foot}</tfoot></table>")


def legend(series: Sequence[str], colours: Mapping[str, str], totals: Mapping[str, int]) -> str:
    """The legend as an HTML list (it wraps on narrow screens, unlike SVG text)."""
    items = "".join(
        f'<li><span class="qz-legend__swatch" style="background:{colours[name]}"></span>'
        f'{html.escape(name)} <span class="qz-legend__count">{totals.get(name, 0)}</span></li>'
        for name in series if totals.get(name)
    )
    return f'<ul class="qz-legend">{items}</ul>'
