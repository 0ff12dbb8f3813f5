"""The curator's corrections.yml: each kind of correction, each error (naming the
file and the line), nothing lost by a split or merge, and a real build whose
article page and index pages follow the corrections."""
from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from build_archive import cli, pipeline
from build_archive.extract import corpus, corrections
from build_archive.site import render
from build_archive.extract.corrections import apply_corrections, parse_corrections
from build_archive.models import Article, Issue
from build_archive.extract.segment import conservation
from build_archive import addresses
from build_archive.extract import keywords
from build_archive import models
from build_archive.extract.page import classified, district_names, extract_page

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "corpus"


def article(title, body, line, ordinal, **facts) -> Article:
    base = dict(source="p.txt", date="2022-08", date_precision="month", districts=("柯城区",),
                themes=("工业经济",), headline_lines=(line,))
    return Article(line=line, ordinal=ordinal, title=title, body=body, **{**base, **facts})


PAGE = [
    article("柯城召开工业大会", "本报讯 柯城区召开工业大会。\n\n会议部署了全年工作。", 3, 1, authors=("郑晨",)),
    article("江山推进项目建设", "近日,江山市推进项目建设。\n\n## 项目进展\n\n项目进展顺利。另据报道,常山县召开乡村振兴会议。",
            9, 2, districts=("江山市",), authors=("朱永春",)),
    article("江山推进乡村振兴", "江山市乡村振兴。", 15, 3, districts=("江山市",), themes=("乡村振兴与农业",)),
]


def parse(yml: str):
    return parse_corrections(textwrap.dedent(yml).lstrip("\n"))


def apply(yml: str, page=PAGE, **options):
    entries, issues = parse(yml)
    assert issues == []
    return apply_corrections(list(page), entries, **options)


def only_issue(issues: list[Issue], line: int, *words: str, kind: str = "bad-correction") -> str:
    """The one issue: it names corrections.yml and the line, and says what is wrong."""
    assert len(issues) == 1, [str(i) for i in issues]
    text = str(issues[0])
    assert text.startswith(f"corrections.yml:{line}: [{kind}] "), text
    for word in words:
        assert word in text, text
    return text


def by_title(articles, start) -> Article:
    [found] = [a for a in articles if a.title.startswith(start)]
    return found


# --- set ------------------------------------------------------------------------------------


def test_set_every_field_and_record_what_extraction_found():
    fixed, issues = apply("""
        - source: p.txt
          article: 柯城召开
          set:
            title: 柯城区召开全区工业大会
            subtitle: 部署全年工作
            date: 2022-08-03
            districts: [柯城, 衢州市]
            themes: [营商环境, 工业经济]
            authors: 郑晨 周云奇
            type: 评论
    """)
    assert issues == []
    first = fixed[0]
    assert (first.title, first.subtitle, first.type) == ("柯城区召开全区工业大会", "部署全年工作", "评论")
    assert (first.date, first.date_precision) == ("2022-08-03", "day")  # a string, not a YAML date
    assert first.districts == ("柯城区", "衢州市")  # alias → canonical name
    assert first.themes == ("营商环境", "工业经济")
    assert first.authors == ("郑晨", "周云奇")
    assert first.extra["corrected"] == {
        "title": "柯城召开工业大会", "subtitle": None, "date": "2022-08", "districts": ["柯城区"],
        "themes": ["工业经济"], "authors": ["郑晨"], "type": "新闻",
    }
    assert fixed[1:] == PAGE[1:]  # the other articles are untouched


@pytest.mark.parametrize("value, expected", [
    ("2022", ("2022", "year")), ("2022-08", ("2022-08", "month")), ("2022-8-3", ("2022-08-03", "day")),
    ("'2022-08-03'", ("2022-08-03", "day")), ("null", (None, None)),
])
def test_date_shapes_set_the_precision(value, expected):
    fixed, _ = apply(f"- {{source: p.txt, article: 柯城, set: {{date: {value}}}}}")
    assert (fixed[0].date, fixed[0].date_precision) == expected


