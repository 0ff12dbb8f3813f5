"""One rule at a time, on short strings: chrome, bylines, captions, rejoining,
gaps, continued articles, headline placement, section heads, dump flavours."""
from __future__ import annotations

import pytest

from build_archive.extract.segment import (
    byline_names,
    caption_of,
    conservation,
    is_chrome,
    is_headline_like,
    is_suspected_gap,
    rejoin_paragraphs,
    segment_page,
)

NAMES = frozenset({"柯城", "衢江", "龙游", "江山", "常山", "开化", "衢州", "柯城区", "衢江区"})

P1 = "今年以来,全区工业经济稳中向好,规上工业增加值同比增长9.1%,增速位列全省第二。"
P2 = "下一步,该区将继续开展助企暖企服务活动,加快项目落地、推进重点项目开工投产。"
P3 = "截至目前,103个项目已有57个项目开建,其中已完工8个项目,正在实施49个项目。"
IMG = "\n\n"  # a photo prints as an empty box: its caption comes after 3 blank lines
P4 = "会议强调,要抢抓机遇、乘势而上,以最强信心推进服务业高质量发展,全力以赴。"


def seg(*lines: str, names: frozenset[str] = NAMES):
    """Segment a page given as lines (blank lines between them, as the dumps print)."""
    text = "\n\n".join(lines)
    result = segment_page(text, "t.txt", names)
    assert conservation(text, result) == {}, "characters lost"
    return result


def paras(article) -> list[str]:
    return article.body.split("\n\n")


# --- chrome ----------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "中共衢州市衢江区委主办 衢江传媒集团承办",
    "衢州日报社主办",
    "中共衢州市委主管主办",
    "2022年7月19日 星期二 农历壬寅年六月廿一",
    "2024年2月20日 星期二",
    "JIN RI QU JIANG 今日8版 总第3576期",
    "今日8版 总第3576期",
    "责任编辑:傅静之 版式:沈潔",
    "责任编辑：傅静之　版式：沈潔",
    "1—4版",
    "第3版",
    "A2版",
    "富强 民主 文明 和谐",
    "自由 平等 公正 法治",
    "爱国 敬业 诚信 友善",
])
def test_chrome_lines(line):
    assert is_chrome(line)


@pytest.mark.parametrize("line", [
    "区规划委员会第13次会议召开",
    "衢州:工业强市 产业兴市",
    "工业强市 产业兴市",
    "RCEP培训助企出海",
    "全省运动会明年由衢江区承办",
    "郑晨 陈菊梅",
    P1,
])
def test_not_chrome(line):
    assert not is_chrome(line)


def test_chrome_becomes_page_facts_and_never_body():
    result = seg(
        "富强 民主 文明 和谐\n自由 平等 公正 法治\n爱国 敬业 诚信 友善",
        "中共衢州市衢江区委主办 衢江传媒集团承办\n2022年7月19日 星期二 农历壬寅年六月廿一\n"
        "JIN RI QU JIANG 今日8版 总第3576期",
        "## 今日衢州", "1—4版", "责任编辑:傅静之 版式:沈潔",
        "# 全区工业经济稳中向好", P1, P2,
    )
    page = result.page
    assert (page.paper, page.page_label, page.issue_number, page.editors) == (
        "今日衢州", "1—4版", "3576", ("傅静之", "沈潔"))
    assert [a.title for a in result.articles] == ["全区工业经济稳中向好"]
    assert paras(result.articles[0]) == [P1, P2]


# --- bylines ---------------------------------------------------------------------


@pytest.mark.parametrize("line, names", [
    ("郑晨 陈菊梅", ("郑晨", "陈菊梅")),
    ("吴晓龙", ("吴晓龙",)),
    ("记者 丰莉莎 通讯员 叶竞", ("丰莉莎", "叶竞")),
    ("本报记者 刘威", ("刘威",)),
    ("共享联盟衢江站", ("共享联盟衢江站",)),
    ("衢江城区", None),
    ("美丽乡村", None),
    ("起跑加速度", None),
    ("工业强市 产业兴市", None),
])
def test_byline_names(line, names):
    assert byline_names(line) == names


