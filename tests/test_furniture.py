"""Web-page furniture (extract/furniture.py): the catalog's line shapes, one by one.

The pages of tests/data/layouts test the layouts whole (test_layouts_quality.py);
these are the catalog's "other lines seen on the real pages", each on its own.
"""
from __future__ import annotations

import pytest

from build_archive.extract import furniture
from build_archive.extract.page import district_names
from build_archive.extract.segment import conservation, segment_page

BODY = "\n\n  6月15日,桐村镇一段明清古道的修缮工程通过验收,全长约3.2公里的石板路重新向徒步爱好者开放。\n"


@pytest.mark.parametrize("line, date, paper, page, source", [
    ("今日开化 综合新闻 00002 桐村镇明清古道“焕新”开放 2019-06-18 2 2019年06月18日 星期二",
     "2019-06-18", "今日开化", "00002 综合新闻", None),
    ("浙江日报 要闻 00005 山区新建光伏电站 2023-04-12 21458807 2 2023年04月12日 星期三",
     "2023-04-12", "浙江日报", "00005 要闻", None),
    ("浙江日报 经济 00007 竹海深处有新路 2015-10-21 浙江日报2015-10-2100021 2 2015年10月21日 星期三",
     "2015-10-21", "浙江日报", "00007 经济", None),
    ("农村信息报 “共富路上”特刊 A08 2021-09-111 2021年09月11日 星期六",
     "2021-09-11", "农村信息报", "A08 “共富路上”特刊", None),
    ("2022-11-18 9 9 今日龙游 content_271356.html 2 5 县政协召开十二届七次常委会议 /enpproperty-->",
     "2022-11-18", "今日龙游", None, None),
    ("2021年04月26日 08:35:37 来源: 浙江日报", "2021-04-26", "浙江日报", None, "浙江日报"),
    ("时间: 2019-07-13 10:02:11", "2019-07-13", None, None, None),
    ("发布时间: 2016.06.27", "2016-06-27", None, None, None),
    ("( 2018-03-28 ) 稿件来源:衢州日报", "2018-03-28", "衢州日报", None, "衢州日报"),
    ("来源:衢州日报 2020-12/30 发布时间:2021-06-15 浏览量:27", "2020-12-30", "衢州日报", None, "衢州日报"),
    ("浙江在线衢州频道 时间: 2013-05-08 08:52:10", "2013-05-08", None, None, "浙江在线衢州频道"),
    ("2016年02月05日 10:21:35    柯城新闻网", "2016-02-05", None, None, "柯城新闻网"),
    ("2008年5月14日     收藏 打印 推荐 朗读 评论 更多功能 ", "2008-05-14", None, None, None),
    ("c0004版:专题", None, None, "c0004版 专题", None),
    ("00004版:喜迎盛会主题采访 走读浙江·衢州篇", None, None, "00004版 喜迎盛会主题采访 走读浙江·衢州篇", None),
    ("今日龍游 數字報紙", None, "今日龍游", None, None),
    ("转自:衢州日报", None, "衢州日报", None, "衢州日报"),
])
def test_a_furniture_line_is_taken_out_and_read(line, date, paper, page, source):
    found = furniture.read(line + BODY)
    assert found.lines == (1,)
    assert (found.date.value if found.date else None) == date
    assert found.paper == paper
    assert (found.page.replace("版", "") if found.page else None) == (page.replace("版", "") if page else None)
    assert found.source == source
    assert "桐村镇" in found.text


@pytest.mark.parametrize("line", [
    "404 Not Found", "nginx/1.23.3", "您当前的位置:浙江在线 > 衢州频道 > 新闻频道 > 衢州新闻",
    "  您当前的位置 :浙江在线 > 城市频道 > 浙江本地 > 衢州 正文", "首页>媒眼看衢州>",
    "登录 | 注册 | 设为主页 | 加入收藏", "我要投稿 | 投稿热线:0570-3861204", "收藏 打印 推荐  更多功能 ",
    "返回主页 | 版面导航 | 标题导航      ", "上一期  下一期  ", "5上一篇  下一篇6  ", "PDF 版", "· 一碗清水鱼的账",
    "  • 时政", "01版: 一版要闻 02版: 综合新闻 03版: 民生视点 04版: 专版", "微信图片_20210713100822.png", "![]() |",
    "Copyright © 1999-2022 Zjol. All Rights Reserved 浙江在线版权所有", "浙ICP备05000112号", "分享到:",
    "标签: 乡村书房|阅读| 责任编辑: 杨慧敏", "责任编辑:余海燕", "一审:郑雨桐", "二审:洪 燕", "浏览量:27",
    "浙江日报报业集团主办      ", "电子报阅读机", "<div class=\"article\">",
    " 首 页   时政要闻   图片新闻   乡镇动态   公告公示   开化人在外   平安开化",
])
def test_site_furniture_is_no_text(line):
    found = furniture.read(line + BODY)
    assert found.lines == (1,), line


def test_a_lone_date_is_no_publication_date_and_no_title():
    seg = segment_page("2019-06-18\n\n桐村镇古道开放\n\n6月15日,桐村镇一段明清古道的修缮工程通过验收。\n", "t.txt", district_names())
    assert seg.date is None and seg.articles[0].title == "桐村镇古道开放"


def test_a_viewing_date_is_no_publication_date():
    found = furniture.read("电子报阅读机\n2024-03-02\n星期六\n当前报纸名称:衢州日报\n\n文化周末\n\n日期:02-27\n" + BODY)
    assert found.date is None and found.paper == "衢州日报"
    assert {1, 2, 3, 4, 8} <= set(found.lines)


