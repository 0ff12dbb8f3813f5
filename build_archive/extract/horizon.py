"""What an article may "see" of the archive (pure): its keyword IDF and its
related candidates are taken over the articles dated on or before its
horizon, so that adding a newer day changes no older article's page (issue 8:
a +1-day rebuild must re-render that day's pages, not a quarter of the
archive).

An article's horizon is max(its date, the base date); the base date is the
date of the archive's BASE_ARTICLES-th oldest dated article (the newest date
if there are fewer). So the oldest BASE_ARTICLES articles (and every article
of the base date) share one view of the archive, large enough for a
meaningful IDF and enough related candidates, and each later article sees the
archive as it stood on its own day. An archive with fewer than
BASE_ARTICLES dated articles is all base: every article sees all of it, as
before.

Undated articles come first in the index order (`datafiles.chronological`):
they count as part of every article's view, and themselves see the whole
archive (horizon None); so adding a day may change an undated article's
keywords and related list. Backfilling an old day changes the view of every
article dated on or after it: that costs a larger rebuild, once.

Dates are compared as strings (YYYY-MM-DD | YYYY-MM | YYYY), the order of
the index pages: a month-precision date counts as before that month's days.
"""
from __future__ import annotations

from typing import Iterable

BASE_ARTICLES = 1000  # K: the oldest K dated articles share one view of the archive


def base_date(dates: Iterable[str | None], base: int | None = None) -> str | None:
    """The date of the `base`-th (default BASE_ARTICLES) oldest dated article
    (the newest date if fewer); None if none is dated."""
    base = BASE_ARTICLES if base is None else base
    dated = sorted(d for d in dates if d)
    return dated[min(base, len(dated)) - 1] if dated else None


def horizon(date: str | None, base: str | None) -> str | None:
    """The newest date an article with this date sees; None = the whole archive (undated)."""
    if not date:
        return None
    return max(date, base) if base else date