@pytest.mark.parametrize("lead", ["本报讯（记者 刘威 邵秀清）", "本报讯(记者 刘威 邵秀清)", "本报讯 （记者 刘威 邵秀清）"])
def test_lead_byline_removed_lead_sentence_kept(lead):
    result = seg("区服务业发展大会召开", lead + "服务业事关发展全局、事关民生福祉。7月15日，大会召开。", P2)
    [article] = result.articles
    assert article.authors == ("刘威", "邵秀清")
    assert paras(article)[0] == "服务业事关发展全局、事关民生福祉。7月15日，大会召开。"
    assert "本报讯" not in article.body and "记者" not in article.body


def test_byline_line_after_headline():
    result = seg("衢江“双领导师”挂联服务百家企业", "记者 丰莉莎 通讯员 叶竞", P1, P2)
    [article] = result.articles
    assert (article.title, article.authors, paras(article)) == (
        "衢江“双领导师”挂联服务百家企业", ("丰莉莎", "叶竞"), [P1, P2])


def test_trailing_signature():
    result = seg("评论", P1, "要坚决贯彻落实决策部署，为推动现代服务业高质量发展再立新功！ 柏雷")
    [article] = result.articles
    assert article.type == "评论"
    assert article.authors == ("柏雷",)
    assert paras(article)[-1] == "要坚决贯彻落实决策部署，为推动现代服务业高质量发展再立新功！"
    assert article.title.startswith("评论：今年以来")


def test_organisation_byline_is_a_byline_but_no_author():
    """An organisation signing a story (issue 21): out of the body, kept as the byline, no person."""
    result = seg("衢江 以“三季进”拼出“全年红”", "共享联盟衢江站", P1)
    assert result.articles[0].authors == ()
    assert result.articles[0].bylines == ("共享联盟衢江站",)
    assert result.articles[0].body == P1


# --- captions --------------------------------------------------------------------


@pytest.mark.parametrize("line, text, who, display", [
    ("衢州市文化艺术中心与便民服务中心 许军 摄", "衢州市文化艺术中心与便民服务中心", "许军",
     "衢州市文化艺术中心与便民服务中心（许军 摄）"),
    ("古城新市 许军 摄", "古城新市", "许军", "古城新市（许军 摄）"),
    ("(本版图片由衢州市委宣传部提供)", "本版图片由衢州市委宣传部提供", "衢州市委宣传部", "本版图片由衢州市委宣传部提供"),
    ("（本版图片由衢江区融媒体中心提供）", "本版图片由衢江区融媒体中心提供", "衢江区融媒体中心",
     "本版图片由衢江区融媒体中心提供"),
])
def test_caption_of(line, text, who, display):
    caption = caption_of(line)
    assert (caption.text, caption.photographer, caption.display(), caption.raw) == (text, who, display, line)


@pytest.mark.parametrize("line", ["衢江城区", "郑晨 陈菊梅", P1, "工业强市 产业兴市"])
def test_not_a_caption(line):
    assert caption_of(line) is None


def test_bare_captions_between_paragraphs():
    result = seg("谱“五城”新篇 看衢江实践", "于山 丰莉莎", P1, IMG + "衢江城区", IMG + "沿江公路花海", P2,
                 IMG + "美丽乡村", P3)
    [article] = result.articles
    assert [c.display() for c in article.captions] == ["衢江城区", "沿江公路花海", "美丽乡村"]
    assert paras(article) == [P1, P2, P3]


def test_caption_before_the_first_headline_goes_to_the_first_article():
    result = seg("古城新市 许军 摄", "# 衢州:工业强市 产业兴市", P1)
    assert [c.display() for c in result.articles[0].captions] == ["古城新市（许军 摄）"]


# --- rejoining paragraphs split at column breaks ----------------------------------


def blocks(*texts: str):
    return [("p", text, n) for n, text in enumerate(texts, start=1)]