def test_editors_are_no_authors_and_source_lines_name_authors():
    text = "开化召开全县茶产业发展推进会\n2015年11月24日 09:12\n11月23日,全县茶产业发展推进会召开,会议部署明年重点工作。\n" \
           "来源: 开化新闻网 作者: 占丽娟 林雨萱 编辑: 周子衡\n"
    article, = segment_page(text, "t.txt", district_names()).articles
    assert article.title == "开化召开全县茶产业发展推进会"
    assert article.authors == ("占丽娟", "林雨萱")
    assert "周子衡" not in article.body


def test_a_headline_ending_in_station_is_no_organisation_byline():
    text = "浙江日报 数字报纸\n\n\n00005版:要闻\n\n山区新建光伏电站\n\n  本报讯 (记者 戴文杰) 4月10日,山区一座光伏电站并网发电。\n\n" \
           "浙江日报 要闻 00005 山区新建光伏电站 2023-04-12 21458807 2 2023年04月12日 星期三\n"
    seg = segment_page(text, "t.txt", district_names())
    article, = seg.articles
    assert article.title == "山区新建光伏电站" and article.authors == ("戴文杰",)
    assert seg.date.value == "2023-04-12" and seg.page.paper == "浙江日报"
    assert not conservation(text, seg)


def test_photo_credits_name_every_photographer():
    text = "今日衢江 数字报纸\n\n\n00004版:图片新闻\n\n樟潭街道:荷塘月色引客来\n\n  连日来,樟潭街道一处百亩荷塘进入盛花期,吸引市民前来观赏。\n\n" \
           "浙报融媒共享联盟龙游站 洪晓燕 记者 戴文杰 摄\n"
    article, = segment_page(text, "t.txt", district_names()).articles
    assert article.authors == ("洪晓燕", "戴文杰")  # photo news: its photographers
    assert "共享联盟" not in "".join(article.authors)


def test_interview_lines_and_body_text_are_no_furniture():
    text = "标题\n\n记者:今年的收成怎么样?\n\n村民:比去年好多了。\n\n本次活动由县文旅局主办\n\n2019 2020 2021 2022 2023\n"
    assert furniture.read(text).lines == ()


def test_the_build_report_counts_furniture_per_page():
    from build_archive.models import Report
    report = Report(furniture=[("b.txt", 3), ("a.txt", 12)])
    text = report.text()
    assert "web-page furniture: 15 lines taken out of 2 pages" in text
    assert text.index("a.txt: [furniture] 12 lines") < text.index("b.txt: [furniture] 3 lines")
    assert "warnings: none" in text  # a count, not a warning: --strict does not fail on it


def test_the_footer_says_which_line_of_the_headline_group_is_the_title():
    page = "今日衢江 数字报纸\n\n\n00001版:要闻\n\n{group}\n\n  本报讯 (记者 方晓东) 3月1日,全区一季度重大项目集中开工活动举行。\n\n\n" \
           "今日衢江 要闻 00001 {printed} 2023-03-02 1 2023年03月02日 星期四\n"
    names = district_names()
    article, = segment_page(page.format(group="全区重大项目集中开工\n总投资超百亿元", printed="全区重大项目集中开工"),
                            "t.txt", names).articles
    assert (article.title, article.subtitle) == ("全区重大项目集中开工", "总投资超百亿元")
    article, = segment_page(page.format(group="全区一季度重大项目\n集中开工", printed="全区一季度重大项目集中开工"),
                            "t.txt", names).articles
    assert article.title == "全区一季度重大项目集中开工" and article.subtitle is None


def test_a_government_site_page():
    text = ("首页 > 政务公开 > 部门动态\n"
            "【发布时间：2020-03-05 09:12:00】【来源：开化县农业农村局】【字体：大 中 小】\n"
            "开化县开展春季农业生产技术培训\n"
            "3月4日，县农业农村局组织农技专家深入乡镇，开展春季农业生产技术培训，培训农户200余人次。\n"
            "培训内容包括水稻育秧、茶园管理、病虫害防治等。\n"
            "【打印本页】【关闭窗口】\n"
            "主办单位：开化县人民政府办公室  承办单位：开化县大数据发展中心\n"
            "网站标识码：3308240001  浙ICP备05012345号-1\n")
    seg = segment_page(text, "t.txt", district_names())
    article, = seg.articles
    assert article.title == "开化县开展春季农业生产技术培训"
    assert article.body.startswith("3月4日") and article.body.endswith("病虫害防治等。")
    assert seg.date.value == "2020-03-05" and seg.page.repost_source == "开化县农业农村局"
    assert set(seg.page.furniture and furniture.read(text).lines) == {1, 2, 6, 7, 8}


@pytest.mark.parametrize("facts, expected", [
    ({"printed_date": "2021-09-08"}, ("2021-09-08", "page")),
    ({"printed_date": "not a date", "date": "2021-09"}, ("2021-09", "sources.yml")),
    ({}, (None, None)),
])
def test_a_saved_web_pages_own_date_counts_as_printed(facts, expected):
    from pathlib import Path
    from build_archive.extract.corpus import PageFile
    from build_archive.extract.page import page_date
    text = "标题\n\n正文第一段,说了一些事情。\n"
    page_file = PageFile(Path("t.html"), "t.html", text, facts)
    date, source = page_date(page_file, segment_page(text, "t.html", district_names()))
    assert ((date.value if date else None), source) == expected


def test_a_printed_page_with_a_page_label_keeps_its_column_breaks_rejoined():
    text = "第03版：要闻\n\n全区工业经济稳中有进\n\n本报讯（记者 刘威）今年以来，全区规上工业总产值\n\n283.78亿元，同比增长12%。\n"
    article, = segment_page(text, "t.txt", district_names()).articles
    assert article.title == "全区工业经济稳中有进" and article.authors == ("刘威",)
    assert article.body == "今年以来，全区规上工业总产值283.78亿元，同比增长12%。"
