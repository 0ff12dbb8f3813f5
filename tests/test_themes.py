"""Themes (classify), keywords (idf) and the word segmenter (build_archive.words)."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from build_archive.extract import themes, words

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FALLBACK = "其他"


def corpus_text(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def between(text: str, start: str, end: str | None = None) -> str:
    """The slice of `text` from `start` (included) to `end` (excluded) or the end."""
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start)) if end else len(text)]


# Sample stories cut out of the corpus by plain string search:
# name -> (file, title, subtitle, body start, body end)
STORIES = {
    "004 服务业大会": (
        "004",
        "全区服务业发展大会暨重大产业项目推进大会召开",
        "超600亿投资签约落地 衢江服务业大爆发",
        "本报讯（记者 刘威",
        "\n评论\n",
    ),
    "004 文明城市": (
        "004",
        "高标准引领 闭环化推进 文明城市翻篇归零再出发",
        "王慧杰在调研全国文明城市建设工作时强调",
        "本报讯（记者 洪纲 李钱乾）",
        "\n高标准引领",
    ),
    "004 人大询问": ("004", "区人大常委会召开审计查出问题整改专题询问会", None, "本报讯（记者 叶建康）", "衢江“双领导师”"),
    "000 常山": ("000", "常山:司法服务进园区 护商安商“一站式”", None, "“发现自己的专利", "## 开化"),
    "000 江山": ("000", "江山:“跨省通办”提质增效", None, "近期,江山市", "## 常山"),
    "000 衢江": ("000", "衢江:加快推进城市发展三年行动", None, "近日,在衢江区东迹大道", "## 龙游"),
    "001 龙游": ("001", "龙游 打好外贸转型升级牌", None, "近日,在浙江瀚运五金", "常山 “链式”"),
    "001 常山": ("001", "常山 “链式”招商激发产业强劲集聚力", None, "眼下,常山县", "开化 打造"),
    "001 柯城": ("001", "柯城 整治高耗低效企业 为发展“腾”空间", None, "近日,深圳洲驰", "江山 全过程"),
}


def story(name: str) -> tuple[str, str | None, str]:
    prefix, title, subtitle, start, end = STORIES[name]
    return title, subtitle, between(corpus_text(prefix), start, end)


# ------------------------------------------------------------------ words


@pytest.mark.parametrize(
    "text, whole_word",
    [
        ("持续优化营商环境", "营商环境"),
        ("1至3月规上工业总产值283.78亿元", "规上工业"),
        ("全市规上工业亩均增加值同比增长4.6%", "亩均增加值"),
        ("坚持把招商引资作为“一号工程”", "招商引资"),
        ("全面推行食品经营许可“跨省通办”办事场景", "跨省通办"),
        ("多式联运枢纽港平台", "多式联运"),
    ],
)
def test_user_dictionary_words_stay_whole(text, whole_word):
    assert whole_word in words.tokens(text)


@pytest.mark.parametrize(
    "text, word",
    [
        ("落实网格化管理", "网格化"),  # a word jieba knows is not cut by the keyword 网格
        ("食品经营商户", "经营"),  # the keyword 营商 does not steal from 经营
        ("春节假期文旅业迎来复苏", "文旅"),
        ("搭建“亲清茶叙”平台", "亲清"),
    ],
)
def test_user_words_do_not_break_their_neighbours(text, word):
    assert word in words.tokens(text)


def test_theme_keywords_are_user_words():
    assert themes.theme_keywords() <= words.user_words()


def test_extra_words_join_the_dictionary():
    words.setup(["廿里镇", " 樟潭街道 ", "x"])  # stripped; single characters ignored
    assert {"廿里镇", "樟潭街道"} <= words.user_words()
    assert "x" not in words.user_words()
    assert "廿里镇" in words.tokens("衢江区廿里镇工业功能区")
    assert "樟潭街道" in words.tokens("樟潭街道签订征迁工作任务")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2022年，我们在衢江区召开了会议。", ["衢江区", "召开", "会议"]),
        ("规上工业增加值增长12.8%，RCEP、G20和“五水共治”！", ["规上工业", "增加值", "RCEP", "G20", "五水共治"]),
        ("……5.1%（2022年—2024年）", []),
        ("", []),
    ],
)
def test_tokens_drop_punctuation_numbers_single_characters_and_stopwords(text, expected):
    assert words.tokens(text) == expected


def test_stopwords_file_is_clean():
    stop = words.stopwords()
    assert "我们" in stop and "本报讯" in stop
    assert not any(word.startswith("#") or not word for word in stop)


# ------------------------------------------------------------------ classify


@pytest.mark.parametrize(
    "title, body, subtitle, first",
    [
        ("持续优化营商环境", "打造营商环境最优县，政务服务增值化改革让企业办事更便捷。", None, "营商环境"),
        ("产业链招商成效明显", "通过招商引资，今年已签约项目46个，总投资约120亿元。", None, "招商引资与项目"),
        ("龙游外贸逆势增长", "上半年进出口总值30.3亿元，跨境电商出口增长四成。", None, "外贸与开放"),
        ("大会召开", "与会人员听取了汇报。", "22个重大项目集中签约 总投资601亿元", "招商引资与项目"),
        ("春天来了", "小朋友在公园里放风筝，笑声不断。", None, FALLBACK),
        ("", "", None, FALLBACK),
    ],
)
def test_classify_short_texts(title, body, subtitle, first):
    assert themes.classify(title, body, subtitle)[0] == first


def test_classify_keeps_at_most_three_strongest_first():
    body = "营商环境 营商环境 招商引资 签约 外贸 进出口 文旅 旅游 物流 多式联运 医院 医疗 学校 教育"
    ranked = themes.theme_scores("", body)
    assert len(ranked) > 3
    assert themes.classify("", body) == tuple(name for name, _ in ranked[:3])


@pytest.mark.parametrize(
    "title, body, theme",
    [
        ("社区新闻", "小区里新装了路灯。", "城市建设与更新"),  # one weak word
        ("社区新闻", "会上也提到了营商环境。", "营商环境"),  # one strong word, body only
        ("", "项目" * 20, "招商引资与项目"),  # a weak word repeated 20 times
    ],
)
def test_passing_mention_is_below_threshold(title, body, theme):
    assert theme in dict(themes.theme_scores(title, body))  # seen ...
    assert themes.classify(title, body) == (FALLBACK,)  # ... but not enough


def test_title_mention_counts_more_than_body_mention():
    in_title = dict(themes.theme_scores("优化营商环境", "会上作了部署。"))
    in_body = dict(themes.theme_scores("会上作了部署", "优化营商环境。"))
    assert in_title["营商环境"] > in_body["营商环境"]
    assert themes.classify("优化营商环境", "会上作了部署。") == ("营商环境",)


def test_repeating_one_word_has_diminishing_returns():
    once = dict(themes.theme_scores("", "外贸"))["外贸与开放"]
    twenty = dict(themes.theme_scores("", "外贸，" * 20))["外贸与开放"]
    assert once < twenty <= 3 * once
    varied = dict(themes.theme_scores("", "外贸，进出口，跨境电商，海外市场"))["外贸与开放"]
    assert varied > twenty  # four different words beat one word twenty times


def test_longest_keyword_wins():
    # 营商环境 is one hit for 营商环境 (3), not also a hit for 营商 (2)
    assert themes.explain("", "营商环境")["营商环境"] == {"营商环境": 3.0}


def test_taxonomy_is_well_formed():
    taxonomy = themes.load_taxonomy()
    assert 12 <= len(taxonomy.themes) <= 20
    assert len(set(taxonomy.names)) == len(taxonomy.names)
    assert FALLBACK == taxonomy.fallback and FALLBACK not in taxonomy.names
    for theme in taxonomy.themes:
        assert theme.description, theme.name
        assert len(theme.keywords) >= 8, theme.name
        assert max(weight for _, weight in theme.keywords) >= 3, theme.name


def test_bad_taxonomy_file_names_the_file(tmp_path):
    path = tmp_path / "themes.yml"
    path.write_text("themes: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="non-empty `themes:`") as raised:
        themes.load_taxonomy(path)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    "old, new, complaint",
    [
        ("规上工业: 3", "规上工业: strong", "工业经济.*规上工业.*positive number"),
        ("    keywords:", "    keyword:", "theme #1"),
        ("  min_score: 4.0", "  min_scor: 4.0", r"unknown keys \['min_scor'\]"),
        ("  - name: 营商环境", "  - name: 工业经济", "used twice"),
        ("      规上工业: 3", "      规: 3", "2\\+ characters"),
    ],
)
def test_bad_taxonomy_entries_are_reported(tmp_path, old, new, complaint):
    good = themes.THEMES_FILE.read_text(encoding="utf-8")
    assert old in good
    path = tmp_path / "themes.yml"
    path.write_text(good.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValueError, match=complaint):
        themes.load_taxonomy(path)


# ------------------------------------------------------------------ samples


@pytest.mark.parametrize(
    "name, check",
    [
        ("004 服务业大会", lambda found: {"招商引资与项目", "服务业与消费"} & set(found)),
        ("000 常山", lambda found: found[0] in {"营商环境", "法治与基层治理"}
                                   and {"营商环境", "法治与基层治理"} <= set(found)),
        ("001 龙游", lambda found: found[0] == "外贸与开放"),
        ("000 江山", lambda found: found[0] == "营商环境"),
        ("000 衢江", lambda found: found[0] == "城市建设与更新"),
        ("001 常山", lambda found: found[0] == "招商引资与项目"),
        ("001 柯城", lambda found: "工业经济" in found),
        ("004 文明城市", lambda found: found[0] == "城市建设与更新"),
        ("004 人大询问", lambda found: found[0] == "法治与基层治理"),
    ],
)
def test_sample_stories(name, check):
    title, subtitle, body = story(name)
    found = themes.classify(title, body, subtitle)
    assert 1 <= len(found) <= 3 and FALLBACK not in found
    assert check(found), found


@pytest.mark.parametrize(
    "prefix, expected",
    [("000", "工业经济"), ("001", "工业经济"), ("002", "营商环境"), ("003", "营商环境"), ("004", "服务业与消费")],
)
def test_whole_sample_pages(prefix, expected):
    assert expected in themes.classify("", corpus_text(prefix))


# ------------------------------------------------------------------ idf and keywords

TINY_ARCHIVE = [
    ["衢州", "发展", "营商环境", "审批", "审批"],
    ["衢州", "发展", "外贸", "出口"],
    ["衢州", "发展", "招商", "签约", "签约"],
    ["衢州", "旅游", "景区"],
]


def test_idf_is_smoothed_and_zero_for_common_words():
    idf = themes.build_idf(TINY_ARCHIVE)
    assert idf.documents == 4
    assert idf["衢州"] == 0.0  # in every document
    assert idf["发展"] == 0.0  # in 3 of 4: more than half
    assert idf["外贸"] == pytest.approx(math.log(5 / 2))
    assert idf.unseen == pytest.approx(math.log(5))


def test_idf_ignores_document_order():
    assert themes.build_idf(TINY_ARCHIVE) == themes.build_idf(TINY_ARCHIVE[::-1])


@pytest.mark.parametrize(
    "tokens, k, exclude, expected",
    [
        (TINY_ARCHIVE[0], 8, (), ("审批", "营商环境")),  # tf breaks the idf tie
        (["衢州"] * 50 + ["发展"] * 50 + ["外贸"], 8, (), ("外贸",)),  # common words never
        (["签约", "招商"], 8, (), ("签约", "招商")),  # tie: first in the text first
        (["招商", "签约"], 8, (), ("招商", "签约")),
        (["新词", "外贸"], 8, (), ("新词", "外贸")),  # unseen word counts as rarest
        (TINY_ARCHIVE[3], 8, {"旅游"}, ("景区",)),  # place names etc. excluded
        (["外贸", "出口", "签约", "招商"], 2, (), ("外贸", "出口")),
        ([], 8, (), ()),
    ],
)
def test_keywords(tokens, k, exclude, expected):
    idf = themes.build_idf(TINY_ARCHIVE)
    assert themes.keywords(tokens, idf, k, exclude=exclude) == expected


def test_keywords_accept_a_plain_dict():
    idf = dict(themes.build_idf(TINY_ARCHIVE))
    assert themes.keywords(["衢州", "新词", "外贸"], idf) == ("新词", "外贸")


def test_sample_keywords_skip_archive_wide_words():
    names = sorted(STORIES)
    documents = [words.tokens(" ".join(filter(None, story(name)))) for name in names]
    idf = themes.build_idf(documents)
    top = {name: themes.keywords(document, idf) for name, document in zip(names, documents)}
    for name, found in top.items():
        assert len(found) == 8, name
        assert not {"衢州", "发展", "推进", "企业"} & set(found), (name, found)
    assert {"外贸", "进出口"} <= set(top["001 龙游"])
    assert {"法治", "司法"} <= set(top["000 常山"])


# ------------------------------------------------------------------ determinism and quiet

_SCRIPT = """
import json, sys
from build_archive.extract import themes, words
text = sys.stdin.read()
tokens = words.tokens(text)
idf = themes.build_idf([tokens, tokens[: len(tokens) // 2], ["衢州"]])
print(json.dumps({"tokens": tokens, "themes": themes.classify("", text),
                  "keywords": themes.keywords(tokens, idf)}, ensure_ascii=False))
"""


def test_deterministic_across_processes_and_silent():
    text = corpus_text("004")
    runs = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            input=text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            check=True,
        )
        assert done.stderr == ""  # jieba must not log its dictionary loading
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1]
    assert tuple(runs[0]["themes"]) == themes.classify("", text)


def test_same_input_same_output_in_process():
    title, subtitle, body = story("004 服务业大会")
    assert words.tokens(body) == words.tokens(body)
    assert themes.classify(title, body, subtitle) == themes.classify(title, body, subtitle)