def test_a_text_field_keeps_the_text_as_written():
    fixed, _ = apply("- {source: p.txt, article: 柯城, set: {title: 2022, subtitle: no}}")
    assert (fixed[0].title, fixed[0].subtitle) == ("2022", "no")  # not 2022 (int) and False


def test_a_corrected_article_keeps_its_address():
    fixed, _ = apply("- {source: p.txt, article: 柯城, set: {title: 新标题, date: 2021-01-02, districts: [龙游县]}}")
    assert addresses.article_slug(fixed[0]) != addresses.article_slug(PAGE[0])  # what it would be, from the new facts
    assert fixed[0].extra["slug"] == addresses.article_slug(PAGE[0])
    assert render.front_matter(fixed[0])["id"] == addresses.article_id(PAGE[0])
    report = models.Report()
    assert [a.slug for a in addresses.assign_slugs(fixed, report)][0] == addresses.article_slug(PAGE[0])


def test_front_matter_shows_the_correction_only_where_there_is_one():
    fixed, _ = apply("- {source: p.txt, article: 柯城, set: {themes: [营商环境]}}")
    front = yaml.safe_load(render.article_markdown(fixed[0]).split("---\n")[1])
    assert front["corrected"] == {"themes": ["工业经济"]} and front["themes"] == ["营商环境"]
    assert "corrected" not in render.front_matter(fixed[1])


def test_key_ignores_white_space_width_and_case():
    page = [replace(PAGE[0], title="柯城:召开 ABC 大会")] + PAGE[1:]
    fixed, issues = apply("- {source: p.txt, article: 柯 城：召开ａｂｃ, set: {type: 评论}}", page)
    assert issues == [] and fixed[0].type == "评论"


def test_key_may_be_the_start_of_the_body():
    fixed, issues = apply("- {source: p.txt, article: 近日，江山市推进, set: {type: 评论}}")
    assert issues == [] and fixed[1].type == "评论"


def test_a_whole_title_wins_over_a_longer_title_it_starts():
    page = PAGE + [article("江山推进项目建设二期", "二期。", 20, 4)]
    fixed, issues = apply("- {source: p.txt, article: 江山推进项目建设, set: {type: 评论}}", page)
    assert issues == [] and [a.type for a in fixed] == ["新闻", "评论", "新闻", "新闻"]


def test_sets_find_articles_by_their_extracted_title():
    fixed, issues = apply("""
        - {source: p.txt, article: 柯城召开, set: {title: 新标题}}
        - {source: p.txt, article: 柯城召开, set: {type: 评论}}
    """)
    assert issues == [] and (fixed[0].title, fixed[0].type) == ("新标题", "评论")


def test_a_value_already_extracted_is_reported_as_redundant():
    fixed, issues = apply("- {source: p.txt, article: 柯城, set: {themes: [工业经济]}}")
    only_issue(issues, 1, "themes is already", "can go", kind="redundant-correction")
    assert fixed == PAGE and "corrected" not in fixed[0].extra


def test_a_field_set_twice_warns_and_the_later_wins():
    fixed, issues = apply("""
        - {source: p.txt, article: 柯城, set: {type: 评论}}
        - {source: p.txt, article: 柯城, set: {type: 通讯}}
    """)
    only_issue(issues, 2, "type is also set on line 1")
    assert fixed[0].type == "通讯" and fixed[0].extra["corrected"] == {"type": "新闻"}


def test_keywords_follow_the_corrected_text():
    entries, _ = parse("- {source: p.txt, article: 柯城, set: {title: 柯城发展跨境电商}}")
    terms = [keywords.article_terms(a) for a in PAGE]
    report = models.Report()
    pages = [corpus.PageFile(Path("p.txt"), "p.txt", "", {})]
    fixed, new_terms = corrections.corrected(pages, PAGE, terms, entries, report, classified)
    assert fixed[0].title == "柯城发展跨境电商" and report.issues == []
    assert "跨境电商" in new_terms[0].tokens() and "跨境电商" not in terms[0].tokens()
    assert new_terms[1:] == terms[1:]


