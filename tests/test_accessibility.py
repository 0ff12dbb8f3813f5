"""Accessibility in the browser: axe-core (WCAG 2.2 AA rules) on every page type, light and dark,
at 1280 and 390 px; keyboard focus visible; the skip link; the chart's figures as text.

axe-core comes from npm (package.json, installed by setup.sh into node_modules/); it is injected
into each page, never copied into the repository.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

PROJECT = Path(__file__).resolve().parent.parent
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

ARTICLE_WITH_HEADS = "articles/2023/2023-02-qujiang-ef8c667e.html"  # section heads and captions
COMMENTARY = "articles/2022/2022-07-19-qujiang-c8f3fc05.html"  # 评论
QUERY = "营商环境"

# name → address under the served site; one of every page type
PAGES = {
    "home": "index.html",
    "article (heads, captions)": ARTICLE_WITH_HEADS,
    "article (评论)": COMMENTARY,
    "districts": "districts/index.html",
    "district": "districts/衢江区.html",
    "themes": "themes/index.html",
    "theme": "themes/营商环境.html",
    "authors": "authors/index.html",
    "author": "authors/胡巩固.html",
    "dates": "dates/index.html",
    "year": "dates/2023.html",
    "month": "dates/2022/07.html",
    "search (empty)": "search.html",
    "search (results)": "search.html?q=" + quote(QUERY),
    "search (no results)": "search.html?q=" + quote("没有这样的文章"),
    "search (filtered)": "search.html?q=" + quote(QUERY) + "&" + quote("区县") + "=" + quote("衢江区"),
    "search (date range)": "search.html?q=" + quote(QUERY) + "&from=2023&to=2023-06",
    "papers": "papers/index.html",
    "paper": "papers/今日衢江.html",
    "issue": "papers/今日衢江/2022-07-19.html",
    "about": "about.html",
}
SCHEMES = {"light": "default", "dark": "slate"}
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def axe_script() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run ./setup.sh (it runs `npm ci` for the browser tests' packages)")
    return AXE.read_text("utf-8")


def open_page(page, url: str) -> None:
    page.goto(url)
    if "search.html" in url:
        # the status says what was found (or asks for a query) once the results are on screen,
        # and the filter counts are final once the facets are in
        page.locator(".qz-search__status", has_text=re.compile("找到|输入字词")).wait_for()
        page.locator('.qz-search__filters[data-counts="complete"]').wait_for(state="attached")
    page.wait_for_load_state("load")


def run_axe(page, axe_script: str) -> list[dict]:
    page.add_script_tag(content=axe_script)
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
              .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                                           summary: (n.failureSummary || '').split('\\n').slice(0, 3).join(' ')}))})))""",
        TAGS)


def describe(found: dict[str, list[dict]]) -> str:
    counts = Counter()
    lines = []
    for name, violations in found.items():
        for v in violations:
            counts[v["id"]] += len(v["nodes"])
            lines.append(f"  {name}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
            for node in v["nodes"][:4]:
                lines.append(f"      {node['target']}: {node['summary'][:300]}")
    head = "by rule (nodes): " + ", ".join(f"{rule} {n}" for rule, n in counts.most_common())
    return head + "\n" + "\n".join(lines)


@pytest.fixture(params=[(s, w) for s in SCHEMES for w in WIDTHS], ids=lambda p: f"{p[0]}-{p[1]}px")
def view(request, browser):
    scheme, width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme="dark" if scheme == "dark" else "light")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield scheme, width, page
    context.close()


def test_axe_finds_no_serious_or_critical_violation(served, view, axe_script):
    scheme, width, page = view
    found = {}
    for name, path in PAGES.items():
        open_page(page, served + path)
        assert page.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[scheme], name
        bad = [v for v in run_axe(page, axe_script) if v["impact"] in ("serious", "critical")]
        if bad:
            found[name] = bad
    assert not found, f"axe, {scheme} palette at {width} px:\n{describe(found)}"