@pytest.mark.parametrize("pieces, joined", [
    (("今年一季度,柯城区工业实现“开门红”,1至3月规上工业总产值", "283.78亿元,同比增长5.1%。"),
     "今年一季度,柯城区工业实现“开门红”,1至3月规上工业总产值283.78亿元,同比增长5.1%。"),
    (("加快服务业高质量发展，要立足衢", "江区位优势，明确定位、突出重点。"),
     "加快服务业高质量发展，要立足衢江区位优势，明确定位、突出重点。"),
    (("将攻坚事项分解落实到具体时限、具体区", "块,每日跟进、每日亮晒。"),
     "将攻坚事项分解落实到具体时限、具体区块,每日跟进、每日亮晒。"),
    (("“站高一米看世界”“顶风作", "乐”……在市集中,口号折射出态度。"),
     "“站高一米看世界”“顶风作乐”……在市集中,口号折射出态度。"),
])
def test_rejoin(pieces, joined):
    out, gaps = rejoin_paragraphs(blocks(*pieces))
    assert [text for _, text, _ in out] == [joined]
    assert gaps == []


@pytest.mark.parametrize("first", [
    "奋力实现首季“开门红”。",
    "“企业一季度产值预计达3亿元。”",
    "为推动高质量发展再立新功！",
    "一个个惠民项目、一幕幕生活场景……",
])
def test_real_paragraph_ends_are_kept(first):
    out, _ = rejoin_paragraphs(blocks(first, P2))
    assert [text for _, text, _ in out] == [first, P2]


def test_rejoin_across_a_page_and_captions():
    result = seg("起跑加速度", "于山", P1, "智造新城作为衢州工业发展的主平", "衢州市政务服务中心",
                 "台,肩负重任,衢州已实现规上工业产值2913.1亿元。")
    [article] = result.articles
    assert paras(article) == [P1, "智造新城作为衢州工业发展的主平台,肩负重任,衢州已实现规上工业产值2913.1亿元。"]
    assert [c.text for c in article.captions] == ["衢州市政务服务中心"]


# --- gaps: text lost at a break ------------------------------------------------------


@pytest.mark.parametrize("before, after, lost", [
    ("“后续将通过环境改造、产业布局、公共配套、城市综合", "象,提高城市综合承载力", True),
    ("完成252项服务事项65个应用上架政企通涉企综合服", "台,为企业提供点单式服务", True),
    ("将攻坚事项分解落实到具体时限、具体区", "块,每日跟进、每日亮晒", False),
    ("既要发展顶天立地的大企", "业，壮大一批龙头企业", False),
    ("1至3月规上工业总产值", "283.78亿元,同比增长5.1%", False),
])
def test_suspected_gap(before, after, lost):
    assert is_suspected_gap(before, after) is lost


def test_gap_is_reported_and_text_kept():
    result = seg("衢江:加快推进城市发展三年行动", "胡巩固 丰莉莎",
                 "“后续将通过环境改造、产业布局、公共配套、城市综合", "象,提高城市综合承载力,决定实施三年行动。")
    [article] = result.articles
    assert article.body == "“后续将通过环境改造、产业布局、公共配套、城市综合象,提高城市综合承载力,决定实施三年行动。"
    assert article.gaps and "城市综合|象" in article.gaps[0]
    assert [i.kind for i in result.issues] == ["suspected-gap"]


# --- continued -------------------------------------------------------------------------


def test_article_cut_at_the_page_end_is_continued():
    result = seg("区规划委员会第13次会议召开", "本报讯（记者 洪纲）" + P1, "助推项目建设。要统筹保")
    assert result.articles[0].continued
    assert "continued" in [i.kind for i in result.issues]


def test_article_cut_before_the_next_story_is_continued():
    result = seg("区规划委员会第13次会议召开", "本报讯（记者 洪纲）" + P1, "助推项目建设。要统筹保",
                 "区人大常委会召开专题询问会", "本报讯（记者 叶建康）" + P2)
    assert [(a.title, a.continued) for a in result.articles] == [
        ("区规划委员会第13次会议召开", True), ("区人大常委会召开专题询问会", False)]
    assert paras(result.articles[0])[-1] == "助推项目建设。要统筹保"
    assert result.articles[1].body == P2


def test_finished_article_is_not_continued():
    assert not seg("区规划委员会第13次会议召开", P1, P2).articles[0].continued