def test_settled_warnings_leave_the_report():
    fixed, _ = apply("- {source: p.txt, article: 江山推进乡村, set: {date: 2022-08-01}}")
    report = [Issue("no-date", "p.txt", 15, "no date found"), Issue("no-date", "p.txt", 3, "no date found"),
              Issue("no-theme", "p.txt", 15, "only 其他")]
    assert corrections.settled(report, fixed) == report[1:]


# --- merge and split ----------------------------------------------------------------------


def test_merge_joins_in_page_order_into_the_first():
    fixed, issues = apply("- {source: p.txt, merge: [江山推进乡村, 柯城召开]}", reclassify=lambda a: replace(a, themes=("其他",)))
    assert issues == []
    assert [(a.title, a.ordinal) for a in fixed] == [("柯城召开工业大会", 1), ("江山推进项目建设", 2)]
    merged = fixed[0]
    assert merged.body == PAGE[0].body + "\n\n## 江山推进乡村振兴\n\n" + PAGE[2].body  # its printed headline: a section head
    assert merged.authors == ("郑晨",) and merged.themes == ("其他",)  # reclassified: the text changed
    assert merged.extra["corrected"] == {"merged": ["江山推进乡村振兴"]}
    assert merged.extra["slug"] == addresses.article_slug(PAGE[0])


def test_split_at_a_section_head_makes_it_the_new_title():
    text = "\n".join(["x"] * 12) + "\n## 项目进展\n"  # the head is on line 13 of the page
    fixed, issues = apply("- {source: p.txt, article: 江山推进项目, split: {at: 项目进展}}", texts={"p.txt": text})
    assert issues == []
    assert [(a.title, a.ordinal) for a in fixed] == [
        ("柯城召开工业大会", 1), ("江山推进项目建设", 2), ("项目进展", 3), ("江山推进乡村振兴", 4)]
    head, tail = fixed[1], fixed[2]
    assert head.body == "近日,江山市推进项目建设。"
    assert tail.body == "项目进展顺利。另据报道,常山县召开乡村振兴会议。"
    assert (tail.line, tail.headline_lines, tail.authors) == (13, (13,), ())
    assert head.extra["corrected"] == {"split": ["项目进展"]}
    assert tail.extra["corrected"] == {"split_from": "江山推进项目建设"} and "slug" not in tail.extra


def test_split_mid_paragraph_with_a_title_and_a_set_on_the_new_article():
    fixed, issues = apply("""
        - source: p.txt
          article: 江山推进项目
          split: {at: 另据报道, title: 常山召开乡村振兴会议}
        - source: p.txt
          article: 常山召开乡村振兴会议
          set: {districts: [常山县]}
    """)
    assert issues == []
    tail = by_title(fixed, "常山")
    assert tail.body == "另据报道,常山县召开乡村振兴会议。" and tail.districts == ("常山县",)
    assert by_title(fixed, "江山推进项目").body.endswith("项目进展顺利。")


def test_split_without_title_takes_the_first_sentence():
    fixed, _ = apply("- {source: p.txt, article: 柯城, split: {at: 会议部署}}")
    assert fixed[1].title == "会议部署了全年工作" and fixed[1].headline_lines == ()


def page_file(name: str) -> corpus.PageFile:
    return next(p for p in corpus.read_corpus(CORPUS)[0] if p.source == name)


@pytest.mark.parametrize("name, yml, count", [
    ("003_3ed9d74e6378c7df.txt", "split: {at: 起跑加速度}", 2),
    ("003_3ed9d74e6378c7df.txt", "split: {at: 2月18日大年初九, title: 新的一年}", 2),
    ("000_36bcb4add65058fe.txt", "merge: [衢州:工业强市, 开化:入企, 柯城:稳住]", 5),
])
def test_nothing_of_the_page_is_lost_by_a_split_or_merge(name, yml, count):
    page = page_file(name)
    found, seg, _ = extract_page(page, district_names())
    key = "" if "merge" in yml else "article: 衢州:在“勇当先行者, "
    fixed, issues = apply(f"- {{source: {name}, {key}{yml}}}", found, texts={name: page.text},
                          reclassify=classified)
    assert issues == [] and len(fixed) == count
    assert conservation(page.text, replace(seg, articles=tuple(fixed))) == {}
    assert [a.ordinal for a in fixed] == list(range(1, count + 1))