# The 404 page, built without SITE_URL (as `served` is): overrides/404.html, its links relative
# to the site folder.
def test_axe_on_the_404_page(served, view, axe_script):
    scheme, width, page = view
    open_page(page, served + "404.html")
    assert page.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[scheme]
    bad = [v for v in run_axe(page, axe_script) if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe, {scheme} palette at {width} px:\n{describe({'404': bad})}"


# --- keyboard focus ------------------------------------------------------------------------------

# What has focus, and how its ring looks against what is behind it. Material hides the palette
# radios: the ring is on the toggle that shows. Backgrounds with alpha are laid over the ones below.
FOCUSED = """() => {
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  if (el.classList.contains('md-option')) el = el.parentElement.querySelector('label:not([hidden])') || el;
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const behind = start => {
    const layers = [];
    for (let e = start; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse()) out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
    return out;
  };
  let opacity = 1, visible = true;
  for (let e = el; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    opacity *= Number(s.opacity);
    if (s.visibility === 'hidden' || s.display === 'none') visible = false;
  }
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', cls: String(el.className || ''), text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30),
    width: r.width, height: r.height, opacity, visible, onscreen: r.right > 0 && r.left < innerWidth,
    outline: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0, outlineStyle: s.outlineStyle, outlineColor: parse(s.outlineColor),
    offset: parseFloat(s.outlineOffset) || 0, shadow: s.boxShadow,
    behind: behind(parseFloat(s.outlineOffset) > 0 ? el.parentElement : el),
  };
}"""


def luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def tab_through(page, limit: int = 150) -> list[dict]:
    """Every stop of the Tab key from the top of the page, until focus leaves the page."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


def focus_problems(stops: list[dict]) -> list[str]:
    bad = []
    for s in stops:
        name = f"<{s['tag']} class='{s['cls'][:40]}'> {s['text']!r}"
        if not s["visible"] or s["opacity"] < 0.5 or s["width"] < 1 or s["height"] < 1 or not s["onscreen"]:
            bad.append(f"{name}: focused but not visible (opacity {s['opacity']}, {s['width']}×{s['height']}, "
                       f"on screen: {s['onscreen']})")
        elif s["outline"] < 2 and s["shadow"] == "none":
            bad.append(f"{name}: no focus ring of 2px (outline {s['outline']}px {s['outlineStyle']}, box-shadow none)")
        elif s["outline"] >= 2 and s["outlineColor"][3] > 0 and contrast(s["outlineColor"], s["behind"]) < 3:
            bad.append(f"{name}: focus ring {contrast(s['outlineColor'], s['behind']):.2f}:1 against {s['behind']}")
    return bad


@pytest.mark.parametrize("scheme, width", [("light", 1280), ("dark", 1280), ("light", 390)])
def test_focus_is_visible_at_every_tab_stop(served, browser, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        seen = set()
        for path in ("index.html", ARTICLE_WITH_HEADS, "districts/衢江区.html", PAGES["search (filtered)"]):
            open_page(page, served + path)
            if "search" in path:
                page.locator(".qz-result").first.wait_for()
            stops = tab_through(page)
            assert len(stops) > 10, (path, stops)
            assert not focus_problems(stops), f"{scheme}, {path}:\n" + "\n".join(focus_problems(stops))
            seen |= {(s["tag"], s["type"] if s["tag"] == "input" else s["cls"].replace("focus-visible", "").strip().split(" ")[0])
                     for s in stops}
        # the controls the issue named: search inputs, filter check boxes, links, buttons, the skip link
        for kind in [("input", "search"), ("input", "checkbox"), ("a", "md-skip"), ("button", "md-button"), ("a", "")]:
            assert kind in seen, (kind, sorted(seen))
        assert not any(cls.startswith("md-top") for _, cls in seen)
        if width < 1220:  # the drawer's menu button, and none of the closed drawer's links
            assert ("label", "md-header__button") in seen and ("a", "md-nav__link") not in seen
    finally:
        context.close()


def test_navigation_drawer_opens_and_closes_by_keyboard(served, browser):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        open_page(page, served + "index.html")
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")
        menu = page.locator('.md-header label[for="__drawer"]')
        assert menu.evaluate("e => e === document.activeElement")
        assert menu.get_attribute("aria-expanded") == "false"
        page.keyboard.press("Enter")
        assert menu.get_attribute("aria-expanded") == "true"
        focused = page.locator(".md-sidebar--primary a.md-nav__link:focus, .md-sidebar--primary a:focus")
        focused.first.wait_for()
        page.wait_for_timeout(300)  # slid in
        box = focused.first.bounding_box()
        assert box["x"] >= 0 and box["width"] > 0
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
        page.keyboard.press("Escape")
        assert menu.evaluate("e => e === document.activeElement") and menu.get_attribute("aria-expanded") == "false"
        assert not page.locator("#__drawer").is_checked()
    finally:
        context.close()


def test_back_to_top_takes_focus_only_when_shown(served, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 700})
    page = context.new_page()
    try:
        open_page(page, served + ARTICLE_WITH_HEADS)
        top = page.locator(".md-top")
        # scrolled down and back up a little: Material shows the button; at the top it hides it
        page.mouse.wheel(0, 2500)
        page.wait_for_timeout(300)
        page.mouse.wheel(0, -600)
        page.locator(".md-top:not([hidden])").wait_for()
        assert top.is_visible()
        page.evaluate("window.scrollTo(0, 0)")
        page.locator(".md-top[hidden]").wait_for(state="attached")
        assert page.evaluate("getComputedStyle(document.querySelector('.md-top')).visibility") == "hidden"
        assert not any("md-top" in s["cls"] for s in tab_through(page))
    finally:
        context.close()


# --- the skip link -------------------------------------------------------------------------------


def site_pages(built: Path) -> list[Path]:
    site = built / "site"
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts and p.name != "404.html")


def test_every_page_has_one_skip_link_to_its_title(built):
    for path in site_pages(built):
        text = path.read_text("utf-8")
        # Material's own (on pages with a table of contents) is in its skip component, hidden by access.css
        ours = re.sub(r'<div data-md-component="skip">.*?</div>', "", text, count=1, flags=re.S)
        skips = re.findall(r'<a href="#([^"]+)" class="md-skip">', ours)
        assert len(skips) == 1 and len(re.findall(r'class="md-skip"', ours)) == 1, path
        target = skips[0]
        if 'class="qz-article"' in text:  # an article: its masthead, then its title
            assert f'<article class="qz-article" id="{target}">' in text, path
        else:  # every other page: its title, the page's one <h1>
            assert re.search(rf'<h1 id="{re.escape(target)}"', text), (path, target)


@pytest.mark.parametrize("name", ["home", "article (heads, captions)", "article (评论)", "year", "search (results)"])
def test_skip_link_is_the_first_tab_stop_and_skips_the_header(served, page, name):
    open_page(page, served + PAGES[name])
    page.keyboard.press("Tab")
    skip = page.locator("a.md-skip:focus")
    assert skip.count() == 1 and skip.inner_text().strip() == "跳转至"
    page.wait_for_timeout(400)  # Material fades it in
    assert skip.is_visible() and float(skip.evaluate("e => getComputedStyle(e).opacity")) == 1
    target = skip.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_timeout(100)
    # the next Tab stop is inside the content (or after it): the header, tabs and palette are skipped
    page.keyboard.press("Tab")
    where = page.evaluate("""(id) => {
        const target = document.getElementById(id), el = document.activeElement;
        return {after: !!(target.compareDocumentPosition(el) & (Node.DOCUMENT_POSITION_FOLLOWING | Node.DOCUMENT_POSITION_CONTAINED_BY)),
                inHeader: !!el.closest('.md-header, .md-tabs'),
                title: (target.matches('h1') ? target : target.querySelector('h1')).innerText}
    }""", target[1:])
    assert where["after"] and not where["inHeader"], where
    assert where["title"] == page.locator("h1").first.inner_text()


# --- the home chart's figures as text -----------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_home_chart_figures_are_in_a_table_too(served, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_page(page, served + "index.html")
        caption = page.locator(".qz-chart figcaption").inner_text()
        assert not re.search("鼠标|悬停|停在|hover", caption), caption
        assert "表格" in caption
        svg = page.locator(".qz-chart__wide svg")
        bars = {svg.locator(".qz-chart__month").nth(i).get_attribute("data-month"):
                int(svg.locator(".qz-chart__month").nth(i).get_attribute("data-count"))
                for i in range(svg.locator(".qz-chart__month").count())}
        # the drawing shown (wide or narrow) is an image whose name points to the table
        shown = page.locator(".qz-chart svg:visible")
        assert shown.count() == 1 and "表格" in shown.get_attribute("aria-label")
        summary = page.locator("details.qz-chart__data > summary")
        summary.focus()
        page.keyboard.press("Enter")  # opens by keyboard
        table = page.locator("table.qz-chart__table")
        table.wait_for()
        rows = table.locator("tbody tr")
        months = {rows.nth(i).get_attribute("data-month"): int(rows.nth(i).locator("td").first.inner_text())
                  for i in range(rows.count())}
        assert {m: n for m, n in months.items() if n} == bars
        total = table.locator("tfoot td").first
        assert int(total.inner_text()) == int(svg.get_attribute("data-total"))
        assert total.is_visible() and total.bounding_box()["x"] + total.bounding_box()["width"] <= width  # in view
        # the page does not scroll sideways on a phone: the table scrolls in its own box
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


# --- rough edges ---------------------------------------------------------------------------------


def test_footer_is_chinese_and_the_home_title_is_the_site_name(built):
    for path in site_pages(built):
        text = path.read_text("utf-8")
        assert "Made with" not in text and "Material for MkDocs" not in text, path
        assert "关于本档案" in text.split('class="md-copyright"', 1)[1][:400], path
    home = (built / "site" / "index.html").read_text("utf-8")
    assert re.search(r"<title>\s*衢州新闻档案\s*</title>", home)


def test_phone_header_shows_the_whole_site_name_and_home_buttons_keep_a_gap(served, browser):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        open_page(page, served + "index.html")
        name = page.locator(".md-header__topic:first-child .md-ellipsis")
        assert name.inner_text().strip() == "衢州新闻档案"
        assert name.evaluate("e => e.scrollWidth <= e.clientWidth"), "the site name is cut in the phone header"
        boxes = [page.locator(".qz-buttons .md-button").nth(i).bounding_box()
                 for i in range(page.locator(".qz-buttons .md-button").count())]
        rows = sorted({round(b["y"]) for b in boxes})
        assert len(rows) > 1  # they wrap on a phone …
        for upper, lower in zip(rows, rows[1:]):  # … with a gap between the rows
            bottom = max(b["y"] + b["height"] for b in boxes if round(b["y"]) == upper)
            assert lower - bottom >= 6, (upper, lower, bottom)
    finally:
        context.close()


def test_article_pages_name_the_source_file_only_in_the_correction_box(served, built, page):
    import yaml
    for path in sorted((built / "docs" / "articles").rglob("*.md"))[:6]:
        meta = yaml.safe_load(path.read_text("utf-8").split("---\n", 2)[1])
        url = path.relative_to(built / "docs").with_suffix(".html").as_posix()
        page.goto(served + url)
        outside = page.evaluate("""() => { const c = document.querySelector('.md-content').cloneNode(true);
            c.querySelectorAll('.qz-report').forEach(e => e.remove()); return c.innerText; }""")
        assert meta["source"] not in outside and "sources.yml" not in outside and "第 " + str(meta["source_line"]) + " 行" not in outside
        assert meta["source"] in page.locator(".qz-report").text_content(), url  # the correction box keeps it


def test_district_pages_do_not_repeat_their_district(built):
    for path in sorted((built / "site" / "districts").glob("*.html")):
        if path.name == "index.html":
            continue
        text = path.read_text("utf-8")
        district = re.search(r"<h1[^>]*>([^<]+)</h1>", text).group(1)
        wheres = re.findall(r'<span class="qz-where">([^<]*)</span>', text)
        assert all(district not in w for w in wheres), (path.name, wheres)
        for w in wheres:
            assert w.startswith("也涉及"), w


@pytest.mark.parametrize("scheme, name", [("light", "切换到深色模式"), ("dark", "切换到浅色模式")])
def test_palette_toggle_says_what_it_does_in_either_palette(served, browser, scheme, name):
    """Material checks no palette radio when the palette follows the system: Tab landed on the
    light one, named 切换到深色模式, on the dark page too."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        open_page(page, served + "index.html")
        for _ in range(5):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('md-option')"):
                break
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == name
        page.keyboard.press("ArrowDown")  # the other radio: the other palette
        other = "default" if scheme == "dark" else "slate"
        page.locator(f'body[data-md-color-scheme="{other}"]').wait_for(state="attached")
    finally:
        context.close()
