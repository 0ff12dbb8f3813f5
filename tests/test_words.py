"""words.Segmenter cuts exactly as jieba does (it runs rjieba, jieba's Rust port, for speed).

Raw rjieba differs from jieba where a han block holds a non-han run (jieba's HMM
cuts 2023-2025 into 2023 / - / 2025), where rjieba's han blocks are wider (CJK
extensions: 㐀㐁 is one block to it, two characters to jieba), and in the
dictionary total (jieba counts dict.txt's duplicated line B超 twice, and never
subtracts what a user word replaces). The total decides exact ties, where the
same words in another order (区+区区 and 区区+区 in 区区区) come out
bit-identical or not depending on it: each case is checked against jieba
itself, with our user words and without.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jieba
import pytest
import rjieba
from hypothesis import given, settings
from hypothesis import strategies as st

from build_archive.extract import corpus, gazetteer, words

PROJECT = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def reference() -> jieba.Tokenizer:
    words.setup(gazetteer.gazetteer_words())
    return words.reference_tokenizer(words.user_words())[0]


@lru_cache(maxsize=1)
def plain_jieba() -> jieba.Tokenizer:
    built = jieba.Tokenizer()
    built.initialize()
    return built


def assert_cut_as_jieba(text: str) -> None:
    for hmm in (True, False):
        expected = list(reference().cut(text, HMM=hmm))  # first: it adds the gazetteer's words
        assert words.tokenizer().cut(text, hmm) == expected, (hmm, text)
        assert words.plain_segmenter().cut(text, hmm) == list(plain_jieba().cut(text, HMM=hmm)), (hmm, text)


EDGES = [
    "2023-2025年衢州G60-3高速", "COVID-19疫情", "12.5-13.0万元", "e-mail地址 foo_bar", "A-B-C",
    "㐀㐁衢州𠀀好", "国中㐁但", "𠀀花带", "兼容\uf900字", "新字\u9fe0号",  # CJK extensions, compatibility, beyond 9FD5
    "元战采时按方量型", "它用者色写资油名先式",  # near ties: they follow jieba's dictionary total
    "区区区衢", "姐姐姐的", "学学学的",  # exact route ties (X+XX = XX+X), decided by the total's last bits
    "增增增增衢", "值值值值值", "营营营的营营营",  # exact HMM ties (BMEBE = BEBME), decided by the HMM's last bits
    "GDP", "增增GDP增增", "RCEP%增增", "xGDP增", "GDP2023年",  # words of letters only (the HMM-less cut merges letters)
    "a\x1cb 衢州\x1f市", "不\u00a0换行\u2028段\u3000落", "行\r\n尾\n\n 空", "5.1%的增长…… “引号”", "C++与C#", "",
]


@pytest.mark.parametrize("text", EDGES)
def test_edge_cases_cut_as_jieba(text):
    assert_cut_as_jieba(text)


def test_raw_rjieba_differs_on_the_edge_cases():
    """What the Segmenter corrects is real: rjieba alone cuts these otherwise."""
    fast = rjieba.Jieba()
    differ = [text for text in EDGES if fast.cut(text, True) != list(plain_jieba().cut(text))]
    assert {"2023-2025年衢州G60-3高速", "COVID-19疫情", "㐀㐁衢州𠀀好"} <= set(differ)


def test_user_words_replacing_known_words_keep_jieba_total():
    """jieba adds a user word's frequency to its total without taking the old one off; rjieba
    does, so without the difference made up a near tie (方量 against 方 / 量) goes the other way."""
    replaced = words.reference_tokenizer(words.user_words())[1]
    assert replaced > 0  # some user words are in jieba's dictionary already
    without = rjieba.Jieba()
    for word in sorted(words.user_words()):
        without.add_word(word, reference().FREQ[word], None)
    assert words.Segmenter(without).cut("元战采时按方量型", False) != list(reference().cut("元战采时按方量型", HMM=False))


def test_dict_txt_surplus_is_jiebas():
    """jieba's total exceeds the sum of its frequencies by the duplicated B超 line; rjieba's does not."""
    assert words.jieba_total_surplus(plain_jieba()) == words.DICT_TXT_SURPLUS == 3


TIES = ["区区区衢", "姐姐姐的", "天天天", "我常常常来", "哈哈哈哈哈哈", "看看看看"]


def test_exact_ties_go_jiebas_way_at_any_total():
    """An exact tie between two routes is decided by rounding, so by the total's last bits: over
    200 consecutive totals the Segmenter must decide each tie as jieba does (not just at ours)."""
    reference = jieba.Tokenizer()
    reference.initialize()
    base, fast = reference.total, rjieba.Jieba()
    segmenter, decided = words.Segmenter(fast), set()
    for extra in range(200):
        reference.total = base + extra
        fast.add_word(words._TOTAL_FILLER, words.DICT_TXT_SURPLUS + extra, None)
        for text in TIES:
            expected = list(reference.cut(text, HMM=False))
            assert segmenter.cut(text, False) == expected, (extra, text)
            decided.add((text, tuple(expected)))
    assert len(decided) > len(TIES)  # the ties really go both ways as the total changes


def test_words_of_letters_are_steps_and_undecided_ones_ask_jieba():
    """GDP is far likelier than G, D, P as single letters: the route takes it whole. Were it
    undecided, the Segmenter would ask jieba itself: same cut."""
    assert words.alnum_steps(reference()) == {"GDP": True, "RCEP": True}
    undecided = words.Segmenter(words.tokenizer()._fast, {"GDP": None, "RCEP": True}, reference)
    for text in ("增增GDP增增", "GDP", "在GDP中", "RCEP增增"):
        assert undecided.cut(text) == list(reference().cut(text)), text


def test_every_corpus_page_cuts_as_jieba():
    pages, _ = corpus.read_corpus(PROJECT / "corpus")
    assert len(pages) >= 5
    for page in pages:
        assert_cut_as_jieba(page.text)


CHARACTERS = st.sampled_from(list(
    "衢州市江区营商环境亩均增加值的了一是在不人有我这中大来上国个到说们为子和地出道也时年得就那要下以生会"
    "2023-2025GC60.5%_+#&abcXYZ \u3000\n\r\t\x1c\u00a0，。、“”（）《》……——：；？！·㐀㐁𠀀\uf900\u9fe0"))
RUNS = st.builds(lambda character, n: character * n, CHARACTERS, st.integers(2, 4))  # 区区区: exact ties
PIECES = st.one_of(CHARACTERS, RUNS, st.sampled_from(sorted(words.themes.theme_keywords())))


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_random_text_cuts_as_jieba(text):
    assert_cut_as_jieba(text)