# --- errors: each names corrections.yml and the line -------------------------------------------


@pytest.mark.parametrize("yml, line, words", [
    ("- source: p.txt\n  set: [a\n", 3, ["not valid YAML", "no correction applied"]),
    ("source: p.txt\n", 1, ["expected a list of entries"]),
    ("- just text\n", 1, ["expected an entry with `source:`"]),
    ("- {article: 柯城, set: {type: 评论}}\n", 1, ["without `source:`"]),
    ("- {source: p.txt, article: 柯城}\n", 1, ["exactly one of `set:`, `split:`, `merge:`"]),
    ("- {source: p.txt, article: 柯城, set: {type: 评论}, merge: [a, b]}\n", 1, ["exactly one of", "`set:` and `merge:`"]),
    ("- source: p.txt\n  set: {type: 评论}\n", 1, ["`set:` needs `article:`"]),
    ("- source: p.txt\n  article: 柯城\n  set: {}\n", 3, ["set: expected fields to set"]),
    ("- source: p.txt\n  article: 柯城\n  set:\n    date: 2022-13-01\n", 4, ["'2022-13-01' is not a date", "YYYY-MM-DD"]),
    ("- source: p.txt\n  article: 柯城\n  set:\n    date: 八月\n", 4, ["is not a date"]),
    ("- source: p.txt\n  article: 柯城\n  set:\n    districts: [柯城区, 杭州]\n", 4,
     ["unknown district '杭州'", "衢州市、柯城区、衢江区、龙游县、江山市、常山县、开化县"]),
    ("- source: p.txt\n  article: 柯城\n  set:\n    districts: 华埠镇\n", 4, ["'华埠镇' is a place in 开化县: write 开化县"]),
    ("- source: p.txt\n  article: 柯城\n  set:\n    themes: [城市建设]\n", 4,
     ["unknown theme '城市建设'", "did you mean 城市建设与更新?", "themes.yml"]),
    ("- source: p.txt\n  article: 柯城\n  set:\n    themes: []\n", 4, ["at least one theme"]),
    ("- source: p.txt\n  article: 柯城\n  set:\n    title: [a, b]\n", 4, ["title: expected text"]),
    ("- source: p.txt\n  article: 柯城\n  split: {title: 新}\n", 3, ["split: needs `at:`"]),
    ("- source: p.txt\n  article: 柯城\n  split: {at: 会议, tiltle: 新}\n", 3, ["unknown key 'tiltle'"]),
    ("- source: p.txt\n  merge: [柯城]\n", 2, ["two or more"]),
    ("- source: p.txt\n  article: 柯城\n  merge: [柯城, 江山]\n", 2, ["remove `article:`"]),
    ("- source: p.txt\n  article: 柯城\n  article: 江山\n  set: {type: 评论}\n", 3, ["'article' given twice (first on line 2)"]),
])
def test_bad_entries_are_reported_with_their_line(yml, line, words):
    entries, issues = parse_corrections(yml)
    only_issue(issues, line, *words)
    assert all(entry.action != "set" or entry.values for entry in entries)


def test_an_unknown_field_is_reported_and_the_others_still_apply():
    entries, issues = parse("""
        - source: p.txt
          article: 柯城
          set:
            titel: 新标题
            type: 评论
    """)
    only_issue(issues, 4, "unknown key 'titel'", "known: title, subtitle, date")
    fixed, _ = apply_corrections(PAGE, entries)
    assert fixed[0].type == "评论" and fixed[0].title == PAGE[0].title