# --- headlines far from their body ----------------------------------------------------------


def test_headline_printed_after_its_body():
    result = seg(
        "衢江“双领导师”挂联服务百家企业", "本报讯（记者 丰莉莎）" + P1,
        "本报讯（记者 洪纲 李钱乾）7月18日，区委书记王慧杰带队调研全国文明城市建设工作。", P2,
        "高标准引领 闭环化推进 文明城市翻篇归零再出发", "王慧杰在调研全国文明城市建设工作时强调",
    )
    first, second = result.articles
    assert (first.title, first.body, first.authors) == ("衢江“双领导师”挂联服务百家企业", P1, ("丰莉莎",))
    assert (second.title, second.subtitle) == ("高标准引领 闭环化推进 文明城市翻篇归零再出发",
                                               "王慧杰在调研全国文明城市建设工作时强调")
    assert second.authors == ("洪纲", "李钱乾")
    assert paras(second)[0].startswith("7月18日") and not result.unassigned


def test_headless_lead_after_a_finished_paragraph_starts_an_article():
    result = seg("衢江“双领导师”挂联服务百家企业", "本报讯（记者 丰莉莎）" + P1,
                 "本报讯（记者 洪纲）" + P2)
    assert [a.body for a in result.articles] == [P1, P2]
    assert result.articles[1].authors == ("洪纲",)
    assert result.articles[1].headline_lines == ()
    assert "no-headline" in [i.kind for i in result.issues]


def test_orphan_headline_at_the_top_claims_the_headless_body_at_the_bottom():
    result = seg(
        "工业强市 产业兴市", "衢州推动工业市县一体化高质量发展",
        "柯城 整治高耗低效企业 为发展“腾”空间", "郑晨 周云奇", P1,
        "江山 全过程加快推进重点项目建设", "朱永春", P2,
        "衢州国家高新技术产业开发区", "近日,省经信厅发布2022年上半年山区26县工业经济运行情况指标。", P4,
    )
    titles = [(a.title, a.subtitle) for a in result.articles]
    assert titles == [("柯城 整治高耗低效企业 为发展“腾”空间", None), ("江山 全过程加快推进重点项目建设", None),
                      ("衢州推动工业市县一体化高质量发展", "工业强市 产业兴市")]
    assert result.articles[1].body == P2
    assert [c.text for c in result.articles[2].captions] == ["衢州国家高新技术产业开发区"]


def test_headline_without_body_is_unassigned():
    result = seg("谱“五城”新篇 看衢江实践", "于山", P1, "扛鼎", "以浙江的「稳」「进」「立」为全国大局多作贡献")
    assert len(result.articles) == 1
    assert [text for _, text in result.unassigned] == ["扛鼎", "以浙江的「稳」「进」「立」为全国大局多作贡献"]
    assert "headline-without-body" in [i.kind for i in result.issues]


# --- headline groups ---------------------------------------------------------------------------


@pytest.mark.parametrize("group, title, subtitle", [
    (["区规划委员会第13次会议召开"], "区规划委员会第13次会议召开", None),
    (["工业强市 产业兴市", "衢州推动工业市县一体化高质量发展"], "衢州推动工业市县一体化高质量发展", "工业强市 产业兴市"),
    (["文明城市翻篇归零再出发", "王慧杰在调研全国文明城市建设工作时强调"], "文明城市翻篇归零再出发",
     "王慧杰在调研全国文明城市建设工作时强调"),
    (["全区服务业发展大会召开", "超600亿投资签约落地", "王慧杰讲话 徐惠文主持"], "超600亿投资签约落地",
     "全区服务业发展大会召开 / 王慧杰讲话 徐惠文主持"),
])
def test_headline_group(group, title, subtitle):
    result = seg(*group, "本报讯（记者 刘威）" + P1)
    [article] = result.articles
    assert (article.title, article.subtitle, article.body) == (title, subtitle, P1)


