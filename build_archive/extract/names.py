"""Is a token a person's name? (surnames from build_archive/data/surnames.txt; pure)."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from build_archive.extract.fold import characters


@lru_cache(maxsize=1)
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    text = resources.files("build_archive").joinpath("data/surnames.txt").read_text("utf-8")
    words = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


# an organisation signing a story: `共享联盟衢江站`, `龙游县融媒体中心` (a byline, not a person)
ORG_BYLINE = re.compile(r"^[\u4e00-\u9fff]{4,10}(站|融媒体中心|新闻中心|工作室|通讯组|报道组)$")
PLACE_SUFFIX = re.compile(r"(省|市|县|区|镇|乡|村|街道|社区|站|港)$")  # `华埠镇`, `余东村` are no names

def is_person_name(token: str) -> bool:
    single, double = _surnames()
    token = characters(token)  # mirror sites print 記者 徐曉嵐, 鄭麗萍
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", token) or PLACE_SUFFIX.search(token):
        return False
    return token[:2] in double or (token[0] in single and len(token) <= 3)