@pytest.mark.parametrize("yml, line, words", [
    ("- {source: q.txt, article: 柯城, set: {type: 评论}}", 1, ["source 'q.txt'", "did you mean p.txt?"]),
    ("- source: p.txt\n  article: 龙游\n  set: {type: 评论}", 2,
     ["no article starts with '龙游'", "柯城召开工业大会 | 江山推进项目建设 | 江山推进乡村振兴"]),
    ("- source: p.txt\n  article: 江山推进\n  set: {type: 评论}", 2, ["'江山推进' starts 2 articles", "page lines 9, 15"]),
    ("- source: p.txt\n  article: 江山推进项目\n  split:\n    at: 衢江", 4, ["split at '衢江'", "is not in its body"]),
    ("- source: p.txt\n  article: 江山推进项目\n  split:\n    at: 项目", 4, ["is 3 times in its body; write more"]),
    ("- source: p.txt\n  article: 江山推进项目\n  split:\n    at: 近日", 4, ["starts there, nothing would be left"]),
    ("- source: p.txt\n  merge:\n  - 柯城\n  - 柯城召开", 4, ["'柯城召开' names an article already in this merge"]),
    ("- source: p.txt\n  merge:\n  - 柯城\n  - 衢江", 4, ["no article starts with '衢江'"]),
])
def test_keys_that_do_not_pick_one_article_are_reported_with_their_line(yml, line, words):
    fixed, issues = apply(yml)
    only_issue(issues, line, *words)
    assert fixed == PAGE  # the entry is left out


def test_a_page_without_articles_and_the_other_entries_still_apply():
    fixed, issues = apply("""
        - {source: empty.txt, article: 柯城, set: {type: 评论}}
        - {source: p.txt, article: 柯城, set: {type: 评论}}
    """, sources=["p.txt", "empty.txt"])
    only_issue(issues, 1, "empty.txt: this page gave no article")
    assert fixed[0].type == "评论"


def test_a_missing_file_means_no_corrections_and_a_bad_encoding_is_reported(tmp_path):
    assert corrections.load_corrections(tmp_path / "corrections.yml") == ([], [])
    (tmp_path / "corrections.yml").write_bytes("# 更正\n- source: 衢州.txt".encode("gbk"))
    only_issue(corrections.load_corrections(tmp_path / "corrections.yml")[1], 1, "not UTF-8")


def test_the_corpus_reads_only_page_dumps():
    pages, _ = corpus.read_corpus(CORPUS)
    assert (CORPUS / "corrections.yml").is_file() and all(p.source.endswith(".txt") for p in pages)


def test_the_shipped_corrections_apply_without_a_warning():
    entries, issues = corrections.load_corrections(CORPUS / "corrections.yml")
    assert issues == [] and entries
    pages, _ = corpus.read_corpus(CORPUS)
    found = [a for p in pages for a in extract_page(p, district_names())[0]]
    fixed, issues = apply_corrections(found, entries, sources=[p.source for p in pages])
    assert issues == []
    assert by_title(fixed, "开化 打造").themes == ("城市建设与更新", "文化旅游")


def test_inspect_applies_the_corrections_beside_the_files(tmp_path, capsys):
    shutil.copy(CORPUS / "004_3f3caa643c8b9b4a.txt", tmp_path)
    (tmp_path / "corrections.yml").write_text(
        "- {source: 004_3f3caa643c8b9b4a.txt, article: 评论：现代服务业, set: {title: 加快发展现代服务业}}\n"
        "- {source: 001_19db697eee0491fa.txt, article: 开化, set: {type: 评论}}\n", "utf-8")  # not inspected: ignored
    assert cli.inspect([tmp_path / "004_3f3caa643c8b9b4a.txt"]) == 0
    out, err = capsys.readouterr()
    inspected = [json.loads(line) for line in out.splitlines()]
    comment = next(a for a in inspected if a["type"] == "评论")
    assert comment["title"] == "加快发展现代服务业"
    assert comment["corrected"] == {"title": "评论：现代服务业是衡量经济、社会现代化水平的重要标志"}
    assert "correction" not in err and "[no-headline]" not in err  # the curator gave the title