def test_headline_with_a_comma_followed_by_a_byline():
    result = seg("衢州:工业强市 产业兴市", P1, "稳字当头，衢州工业实现开门红", "郑晨 陈菊梅", P2)
    assert [a.title for a in result.articles] == ["衢州:工业强市 产业兴市", "稳字当头，衢州工业实现开门红"]
    assert result.articles[1].authors == ("郑晨", "陈菊梅")
    assert result.articles[1].body == P2


def test_headline_with_a_comma_followed_by_a_lead_byline():
    result = seg("衢州:工业强市 产业兴市", P1, "稳字当头，衢州工业实现开门红", "本报讯（记者 刘威）" + P2)
    assert [a.title for a in result.articles] == ["衢州:工业强市 产业兴市", "稳字当头，衢州工业实现开门红"]
    assert result.articles[1].body == P2


# --- section heads vs new articles -------------------------------------------------------------------


def test_heading_followed_by_byline_starts_an_article():
    result = seg("谱“五城”新篇 看衢江实践", "于山", P1, "争先 描绘城乡发展新画卷", "胡巩固", P2)
    assert [a.title for a in result.articles] == ["谱“五城”新篇 看衢江实践", "争先 描绘城乡发展新画卷"]


def test_heading_followed_by_body_is_a_section_head():
    result = seg("谱“五城”新篇 看衢江实践", "于山", P1, "衢江城区", "争先 描绘城乡发展新画卷", P2,
                 "清障 打造一流营商环境", P3)
    [article] = result.articles
    assert paras(article) == [P1, "## 争先 描绘城乡发展新画卷", P2, "## 清障 打造一流营商环境", P3]
    assert [c.text for c in article.captions] == ["衢江城区"]


def test_lone_unmarked_section_head_between_finished_paragraphs():
    result = seg("衢州:在新篇章中当先锋走前列", "于山", P1, IMG + "古城新市 许军 摄", "起跑加速度", P2,
                 "营商优环境", P3, IMG + "衢州市政务服务中心", P4)
    [article] = result.articles
    assert paras(article) == [P1, "## 起跑加速度", P2, "## 营商优环境", P3, P4]
    assert [c.text for c in article.captions] == ["古城新市", "衢州市政务服务中心"]


def test_marked_section_head():
    result = seg("# 衢州:在新篇章中当先锋走前列", "于山", P1, "古城新市 许军 摄", "## 起跑加速度", P2)
    [article] = result.articles
    assert paras(article) == [P1, "## 起跑加速度", P2]


# --- dump flavours ----------------------------------------------------------------------------------


def test_markdown_and_plain_dumps_cut_the_same():
    plain = ["衢州:工业强市 产业兴市", P1, "柯城:稳住工业经济大盘", "郑晨 陈菊梅", P2, "衢江:加快推进城市发展", "胡巩固", P3]
    marked = ["# " + plain[0], plain[1], "## " + plain[2], *plain[3:5], "## " + plain[5], *plain[6:]]
    cut = [[(a.title, a.authors, a.body) for a in seg(*lines).articles] for lines in (plain, marked)]
    assert cut[0] == cut[1]
    assert [title for title, _, _ in cut[0]] == ["衢州:工业强市 产业兴市", "柯城:稳住工业经济大盘", "衢江:加快推进城市发展"]


@pytest.mark.parametrize("colon, comma", [(":", ","), ("：", "，")])
def test_half_and_full_width_punctuation(colon, comma):
    body = f"今年以来{comma}全区工业经济稳中向好{comma}增速位列全省第二。"
    result = seg(f"柯城{colon}稳住工业经济大盘", "郑晨 陈菊梅", body, f"责任编辑{colon}傅静之 版式{colon}沈潔")
    [article] = result.articles
    assert (article.title, article.authors, article.body) == (f"柯城{colon}稳住工业经济大盘", ("郑晨", "陈菊梅"), body)
    assert result.page.editors == ("傅静之", "沈潔")


def test_article_at_the_very_start_with_no_byline():
    result = seg("衢州:工业强市 产业兴市", P1, P2)
    [article] = result.articles
    assert (article.title, article.authors, paras(article), article.line) == ("衢州:工业强市 产业兴市", (), [P1, P2], 1)


