"""Reading the corpus: encodings, broken files, `sources.yml` problems (no site build)."""
from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from build_archive.extract import corpus

TEXT = (
    "今日衢州\n\n柯城区举办春季招聘会\n\n"
    "本报讯（记者 张三）4月4日，柯城区在人民广场举办春季招聘会，共有120家企业参加，提供就业岗位3000余个。\n\n"
    "据介绍，这次招聘会重点面向高校毕业生和返乡青年，现场达成就业意向800余人。\n"
)


def kinds(issues) -> list[str]:
    return [issue.kind for issue in issues]


# --- encodings -------------------------------------------------------------------------

ENCODED = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8 with BOM": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "utf-16-le with BOM": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf-16-be with BOM": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "utf-32 with BOM": TEXT.encode("utf-32"),
    "gb18030": TEXT.encode("gb18030"),
    "gbk": TEXT.encode("gbk"),
    "gbk, one line": "衢州市召开工业大会".encode("gbk"),  # too short for charset-normalizer to guess right
}


@pytest.mark.parametrize("name", ENCODED)
def test_each_encoding_is_read(name):
    text, issues = corpus.decode(ENCODED[name], "page.txt")
    assert issues == []
    assert text == ("衢州市召开工业大会" if name == "gbk, one line" else TEXT)


@pytest.mark.parametrize("wrong", ["big5", "euc_jp", "cp949", "latin-1", "cp1252"])
def test_mojibake_does_not_look_chinese(wrong):
    assert corpus.looks_chinese(TEXT)
    assert not corpus.looks_chinese(TEXT.encode("gbk").decode(wrong, errors="replace"))
    assert not corpus.looks_chinese(TEXT.encode("utf-8").decode(wrong, errors="replace"))
    assert not corpus.looks_chinese(TEXT.encode("utf-8").decode("gb18030", errors="replace"))


@pytest.mark.parametrize("data", [
    ("Café crème à la française, déjà vu. " * 40).encode("latin-1"),
    random.Random(6).randbytes(4000).replace(b"\x00", b"\x01"),  # random bytes, no NUL
    TEXT.encode("utf-8").decode("latin-1").encode("utf-8"),  # UTF-8 encoded twice
], ids=["latin-1", "random", "double-utf8"])
def test_undecodable_file_is_skipped_with_its_name(data):
    text, issues = corpus.decode(data, "dir/bad.txt")
    assert text is None
    assert kinds(issues) == ["undecodable"]
    assert "dir/bad.txt" in str(issues[0]) and "skipped" in issues[0].message


def test_a_few_broken_utf8_bytes_are_replaced_and_counted():
    data = TEXT.encode("utf-8")[:-5]  # `人。\n` at the end cut in the middle of 人
    text, issues = corpus.decode(data, "cut.txt")
    assert text.endswith("余\ufffd")
    assert kinds(issues) == ["invalid-bytes"]
    assert issues[0].message.startswith("1 ") and issues[0].line == 7


# --- broken files ----------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
def test_empty_files(data):
    text, issues = corpus.decode(data, "empty.txt")
    assert text is None and kinds(issues) == ["empty"]


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    random.Random(7).randbytes(3000).replace(b"\x00", b"") + b"\x00",  # one NUL, and not text
    TEXT.encode("utf-16-le"),  # UTF-16 without a byte order mark
], ids=["png", "one-nul", "utf-16-no-bom"])
def test_binary_file(data):
    text, issues = corpus.decode(data, "photo.txt")
    assert text is None and kinds(issues) == ["binary"]


def test_windows_and_old_mac_line_endings_are_plain_line_breaks():
    for data in (TEXT.replace("\n", "\r\n").encode("utf-8"), TEXT.replace("\n", "\r").encode("gbk")):
        assert corpus.decode(data, "p.txt") == (TEXT, [])


def test_control_characters_are_removed_and_counted():
    dirty = TEXT.replace("柯城区举办", "柯城区\x07举办\x1b").replace("据介绍", "据\x00介\x7f绍")
    text, issues = corpus.decode(codecs.BOM_UTF8 + dirty.encode("utf-8"), "p.txt")
    assert text == TEXT
    assert kinds(issues) == ["control-characters"]
    assert issues[0].line == 3
    assert issues[0].message == "removed 4 control character(s): U+0000 ×1, U+0007 ×1, U+001B ×1, U+007F ×1"