# --- a real build -------------------------------------------------------------------------------


def html_text(path: Path) -> str:
    return re.sub(r"<[^>]+>", "", path.read_text("utf-8"))


def test_the_sample_correction_is_in_the_default_build(built):
    site = built / "site"
    assert "开化 打造国家公园城市客厅" in html_text(site / "themes" / "城市建设与更新.html")
    assert not (site / "themes" / "生态环保.html").exists()  # it was the only article under 生态环保


CORRECTIONS = """\
- source: 001_19db697eee0491fa.txt
  article: 开化 打造国家公园城市客厅
  set:
    title: 开化召开城市发展暨生态工业大会
    date: 2024-03-01
    districts: [龙游县]
    themes: [党建与会议]
- source: 003_3ed9d74e6378c7df.txt
  article: 衢州:在“勇当先行者
  split: {at: 起跑加速度}
- source: 003_3ed9d74e6378c7df.txt
  article: 没有这篇文章
  set: {type: 评论}
"""


@pytest.fixture(scope="module")
def corrected_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("corrected")
    shutil.copytree(CORPUS, root / "corpus")
    (root / "corpus" / "corrections.yml").write_text(CORRECTIONS, "utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.build(root / "corpus", root / "site", root / "docs")
    return root, code, out.getvalue()


def test_build_reports_a_bad_entry_by_line_and_goes_on(corrected_build):
    _, code, out = corrected_build
    assert code == 0
    assert "corrections.yml:12: [bad-correction] 003_3ed9d74e6378c7df.txt: no article starts with '没有这篇文章'" in out
    assert "corrections: 3 article(s) corrected by" in out  # the retitled one, and both parts of the split


def test_a_corrected_article_page_and_its_index_pages_follow_the_correction(built, corrected_build):
    root, _, _ = corrected_build
    old_title, new_title = "开化 打造国家公园城市客厅 建设现代生态旅游名城", "开化召开城市发展暨生态工业大会"
    before, after = built / "site", root / "site"
    [page] = [p for p in before.glob("articles/2022/*kaihua*.html") if old_title in html_text(p)]
    moved = after / page.relative_to(before)  # the same address: a permalink survives the correction
    assert new_title in html_text(moved) and old_title not in html_text(moved)
    front = yaml.safe_load((root / "docs" / page.relative_to(before).with_suffix(".md")).read_text("utf-8").split("---\n")[1])
    assert front["corrected"]["title"] == old_title and front["date"] == "2024-03-01"

    def lists(site, index, title):  # a year's articles may be listed on its month pages
        paths = [site / index] + (sorted((site / index).with_suffix("").glob("*.html")) if "dates/" in index else [])
        return any(path.exists() and title in html_text(path) for path in paths)

    for index in ["themes/党建与会议.html", "districts/龙游县.html", "dates/2024.html"]:
        assert lists(after, index, new_title), index
        assert not lists(before, index, old_title), index
    assert lists(before, "index.html", old_title)  # the home page's latest articles
    assert lists(after, "index.html", new_title) and not lists(after, "index.html", old_title)
    for index in ["themes/城市建设与更新.html", "themes/文化旅游.html", "districts/开化县.html", "dates/2022.html"]:
        assert lists(before, index, old_title), index
        assert not lists(after, index, old_title) and not lists(after, index, new_title), index


def test_an_article_split_off_gets_its_own_page_and_index_entries(built, corrected_build):
    root, _, _ = corrected_build
    [new] = [p for p in (root / "site" / "articles" / "2024").glob("*.html") if "<h1" in p.read_text("utf-8")
             and re.search(r"<h1[^>]*>起跑加速度</h1>", p.read_text("utf-8"))]
    assert "2月18日大年初九" in html_text(new)
    assert any("起跑加速度" in html_text(p) for p in (root / "site" / "dates" / "2024").glob("*.html"))
    assert not re.search(r"<h1[^>]*>起跑加速度</h1>", "".join(
        p.read_text("utf-8") for p in (built / "site" / "articles" / "2024").glob("*.html")))