def test_page_starting_with_body_text():
    result = seg(P1, P2)
    [article] = result.articles
    assert article.headline_lines == () and article.title.startswith("今年以来")
    assert paras(article) == [P1, P2]


def test_lines_without_blank_lines_between_are_paragraphs():
    result = segment_page("谱“五城”新篇 看衢江实践\n\n于山\n\n" + P1 + "\n" + P2 + "\n" + P3, "t.txt", NAMES)
    assert paras(result.articles[0]) == [P1, P2, P3]


# --- line shapes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "区规划委员会第13次会议召开", "谱“五城”新篇 看衢江实践", "柯城：稳住工业经济大盘", "衢江城区", "郑晨 陈菊梅",
    "衢州:在“勇当先行者、谱写新篇章”中当先锋走前列",
])
def test_headline_like(line):
    assert is_headline_like(line)


@pytest.mark.parametrize("line", [
    "衢州信心十足。",  # a short paragraph is a sentence
    "前行无惧风雨！",
    "“我们一定做到。”",
    "董事长马军说：",  # a paragraph cut before a quote
    "区委副书记、",
    "一个个惠民项目、一幕幕生活场景……",
    "“站高一米看世界”“顶风作",  # an unclosed quote
    P1,
])
def test_not_headline_like(line):
    assert not is_headline_like(line)


def test_short_one_line_paragraphs_stay_body():
    result = seg("谱“五城”新篇 看衢江实践", "于山", P1, "衢州信心十足。", "一个个惠民项目、一幕幕生活场景……",
                 "前行无惧风雨。")
    [article] = result.articles
    assert paras(article) == [P1, "衢州信心十足。", "一个个惠民项目、一幕幕生活场景……", "前行无惧风雨。"]
    assert article.captions == ()


def test_paragraph_cut_after_a_colon_is_rejoined():
    result = seg("龙游 打好外贸转型升级牌", "吴晓龙", P1, "董事长马军说：", "“面对严峻复杂的外贸形势，我们拓宽产品品类。”")
    [article] = result.articles
    assert paras(article) == [P1, "董事长马军说：“面对严峻复杂的外贸形势，我们拓宽产品品类。”"]


# --- more shapes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("place", ["华埠镇", "余东村", "龙游县", "高铁站", "江山港", "樟潭街道"])
def test_place_names_are_not_bylines(place):
    assert byline_names(place) is None


def test_place_caption_under_a_section_head_is_no_byline():
    result = seg("谱“五城”新篇 看衢江实践", "于山", P1, "争先 描绘城乡发展新画卷", "华埠镇", P2)
    [article] = result.articles
    assert [c.text for c in article.captions] == ["华埠镇"]
    assert "## 争先 描绘城乡发展新画卷" in paras(article)


def test_section_head_with_a_colon_is_no_caption():
    result = seg("衢州:工业强市 产业兴市", "于山", P1, "开化:入企服务出实招", P2)
    [article] = result.articles
    assert paras(article) == [P1, "## 开化:入企服务出实招", P2]
    assert article.captions == ()


@pytest.mark.parametrize("after, next_titles", [
    ([], []),  # at the page end
    (["区人大常委会召开专题询问会", "本报讯（记者 叶建康）" + P2], ["区人大常委会召开专题询问会"]),  # over the next story
])
def test_signature_on_its_own_line(after, next_titles):
    result = seg("评论", P1, "为推动现代服务业高质量发展再立新功！", "柏雷", *after)
    comment, *others = result.articles
    assert (comment.type, comment.authors) == ("评论", ("柏雷",))
    assert paras(comment) == [P1, "为推动现代服务业高质量发展再立新功！"]
    assert [a.title for a in others] == next_titles
    assert not result.unassigned


def test_lead_byline_after_a_cut_paragraph_starts_an_article():
    result = seg("区规划委员会第13次会议召开", "本报讯（记者 洪纲）" + P1, "助推项目建设。要统筹保",
                 "本报讯（记者 叶建康）" + P2)
    first, second = result.articles
    assert first.continued and paras(first)[-1] == "助推项目建设。要统筹保"
    assert (second.body, second.authors) == (P2, ("叶建康",))