def test_too_large_file_is_not_read(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    big.write_bytes(TEXT.encode("utf-8") * (20_000_000 // len(TEXT.encode("utf-8"))))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a too-large file"))
    text, issues = corpus.read_page(big, "huge.txt")
    assert text is None and kinds(issues) == ["too-large"]
    assert "20.0 MB" in issues[0].message and "2 MB" in issues[0].message


def test_bad_files_are_skipped_and_the_rest_is_read(tmp_path):
    (tmp_path / "good.txt").write_bytes(ENCODED["gbk"])
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good16.txt").write_bytes(ENCODED["utf-16-le with BOM"])
    (tmp_path / "sub" / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "notes.md").write_text("not a page dump")
    pages, issues = corpus.read_corpus(tmp_path)
    assert [(p.source, p.text) for p in pages] == [("good.txt", TEXT), ("sub/good16.txt", TEXT)]
    assert sorted((i.source, i.kind) for i in issues) == [("binary.txt", "binary"), ("sub/empty.txt", "empty")]


def test_the_encoding_memo_skips_the_check_for_bytes_read_before(tmp_path, monkeypatch):
    for name, data in ENCODED.items():
        (tmp_path / f"{name}.txt").write_bytes(data)
    (tmp_path / "mojibake.txt").write_bytes("衢州市召开工业大会".encode("gbk").decode("latin-1").encode("utf-8"))
    plain = corpus.read_corpus(tmp_path)
    first = corpus.EncodingMemo({}, {})
    assert corpus.read_corpus(tmp_path, first) == plain  # same pages, same issues
    assert sorted(set(first.current.values())) == ["gb18030", "utf-16", "utf-32", "utf-8-sig", "utf_8"]
    read = {(tmp_path / p.source).read_bytes() for p in plain[0]}
    assert len(first.current) == len(read) == len(ENCODED)  # gbk = gb18030 bytes here; the mojibake is read too
    # the next build: no check for bytes read before; a changed file is checked again
    (tmp_path / "gbk, one line.txt").write_bytes("衢州市召开工业大会。".encode("gbk"))
    checked = []
    real = corpus.looks_chinese
    monkeypatch.setattr(corpus, "looks_chinese", lambda text: checked.append(text) or real(text))
    second = corpus.EncodingMemo(first.current, {})
    pages, issues = corpus.read_corpus(tmp_path, second)
    assert sorted(p.text for p in pages) == sorted([p.text for p in plain[0] if p.text != "衢州市召开工业大会"]
                                                   + ["衢州市召开工业大会。"])
    assert TEXT not in checked and "衢州市召开工业大会。" in checked
    assert len(second.current) == len(first.current)  # the old bytes of the changed file are not kept
    assert set(second.current) != set(first.current)


def test_link_out_of_the_corpus_is_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(TEXT, "utf-8")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "link.txt").symlink_to(secret)
    pages, issues = corpus.read_corpus(tmp_path / "corpus")
    assert pages == [] and kinds(issues) == ["outside-corpus"]


# --- sources.yml -----------------------------------------------------------------------


def load(tmp_path, text: str | bytes):
    path = tmp_path / "sources.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return corpus.load_sources(path, "sources.yml")


def test_good_sources(tmp_path):
    facts, issues = load(tmp_path, "# comment\nfiles:\n  a.txt:\n    date: 2023-04\n    page: 3\n  b.txt: {}\n  c.txt:\n")
    assert issues == []
    assert facts == {"a.txt": {"line": 3, "date": "2023-04", "page": "3"}, "b.txt": {"line": 6}, "c.txt": {"line": 7}}


def test_malformed_yaml_names_the_line(tmp_path):
    facts, issues = load(tmp_path, "files:\n  a.txt:\n    date: 2023-04\n  b.txt: [unclosed\n  c.txt: {}\n")
    assert facts == {}
    assert [(i.kind, i.source, i.line) for i in issues] == [("bad-sources", "sources.yml", 5)]
    assert "not valid YAML" in issues[0].message


@pytest.mark.parametrize("text", ["- a.txt\n- b.txt\n", "files: [a.txt]\n", "file:\n  a.txt: {}\n"])
def test_sources_without_a_files_mapping(tmp_path, text):
    facts, issues = load(tmp_path, text)
    assert facts == {} and kinds(issues) == ["bad-sources"] and issues[0].line == 1


def test_bad_date_names_the_line_and_key(tmp_path):
    facts, issues = load(tmp_path, "files:\n  a.txt:\n    paper: 衢州日报\n    date: 2023-02-30\n  b.txt:\n    date: 上周\n")
    assert facts == {"a.txt": {"line": 2, "paper": "衢州日报"}, "b.txt": {"line": 5}}
    assert [(i.line, i.message.split(":")[0:2]) for i in issues] == [(4, ["a.txt", " date"]), (6, ["b.txt", " date"])]
    assert "2023-02-30" in issues[0].message and "上周" in issues[1].message


def test_unknown_keys_and_wrong_values_name_their_line(tmp_path):
    text = "files:\n  a.txt:\n    dat: 2023\n    paper:\n      - 衢州日报\n  b.txt: just text\n  a.txt:\n    page: 2\n"
    facts, issues = load(tmp_path, text)
    assert [(i.line, i.message) for i in issues] == [
        (3, "a.txt: unknown key 'dat' (known: date, note, page, paper, title, url)"),
        (4, "a.txt: paper: expected a single value, not a list or mapping"),
        (6, "b.txt: expected a mapping of facts"),
        (7, "a.txt: listed twice (first on line 2); this entry wins"),
    ]
    assert facts == {"a.txt": {"line": 7, "page": "2"}}


def test_sources_not_utf8(tmp_path):
    facts, issues = load(tmp_path, "files:\n  a.txt:\n    paper: 衢州日报\n".encode("gbk"))
    assert facts == {} and kinds(issues) == ["bad-sources"] and "not UTF-8" in issues[0].message


def test_sources_naming_a_missing_file(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    (tmp_path / "sources.yml").write_text("files:\n  a.txt:\n    date: 2023-04\n  gone.txt:\n    date: 2023\n", "utf-8")
    pages, issues = corpus.read_corpus(tmp_path)
    assert pages[0].facts == {"line": 2, "date": "2023-04"}
    assert [(i.kind, i.source, i.line, i.message) for i in issues] == [
        ("bad-sources", "sources.yml", 4, "gone.txt: no such page file beside sources.yml")]
