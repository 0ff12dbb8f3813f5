"""`python -m build_archive bench`: how fast the build is, how big the site, how quick the search.

Two halves:

- `synthetic_corpus(n, seed)`: a corpus of n articles in the raw page format of
  the samples (masthead, headlines, bylines, captions, column breaks), about 30
  articles a day over consecutive dates, text recombined from the sample
  articles' paragraphs as our own segmenter cuts them. Pure and deterministic;
  the segmenter must find exactly n articles in it (tests/test_bench.py), so a
  bench really runs segmentation.
- `run(args)`: writes that corpus to a work folder, runs the real build as a
  child process (wall time, peak memory of the whole process tree, the stage
  seconds the build prints, output sizes), then bare MkDocs + Pagefind over
  the same articles' Markdown, an incremental rebuild after one more day of
  pages, and search timings in headless Chromium over http (`search_timings`: a
  query put in the box of an open search page, and search.html?q=… opened, each
  to its first result on screen). Prints a table and
  Markdown rows for benchmarks/RESULTS.md; `--json` writes every figure.

The text's vocabulary is the samples': Pagefind's index and memory grow with the
number of distinct words, so figures for those are optimistic (GUIDE §2).
"""
from __future__ import annotations

import datetime as dt
import functools
import gzip
import http.server
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from build_archive.extract import corpus as corpus_io
from build_archive.search import parts, indexing, bigrams
from build_archive.progress import Progress, live
from build_archive.extract import segment
from build_archive.extract.page import district_names

PROJECT = Path(__file__).resolve().parents[2]
SAMPLES = PROJECT / "corpus"
CHROMIUM = "/usr/bin/chromium"
ARTICLES_PER_DAY = 30
START_DATE = dt.date(2015, 1, 1)

# The seven districts, with the short form headlines use (`柯城:…`, `江山 …`).
DISTRICTS = (("衢州市", "衢州"), ("柯城区", "柯城"), ("衢江区", "衢江"), ("龙游县", "龙游"),
             ("江山市", "江山"), ("常山县", "常山"), ("开化县", "开化"))
# Papers: name, masthead pinyin, publisher line (the shapes of the samples' chrome).
PAPERS = (("今日衢江", "JIN RI QU JIANG", "中共衢州市衢江区委主办 衢江传媒集团承办"),
          ("今日衢州", "JIN RI QU ZHOU", "衢州日报报业传媒集团主办"))
SLOGAN = ("富强 民主 文明 和谐", "自由 平等 公正 法治", "爱国 敬业 诚信 友善")
LEADS = ("{date},记者从{district}获悉,", "{date},在{district},", "{date}上午,{district}传来消息,")
WEEKDAYS = "一二三四五六日"


# --- the samples, cut by our own segmenter ------------------------------------------


@dataclass(frozen=True)
class Material:
    """What synthetic pages are made of: pieces of the sample articles."""

    paragraphs: tuple[str, ...]  # whole body paragraphs, each a finished sentence
    titles: tuple[str, ...]  # headline cores, district prefix removed
    kickers: tuple[str, ...]  # kicker and subhead lines
    section_heads: tuple[str, ...]
    names: tuple[str, ...]  # reporters' names (they pass the segmenter's name test)
    captions: tuple[str, ...]  # caption texts without photographer


@functools.lru_cache(maxsize=4)
def sample_material(samples_dir: Path = SAMPLES) -> Material:
    pages, _ = corpus_io.read_corpus(samples_dir)
    names = district_names()
    paragraphs, titles, kickers, heads, people, captions = [], [], [], [], [], []
    for page in pages:
        for article in segment.segment_page(page.text, page.source, names).articles:
            for block in article.body.split("\n\n"):
                if block.startswith("## "):
                    heads.append(block[3:])
                elif _usable_paragraph(block):
                    paragraphs.append(block)
            if article.headline_lines:
                titles.append(_core_title(article.title, names))
                kickers += (article.subtitle or "").split(" / ") if article.subtitle else []
            people += [a for a in article.authors if segment.is_person_name(a)]
            captions += [c.text for c in article.captions if c.text and _usable_caption(c.text)]
    kickers = [k for k in kickers if _usable_headline(k) and not segment.district_prefix(k, names)]
    titles = [t for t in titles if _usable_headline(t) and not segment.district_prefix(t, names)]
    heads = [h for h in heads if _usable_headline(h)]
    return Material(*(tuple(dict.fromkeys(x)) for x in (paragraphs, titles, kickers, heads, people, captions)))


def _usable_paragraph(text: str) -> bool:
    """A paragraph the segmenter reads as body text, ending a sentence (so not rejoined)."""
    return (len(text) > 40 and segment.is_sentence_end(text) and not segment.starts_like_fragment(text)
            and not segment.BYLINE_LEAD.match(text) and not segment.SIGNATURE.match(text) and "\n" not in text)


def _usable_headline(text: str) -> bool:
    return bool(text) and len(text) <= 30 and segment.is_headline_like(text) and not segment.caption_of(text)


def _usable_caption(text: str) -> bool:
    return len(text) <= 24 and segment.is_headline_like(text) and " " not in text


def _core_title(title: str, names: frozenset[str]) -> str:
    prefix = segment.district_prefix(title, names)
    return re.sub(r"^[\u4e00-\u9fff]{2,4}\s*[:：]?\s*", "", title, count=1) if prefix else title


# --- synthetic pages ---------------------------------------------------------------


def synthetic_corpus(n_articles: int, seed: int = 0, samples_dir: Path = SAMPLES) -> dict[str, str]:
    """{file name: page text} for `n_articles` articles, 30 a day from 2015-01-01.

    Day d depends only on (seed, d), so the corpus for n + 30 is the corpus for
    n (a multiple of 30) plus one more day: `day_pages(n // 30, seed)`.
    """
    files: dict[str, str] = {}
    day = 0
    while n_articles > 0:
        files.update(day_pages(day, seed, min(ARTICLES_PER_DAY, n_articles), samples_dir))
        n_articles -= ARTICLES_PER_DAY
        day += 1
    return files


def day_pages(day: int, seed: int = 0, n_articles: int = ARTICLES_PER_DAY, samples_dir: Path = SAMPLES) -> dict[str, str]:
    """One day's issue: its pages of 6–9 articles, the first with the full masthead."""
    material = sample_material(samples_dir)
    rng = random.Random(f"{seed}:{day}")
    date = START_DATE + dt.timedelta(days=day)
    paper = PAPERS[day % len(PAPERS)]
    # each article of the day opens with a different paragraph, after a lead
    # naming the date and the district: no two articles are ever the same
    openers = rng.sample(material.paragraphs, min(n_articles, len(material.paragraphs)))
    counts: list[int] = []
    left = n_articles
    while left > 0:
        counts.append(min(left, rng.randint(6, 9)))
        left -= counts[-1]
    files = {}
    ordinal = 0
    for number, count in enumerate(counts, start=1):
        lines = _page_chrome(rng, material, date, paper, number, day)
        comment_at = rng.randrange(count) if number > 1 and rng.random() < 0.5 else -1
        for k in range(count):
            district = DISTRICTS[(day * ARTICLES_PER_DAY + ordinal) % len(DISTRICTS)]
            opener = openers[ordinal % len(openers)]
            if k == comment_at:
                lines += _comment(rng, material, opener)
            else:
                lines += _article(rng, material, date, district, opener, top=(number == 1 and k == 0))
            ordinal += 1
        if rng.random() < 0.3:
            lines += ["", f"（本版图片由{rng.choice(DISTRICTS)[0]}委宣传部提供）"]
        files[f"{date.isoformat()}-{number:02d}.txt"] = "\n".join(lines).strip("\n") + "\n"
    return files


def _page_chrome(rng: random.Random, m: Material, date: dt.date, paper, number: int, day: int) -> list[str]:
    name, pinyin, publisher = paper
    date_line = f"{date.year}年{date.month}月{date.day}日 星期{WEEKDAYS[date.weekday()]}"
    editors = f"责任编辑:{rng.choice(m.names)} 版式:{rng.choice(m.names)}"
    if number == 1:  # the front page: slogan banner, publisher, date with lunar date, issue number
        return ["", "", *SLOGAN, "", publisher, f"{date_line} {lunar_date(date)}",
                f"{pinyin} 今日8版 总第{3000 + day}期", "", ""]
    return ["", "", f"## {name}", "", f"{number}版", "", editors, "", date_line, "", ""]


def _article(rng: random.Random, m: Material, date: dt.date, district: tuple[str, str], opener: str,
             top: bool) -> list[str]:
    full, short = district
    title = rng.choice(m.titles)
    style = "top" if top else rng.choice(("prefixed", "prefixed", "spaced", "reporter", "reporter"))
    lines: list[str] = []
    if rng.random() < 0.25:  # a photo above the headline; photos leave a blank box above their caption
        lines += ["", "", "", _caption(rng, m)]
    lead = rng.choice(LEADS).format(date=f"{date.year}年{date.month}月{date.day}日", district=full)
    if style == "top":
        lines += ["", f"# {short}:{title}", ""]
    elif style == "prefixed":
        lines += ["", f"## {short}:{title}", "", _names(rng, m), ""]
    elif style == "spaced":
        byline = _names(rng, m) if rng.random() < 0.85 else f"共享联盟{short}站"
        lines += ["", f"{short} {title}", "", byline, ""]
    else:  # kicker / title / subhead over a `本报讯（记者 …）` lead
        head = [title]
        if rng.random() < 0.5:
            head.insert(0, rng.choice(m.kickers))
        if rng.random() < 0.3:
            head.append(rng.choice(m.kickers))
        lines += ["", *[x for line in head for x in (line, "")]]
        lead = f"本报讯（记者 {_names(rng, m, 2)}）" + lead
    paragraphs = [lead + opener] + _pick(rng, m.paragraphs, rng.choice((1, 2, 2, 3, 3, 4, 5, 8)))
    heads = list(m.section_heads) if len(paragraphs) >= 6 else []
    for i, paragraph in enumerate(paragraphs):
        if i and heads and i % 3 == 0:  # a long feature gets section heads
            lines += ["", "## " + heads.pop(rng.randrange(len(heads))), ""]
        elif i and rng.random() < 0.15:
            lines += ["", "", "", _caption(rng, m), ""]
        lines += _column_breaks(rng, paragraph)
    return lines


def _comment(rng: random.Random, m: Material, opener: str) -> list[str]:
    """A `评论` column: label, paragraphs, the writer's signature (own line or after the text)."""
    lines = ["", "评论", ""]
    paragraphs = [opener] + _pick(rng, m.paragraphs, rng.randint(1, 3))
    signature = rng.choice(m.names)
    for paragraph in paragraphs[:-1]:
        lines += _column_breaks(rng, paragraph)
    if rng.random() < 0.5:
        lines += _column_breaks(rng, paragraphs[-1]) + ["", signature]
    else:
        lines += ["", f"{paragraphs[-1]} {signature}"]
    return lines


def _pick(rng: random.Random, pool, n: int) -> list[str]:
    return rng.sample(pool, min(n, len(pool)))


def _names(rng: random.Random, m: Material, most: int = 3) -> str:
    return " ".join(_pick(rng, m.names, rng.randint(1, most)))


def _caption(rng: random.Random, m: Material) -> str:
    return f"{rng.choice(m.captions)} {rng.choice(m.names)} 摄"


def _column_breaks(rng: random.Random, paragraph: str) -> list[str]:
    """The paragraph as printed: sometimes cut by a column break mid-sentence (the build rejoins it)."""
    if len(paragraph) < 100 or rng.random() < 0.7:
        return ["", paragraph]
    cuts = [i for i in range(45, len(paragraph) - 45)
            if not segment.is_sentence_end(paragraph[:i]) and paragraph[i - 1] not in "“‘「（("
            and not segment.starts_like_fragment(paragraph[i:]) and not paragraph[i].isspace()
            and not re.match(r"[，,。、；;：:！!？?”’」）)]", paragraph[i])]
    if not cuts:
        return ["", paragraph]
    cut = rng.choice(cuts)
    blanks = [""] if rng.random() < 0.5 else ["", "", ""]
    return ["", paragraph[:cut], *blanks, paragraph[cut:]]


def lunar_date(date: dt.date) -> str:
    """`农历壬寅年六月廿一`, as the samples' mastheads print it."""
    from lunardate import LunarDate

    convert = getattr(LunarDate, "from_solar_date", None) or LunarDate.fromSolarDate
    lunar = convert(date.year, date.month, date.day)
    stem, branch = "甲乙丙丁戊己庚辛壬癸"[(lunar.year - 4) % 10], "子丑寅卯辰巳午未申酉戌亥"[(lunar.year - 4) % 12]
    leap = lunar.is_leap_month if hasattr(lunar, "is_leap_month") else lunar.isLeapMonth  # renamed in lunardate 0.2.2
    month = ("闰" if leap else "") + "正二三四五六七八九十冬腊"[lunar.month - 1] + "月"
    tens, ones = divmod(lunar.day, 10)
    digits = "一二三四五六七八九十"
    day = {10: "初十", 20: "二十", 30: "三十"}.get(lunar.day) or "初十廿"[tens] + digits[ones - 1]
    return f"农历{stem}{branch}年{month}{day}"


def write_corpus(files: dict[str, str], folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, text in files.items():
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        total += len(data)
    return total


# --- measuring a child process ---------------------------------------------------------

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    """One child process, measured: wall time, output, memory of its whole process tree."""

    seconds: float
    returncode: int
    output: str
    peak_tree_mb: float  # largest sampled sum of memory (PSS) over the child and all its descendants
    peak_single_mb: float  # wait4: largest RSS of any one process of the tree (not sampled)
    cpu_seconds: float = 0.0  # user + system time of the tree (wait4)
    peak_by_kind_mb: dict[str, float] = field(default_factory=dict)  # build / mkdocs / pagefind, sampled
    samples: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, tree MB)


class TreeSampler(threading.Thread):
    """Every `interval` seconds, the memory (PSS) of a process and all its descendants, from /proc.

    Descendants are found by parent pid (this kernel has no /proc/PID/task/*/children),
    so MkDocs and Pagefind, children of the build, are counted while they run,
    together with the build process itself.
    """

    def __init__(self, root: int, started: float, interval: float = 0.1):
        super().__init__(daemon=True)
        self.root, self.started, self.interval = root, started, interval
        self.samples: list[tuple[float, float]] = []
        self.by_kind: dict[str, float] = {}
        self._kinds: dict[int, str] = {}
        self._parents: dict[int, int] = {}
        self._halt = threading.Event()
        self._ram_before = _ram_folder_mb()

    def run(self) -> None:
        began = time.monotonic()
        while not self._halt.is_set():
            self.sample()
            # every `interval` for the first half minute (short builds, short peaks), then every
            # 0.5 s: reading a large process's smaps_rollup takes CPU the build would otherwise have
            self._halt.wait(self.interval if time.monotonic() - began < 30 else max(self.interval, 0.5))

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def sample(self) -> None:
        # a process's parent is read once (cheap on a busy machine): it changes only
        # when the parent dies, and then the orphan leaves our tree anyway
        alive = {int(e.name) for e in os.scandir("/proc") if e.name.isdigit()}
        for pid in alive - self._parents.keys():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            self._parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
        for pid in self._parents.keys() - alive:
            del self._parents[pid]
        children: dict[int, list[int]] = {}
        for pid, ppid in self._parents.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        total = 0.0
        kinds: dict[str, float] = {}
        for pid in tree:
            rss = _memory_mb(pid)
            if rss is None:
                continue
            total += rss
            kind = self._kind(pid)
            kinds[kind] = kinds.get(kind, 0.0) + rss
        # the search parts being indexed in RAM (indexing.RAM_FOLDER) are memory too, held by no process
        ram = max(0.0, _ram_folder_mb() - self._ram_before)
        if total and ram:
            total += ram
            kinds["RAM folder"] = ram
        if total:
            self.samples.append((time.perf_counter() - self.started, total))
            for kind, mb in kinds.items():
                self.by_kind[kind] = max(self.by_kind.get(kind, 0.0), mb)

    def _kind(self, pid: int) -> str:
        if pid not in self._kinds or self._kinds[pid] == "build" and pid != self.root:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                cmdline = ""
            # Pagefind's Python wrapper exec()s the binary: same pid, new command line
            self._kinds[pid] = ("pagefind" if "pagefind" in cmdline else "mkdocs" if "mkdocs" in cmdline
                                else "build" if pid == self.root
                                else "build workers" if "build_archive" in cmdline or "multiprocessing" in cmdline
                                else "other")
        return self._kinds[pid]


def _ram_folder_mb() -> float:
    """MB in use on the RAM file system the build indexes its search parts in (0 if none)."""
    try:
        stats = os.statvfs(indexing.RAM_FOLDER)
    except OSError:
        return 0.0
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize / 1e6


def _memory_mb(pid: int) -> float | None:
    """Proportional set size (PSS): pages shared by forked workers and their parent
    are split between them, so the tree's sum does not count them twice. RSS where
    the kernel has no smaps_rollup."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1e3
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE / 1e6
    except (OSError, IndexError, ValueError):
        return None


def run_measured(command: list[str], log: Path, cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `command` to completion, its output to `log`; time it and sample its memory."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w+", encoding="utf-8") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=env)
        sampler = TreeSampler(proc.pid, started)
        sampler.start()
        # wait4 rather than wait: its rusage covers the child and every descendant it waited for
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    return Run(seconds, proc.returncode, output, max((mb for _, mb in sampler.samples), default=0.0),
               usage.ru_maxrss / 1e3, usage.ru_utime + usage.ru_stime, dict(sampler.by_kind), sampler.samples)


def child_env() -> dict:
    """The environment of the build: this checkout's package first (not another installed copy)."""
    path = os.pathsep.join(p for p in (str(PROJECT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def parse_build_output(text: str) -> dict:
    """The figures the build prints in its report (cli.build)."""
    found: dict = {"stages": {}}
    for key, pattern in (("pages", r"^pages read: (\d+)"), ("articles", r"^articles written: (\d+)"),
                         ("unaccounted", r"^characters: \d+ read, (\d+) unaccounted"),
                         ("docs_written", r"^docs: (\d+) files written")):
        m = re.search(pattern, text, re.MULTILINE)
        if m:
            found[key] = int(m.group(1))
    m = re.search(r"^seconds: (.*)$", text, re.MULTILINE)
    if m:
        found["stages"] = {name: float(secs) for name, secs in re.findall(r"([^\s,]+) (\d+(?:\.\d+)?)", m.group(1))}
    m = re.search(r"^warnings: (.*)$", text, re.MULTILINE)
    if m:
        found["warnings"] = m.group(1)
    # what the build says after its timings about caches and incremental work (`cache: 5 of 10 pages reused`)
    tail = text[text.index("\nseconds: ") + 1:].splitlines()[1:] if "\nseconds: " in text else []
    found["notes"] = [line for line in tail if re.match(r"^[a-z][\w -]*: ", line) and not line.startswith(("docs:", "site:"))]
    return found


def stage_peaks(run: Run, stages: dict[str, float]) -> dict[str, float]:
    """Peak tree RSS per stage, placing the stages one after another on the sampled timeline.

    The time the stages do not cover (interpreter start, imports) is put before
    the first; approximate, and left out when the stages overlap (sum > wall).
    """
    covered = sum(stages.values())
    if not stages or covered > run.seconds:
        return {}
    bounds, t = [], run.seconds - covered
    for name, secs in stages.items():
        bounds.append((name, t, t + secs))
        t += secs
    peaks: dict[str, float] = {}
    for at, mb in run.samples:
        for name, begin, end in bounds:
            if begin <= at < end:
                peaks[name] = max(peaks.get(name, 0.0), mb)
    return peaks


def bundle_sizes(site: Path) -> dict[str, int]:
    """Bytes of the whole site, of the Pagefind bundle(s) and of their file:// twins (offline/)."""
    bundles = [p.parent for p in site.rglob("pagefind-entry.json")]
    sizes = {"site": 0, "bundle": 0, "offline": 0, "files": 0}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        sizes["site"] += size
        sizes["files"] += 1
        bundle = next((b for b in bundles if path.is_relative_to(b)), None)
        if bundle is not None:
            sizes["offline" if "offline" in path.relative_to(bundle).parts else "bundle"] += size
    return sizes


def versions() -> dict[str, str]:
    from importlib import metadata

    found = {"python": platform.python_version()}
    for package in ("mkdocs", "mkdocs-material", "pagefind", "pagefind-bin-extended", "playwright"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    try:
        found["chromium"] = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True,
                                           timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return found


def machine() -> dict:
    ram = next((int(line.split()[1]) / 1e6 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal:")), 0.0)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"date": dt.date.today().isoformat(), "nproc": os.cpu_count(), "ram_gb": round(ram, 1),
            "cpu": cpu, "load_before": round(os.getloadavg()[0], 2), **versions()}


# --- the bare baselines ---------------------------------------------------------------

BARE_CONFIG = """\
site_name: bare
docs_dir: docs
site_dir: site
use_directory_urls: false
theme:
  name: material
  language: zh
  font: false
plugins: []
nav:
  - index.md
"""


def bare_baseline(docs: Path, site: Path, work: Path, log_dir: Path) -> dict:
    """Plain `mkdocs build` (Material, minimal nav, no plugins), then plain Pagefind, over our
    articles' Markdown, twice: with each article's search tokens appended (the bigram block the
    build gives Pagefind, parts.indexed_page, taken from our `site`), so that both index the same
    words, as every run before 2026-12-04 did (the tokens were then in docs/); and over the plain
    text, which Pagefind segments with jieba: a smaller index than the bigrams search needs."""
    tokens = _bare_run(docs, work / "tokens", log_dir, "bare", site)
    plain = _bare_run(docs, work / "plain", log_dir, "bare-plain", None)
    return {**tokens, "plain": plain}


def _bare_run(docs: Path, work: Path, log_dir: Path, name: str, site: Path | None) -> dict:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(docs / "articles", work / "docs" / "articles")
    if site is not None:
        for md in (work / "docs" / "articles").rglob("*.md"):
            html = (site / md.relative_to(work / "docs").with_suffix(".html")).read_text("utf-8")
            with md.open("a", encoding="utf-8") as out:
                out.write("\n" + bigrams.grams_block(parts.searched_text(html)) + "\n")
    (work / "docs" / "index.md").write_text("# bare\n", "utf-8")
    (work / "mkdocs.yml").write_text(BARE_CONFIG, "utf-8")
    mkdocs = run_measured([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(work / "mkdocs.yml")],
                          log_dir / f"{name}-mkdocs.log", cwd=work)
    if mkdocs.returncode:
        raise RuntimeError(f"bare mkdocs build failed:\n{mkdocs.output[-2000:]}")
    pagefind = run_measured([sys.executable, "-m", "pagefind_bin_extended", "--site", str(work / "site")],
                            log_dir / f"{name}-pagefind.log", cwd=work)
    if pagefind.returncode:
        raise RuntimeError(f"bare pagefind failed:\n{pagefind.output[-2000:]}")
    sizes = bundle_sizes(work / "site")
    return {
        "mkdocs_seconds": round(mkdocs.seconds, 2), "pagefind_seconds": round(pagefind.seconds, 2),
        "seconds": round(mkdocs.seconds + pagefind.seconds, 2),
        "mkdocs_peak_mb": round(mkdocs.peak_tree_mb), "pagefind_peak_mb": round(pagefind.peak_tree_mb),
        "pagefind_peak_single_mb": round(pagefind.peak_single_mb),
        "site_mb": round(sizes["site"] / 1e6, 2), "bundle_mb": round(sizes["bundle"] / 1e6, 2),
    }


# --- search in headless Chromium --------------------------------------------------------

# Ten queries, 2-6 characters: words found all over the corpus, one filtered by district, one
# sorted by date, and two bylines of the generated corpus (seed 0) that only a few parts hold.
QUERIES = ("衢江", "营商环境", "开门红", "亩均增", "法治体检", "高质量发展", "衢江?区县=柯城区",
           "营商环境?sort=date", "丰莉莎周云奇", "胡卓娜蒋君")
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}
# What a reader waits for, in the page's own clock (performance.now(): ms from navigation start).
# __qzFirstResult: the first .qz-result element on screen since the page opened or since the last
# query put in the search box (__qzTypedAt: that input event's time); __qzDoneAt: when the status
# line then says how many were found (or that the search failed).
SEARCH_PROBE = """
(() => {
  window.__qzFirstResult = null; window.__qzDoneAt = null; window.__qzTypedAt = null;
  document.addEventListener("input", (event) => {
    if (!event.target.matches || !event.target.matches(".qz-search__input")) return;
    window.__qzTypedAt = event.timeStamp; window.__qzFirstResult = null; window.__qzDoneAt = null;
  }, true);
  const observer = new MutationObserver((mutations) => {
    const now = performance.now();
    for (const m of mutations) {
      for (const node of m.addedNodes) {
        if (window.__qzFirstResult === null && node.nodeType === 1 && node.matches(".qz-result")) window.__qzFirstResult = now;
      }
      const status = (m.target.nodeType === 1 ? m.target : m.target.parentNode).closest?.(".qz-search__status");
      if (status && window.__qzDoneAt === null && /^(找到|没有找到|没有符合|搜索出错)/.test(status.textContent)) window.__qzDoneAt = now;
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();
"""
FIRST_RESULT_PROBE = SEARCH_PROBE  # the name benchmarks/ scripts used
# Milestones search.js and pagefind-loader.js mark (performance.mark), in the order they happen.
MARKS = ("qz-search-start", "qz-pagefind-ready", "qz-query", "qz-found", "qz-results")


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """A static host like GitHub Pages: `Cache-Control: max-age=600`, gzip for text files.

    Pagefind's chunks are gzipped by Pagefind itself and its wasm is sent as
    is, so the bytes counted for them do not depend on the host.
    """

    gzipped: dict[str, bytes] = {}
    # Keep-alive connections, as a real host keeps them (GitHub Pages speaks HTTP/2); without
    # TCP_NODELAY a response's headers and body, written apart, wait for a delayed ACK (~40 ms).
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_file() and path.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", ""):
            key = str(path)
            if key not in self.gzipped:
                self.gzipped[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            body = self.gzipped[key]
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wrote(len(body))
            return
        super().do_GET()

    def wrote(self, nbytes: int) -> None:
        """Called with the size of each gzipped body sent (a hook for byte counting)."""


def serve(site: Path, root: Path):
    """Serve `site` at http://127.0.0.1:PORT/archive/ (a sub-path, as a GitHub Pages project site)."""
    root.mkdir(parents=True, exist_ok=True)
    link = root / "archive"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(site.resolve(), target_is_directory=True)
    handler = type("Handler", (StaticHandler,), {"gzipped": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/archive/"


def _wire_sizes(page, finished: list) -> list[tuple[str, int]]:
    """(URL, bytes on the wire) of finished requests; a response from the browser cache counts 0.

    Playwright's request events, unlike a CDP session on the page, include the
    requests of a Web Worker (Pagefind can search in one).
    """
    # Chromium reports a body of 0 for a Worker's own script: take the page's resource timing then
    timing = dict(page.evaluate("() => performance.getEntriesByType('resource').map(e => [e.name, e.transferSize])"))
    sizes = []
    for request in finished:
        size = request.sizes()
        wire = size["responseBodySize"] + size["responseHeadersSize"]
        if size["responseBodySize"] == 0 and timing.get(request.url):
            wire = timing[request.url]
        sizes.append((request.url, max(0, wire)))
    return sizes


def _marks(page, since: float) -> dict[str, float]:
    """The first of each of MARKS at or after `since` (page clock), in ms after `since`."""
    marks = page.evaluate("() => performance.getEntriesByType('mark').map(m => [m.name, m.startTime])")
    out: dict[str, float] = {}
    for name, at in marks:
        if name in MARKS and at >= since and name not in out:
            out[name] = round(at - since, 1)
    return out


def _figures(page, query: str, finished: list, first_ms: float | None, fallback_ms: float, marks: dict) -> dict:
    text = page.locator(".qz-search__status").inner_text()
    sizes = _wire_sizes(page, finished)
    count = re.search(r"找到 (\d+)", text)
    return {
        "query": query, "results": int(count.group(1)) if count else 0, "error": "出错" in text,
        # first result element; with no result, when the status says so
        "first_result_ms": round(first_ms if first_ms is not None else fallback_ms, 1),
        "kb": round(sum(n for _, n in sizes) / 1e3, 1),
        "pagefind_kb": round(sum(n for url, n in sizes if "/pagefind/" in url) / 1e3, 1),
        "fragments": sum(1 for url, n in sizes if url.endswith(".pf_fragment") and n),
        "requests": len(sizes), "from_cache": sum(1 for _, n in sizes if n == 0),
        "marks": marks,
    }


def _settle(page, finished: list, timeout_ms: float, quiet_ms: int = 400) -> None:
    """Wait for the filter counts and then for no new request in `quiet_ms` (the query's last bytes)."""
    try:
        page.locator(".qz-search__filters[data-counts='complete']").wait_for(timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - a failed search never completes its counts; its bytes still count
        pass
    seen = -1
    while seen != len(finished):
        seen = len(finished)
        page.wait_for_timeout(quiet_ms)


def split_query(spec: str) -> tuple[str, str]:
    """A QUERIES entry: the words, then what else the search page's address says
    ("营商环境?sort=date": sorted newest first; "衢江?区县=柯城区": one district)."""
    words, _, rest = spec.partition("?")
    return words, "&".join(f"{urllib.parse.quote(k)}={urllib.parse.quote(v)}"
                           for k, v in urllib.parse.parse_qsl(rest, keep_blank_values=True))


def _measure_open(page, base: str, query: str, timeout_ms: float) -> dict:
    """Open search.html?q=… in `page`: ms from navigation start to the first result, bytes on the wire."""
    finished: list = []
    def listener(request):
        finished.append(request)

    page.on("requestfinished", listener)
    words, rest = split_query(query)
    page.goto(base + "search.html?q=" + urllib.parse.quote(words) + (f"&{rest}" if rest else ""))
    page.wait_for_function("() => window.__qzDoneAt !== null", timeout=timeout_ms)
    first, done = page.evaluate("() => [window.__qzFirstResult, window.__qzDoneAt]")
    page.wait_for_load_state("networkidle")
    _settle(page, finished, timeout_ms)
    page.remove_listener("requestfinished", listener)
    return _figures(page, query, finished, first, done, _marks(page, 0))


_measure_query = _measure_open  # the earlier name


def _open_empty(page, base: str, timeout_ms: float, rest: str = "") -> None:
    """Open search.html without a query (with the filters or sort in `rest`) and let it load
    (Pagefind ready, filter counts shown)."""
    page.goto(base + "search.html" + (f"?{rest}" if rest else ""))
    page.wait_for_load_state("networkidle")
    page.locator(".qz-search__filters[data-counts='complete']").wait_for(timeout=timeout_ms)


def _measure_typed(page, query: str, timeout_ms: float) -> dict:
    """Put `query` in the open search page's box as one input (as an IME commits a word, or a paste),
    replacing what is there: ms from that input event to the first result, bytes on the wire."""
    finished: list = []
    def listener(request):
        finished.append(request)

    page.on("requestfinished", listener)
    box = page.locator(".qz-search__input")
    box.select_text()
    page.keyboard.insert_text(split_query(query)[0])
    page.wait_for_function("() => window.__qzDoneAt !== null", timeout=timeout_ms)
    typed, first, done = page.evaluate("() => [window.__qzTypedAt, window.__qzFirstResult, window.__qzDoneAt]")
    _settle(page, finished, timeout_ms)
    page.remove_listener("requestfinished", listener)
    return _figures(page, query, finished, None if first is None else first - typed, done - typed,
                    _marks(page, typed))


def _summary(runs: list[dict]) -> dict:
    found = [r for r in runs if r["results"]] or runs
    marks = sorted({name for r in found for name in r["marks"]}, key=MARKS.index)
    return {"median_ms": round(statistics.median(r["first_result_ms"] for r in found), 1),
            "max_ms": round(max(r["first_result_ms"] for r in found), 1),
            "median_kb": round(statistics.median(r["kb"] for r in runs), 1),
            "max_kb": round(max(r["kb"] for r in runs), 1),
            "median_pagefind_kb": round(statistics.median(r["pagefind_kb"] for r in runs), 1),
            "median_marks": {name: round(statistics.median(r["marks"][name] for r in found if name in r["marks"]), 1)
                             for name in marks},
            "runs": runs}


def search_timings(site: Path, work: Path, queries=QUERIES, timeout_s: float = 120) -> dict:
    """What a reader waits for on the search page, over http. For each query, in a new browser
    context (empty cache):

    - "typed": search.html opened without a query and left to load, then the query put in its box:
      cold = that first query, warm = the next query put in the same page;
    - "open" (the keys "cold" and "warm"): search.html?q=… opened, then search.html?q=<next query>
      in the same context (warm: the page's files and Pagefind's runtime from the cache).
    """
    from playwright.sync_api import sync_playwright

    server, base = serve(site, work)
    cold, warm, typed_cold, typed_warm = [], [], [], []
    timeout_ms = timeout_s * 1000
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"])
            try:
                for i, query in enumerate(queries):
                    following = queries[(i + 1) % len(queries)]
                    for kind in ("typed", "open"):
                        context = browser.new_context(viewport={"width": 1280, "height": 900})
                        context.add_init_script(SEARCH_PROBE)
                        page = context.new_page()
                        if kind == "typed":
                            _open_empty(page, base, timeout_ms, split_query(query)[1])
                            typed_cold.append(_measure_typed(page, query, timeout_ms))
                            typed_warm.append(_measure_typed(page, following, timeout_ms))
                        else:
                            cold.append(_measure_open(page, base, query, timeout_ms))
                            warm.append(_measure_open(page, base, following, timeout_ms))
                        context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {"url": base + "search.html", "cold": _summary(cold), "warm": _summary(warm),
            "typed": {"cold": _summary(typed_cold), "warm": _summary(typed_warm)}}


# --- the bench ------------------------------------------------------------------------------

# Issue 8's targets (2 cores): {N it applies to: [(figure, limit, what)]}
TARGETS = {
    10_000: [("build.seconds", 120, "full build < 2 min"), ("bare.ratio", 1.3, "≤ 1.3× bare MkDocs + Pagefind"),
             ("bare.ratio_plain", None, "÷ bare over the plain text (no search tokens)"),
             ("incremental.seconds", 15, "+1 day rebuild < 15 s"),
             ("search.typed.cold.median_ms", 300, "a query's first results < 300 ms"),
             ("search.typed.cold.median_kb", 500, "< 500 KB per query"),
             ("search.cold.median_ms", None, "search.html?q=… to first results"),
             ("search.cold.median_kb", None, "search.html?q=… KB (page + query)")],
    100_000: [("build.seconds", 1200, "full build < 20 min"), ("build.peak_mb", 4000, "peak < 4 GB")],
}


def _get(results: dict, dotted: str):
    for key in dotted.split("."):
        results = results.get(key) if isinstance(results, dict) else None
    return results


@functools.lru_cache(maxsize=1)
def build_options() -> str:
    """`build --help`: which options this version of the build has."""
    return subprocess.run([sys.executable, "-m", "build_archive", "build", "--help"], capture_output=True,
                          text=True, env=child_env()).stdout


def build_once(corpus: Path, docs: Path, site: Path, logs: Path, name: str) -> tuple[Run, dict]:
    command = [sys.executable, "-m", "build_archive", "build", "--corpus", str(corpus), "--docs", str(docs),
               "--site", str(site)]
    if "--cache" in build_options():  # the bench's own cache: cold for the full build, never the project's
        command += ["--cache", str(corpus.parent / "cache")]
    run = run_measured(command, logs / f"{name}.log", cwd=logs, env=child_env())
    if run.returncode:
        raise RuntimeError(f"the {name} build failed (exit {run.returncode}); log: {logs / f'{name}.log'}\n"
                           + run.output[-3000:])
    return run, parse_build_output(run.output)


def build_figures(run: Run, parsed: dict, site: Path) -> dict:
    articles = parsed.get("articles", 0)
    sizes = bundle_sizes(site)
    return {
        "seconds": round(run.seconds, 2), "cpu_seconds": round(run.cpu_seconds, 2),
        "articles": articles, "pages": parsed.get("pages", 0), "unaccounted": parsed.get("unaccounted"),
        "warnings": parsed.get("warnings", ""),
        "articles_per_s": round(articles / run.seconds, 1) if run.seconds else 0,
        "stages": parsed["stages"], "notes": parsed["notes"],
        "stage_peak_mb": {k: round(v) for k, v in stage_peaks(run, parsed["stages"]).items()},
        "peak_mb": round(run.peak_tree_mb), "peak_single_mb": round(run.peak_single_mb),
        "peak_by_process_mb": {k: round(v) for k, v in sorted(run.peak_by_kind_mb.items())},
        "site_mb": round(sizes["site"] / 1e6, 2), "files": sizes["files"],
        "bundle_mb": round(sizes["bundle"] / 1e6, 2), "offline_mb": round(sizes["offline"] / 1e6, 2),
        "mb_per_1000": round(sizes["site"] / 1e6 / articles * 1000, 2) if articles else 0,
    }


def run_bench(n: int, work: Path, seed: int = 0, build: bool = True, browser: bool = True, bare: bool = True,
              incremental: bool = True, queries=QUERIES, log=print, progress: Progress | None = None) -> dict:
    """`progress` (progress.py) shows each phase as it goes; `log` says what is being done."""
    progress = progress or Progress()
    corpus, docs, site, logs = work / "corpus", work / "docs", work / "site", work / "logs"
    results: dict = {"n": n, "seed": seed, "machine": machine()}
    if build:
        log(f"generating {n:,} articles into {corpus} …")
        started = time.perf_counter()
        if corpus.exists():
            shutil.rmtree(corpus)
        size = files = 0
        days = -(-n // ARTICLES_PER_DAY)
        with progress.stage("generate", total=days, unit="days") as stage:
            for day in range(days):  # one day at a time: 100,000 articles are ~190 MB of text
                pages = day_pages(day, seed, min(ARTICLES_PER_DAY, n - day * ARTICLES_PER_DAY))
                size += write_corpus(pages, corpus)
                files += len(pages)
                stage.advance()
        results["corpus"] = {"files": files, "mb": round(size / 1e6, 2),
                             "generate_seconds": round(time.perf_counter() - started, 2)}
        for folder in (docs, site, work / "cache"):
            if folder.exists():
                shutil.rmtree(folder)
        log("full build …")
        with progress.stage("build", unit="articles") as stage:
            run, parsed = build_once(corpus, docs, site, logs, "build")
            results["build"] = build_figures(run, parsed, site)
            stage.advance(results["build"]["articles"])
        if results["build"]["articles"] != n:
            log(f"warning: the build found {results['build']['articles']:,} articles, not {n:,}")
    elif not (site / "index.html").exists():
        raise RuntimeError(f"--no-build needs an earlier build in {work} (run once with --keep {work})")
    elif (work / "bench.json").exists():  # a run in pieces: the build's figures come from the first piece
        earlier = json.loads((work / "bench.json").read_text("utf-8"))
        results.update({k: earlier[k] for k in ("corpus", "build") if k in earlier and earlier.get("n") == n})
    if browser:
        log("search timings in headless Chromium …")
        with progress.stage("search", unit="queries") as stage:
            results["search"] = search_timings(site, work / "www", queries)
            stage.advance(len(queries))
    if bare:
        log("bare MkDocs + Pagefind over the same articles …")
        with progress.stage("bare"):
            results["bare"] = bare_baseline(docs, site, work / "bare", logs)
        if "build" in results:
            results["bare"]["ratio"] = round(results["build"]["seconds"] / results["bare"]["seconds"], 2)
            results["bare"]["ratio_plain"] = round(results["build"]["seconds"] / results["bare"]["plain"]["seconds"], 2)
    if incremental:
        day = len({p.name[:10] for p in corpus.glob("*.txt")})  # days are consecutive from START_DATE
        added = day_pages(day, seed)
        write_corpus(added, corpus)
        log(f"incremental: +{ARTICLES_PER_DAY} articles ({len(added)} page files of {START_DATE + dt.timedelta(days=day)}) …")
        with progress.stage("incremental", unit="articles") as stage:
            run, parsed = build_once(corpus, docs, site, logs, "incremental")
            stage.advance(ARTICLES_PER_DAY)
        results["incremental"] = {
            "added": ARTICLES_PER_DAY, "articles": parsed.get("articles", 0), "seconds": round(run.seconds, 2),
            "stages": parsed["stages"], "peak_mb": round(run.peak_tree_mb), "notes": parsed["notes"],
        }
    results["targets"] = [
        {"n": target_n, "what": what, "figure": key, "limit": limit, "value": _get(results, key),
         "met": None if _get(results, key) is None or limit is None else _get(results, key) <= limit}
        for target_n, rows in TARGETS.items() if target_n == n for key, limit, what in rows
    ]
    (work / "bench.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return results


# --- output ----------------------------------------------------------------------------------


def _bare_line(label: str, x: dict, ratio: float | None) -> str:
    return (f"{label}: mkdocs build {x['mkdocs_seconds']} s ({x['mkdocs_peak_mb']} MB) + pagefind"
            f" {x['pagefind_seconds']} s ({x['pagefind_peak_mb']} MB) = {x['seconds']} s"
            + (f"; ours / bare = {ratio}" if ratio is not None else "")
            + f" (bare site {x['site_mb']} MB, bundle {x['bundle_mb']} MB)")


def format_report(r: dict) -> str:
    m = r["machine"]
    out = [f"bench: {r['n']:,} articles (seed {r['seed']}) on {m['nproc']} cores, {m['ram_gb']} GB RAM,"
           f" load {m['load_before']} at start; Python {m['python']}, MkDocs {m.get('mkdocs')},"
           f" Material {m.get('mkdocs-material')}, Pagefind {m.get('pagefind-bin-extended')}"]
    if "corpus" in r:
        c = r["corpus"]
        out.append(f"corpus: {c['files']:,} page files, {c['mb']} MB, generated in {c['generate_seconds']} s")
    b = r.get("build")
    if b:
        out += ["", "full build           seconds   articles/s   peak MB (tree PSS, approx.)"]
        for stage, secs in b["stages"].items():
            rate = f"{b['articles'] / secs:>12,.0f}" if secs else f"{'—':>12}"
            out.append(f"  {stage:<18} {secs:>8.2f} {rate}   {b['stage_peak_mb'].get(stage, '—'):>8}")
        out.append(f"  {'total (wall)':<18} {b['seconds']:>8.2f} {b['articles_per_s']:>12,.0f}   {b['peak_mb']:>8}"
                   f"   (CPU {b['cpu_seconds']:.1f} s)")
        out.append(f"articles: {b['articles']:,} from {b['pages']:,} pages, {b['unaccounted']} characters unaccounted;"
                   f" warnings: {b['warnings']}")
        out.append("peak memory: process tree " + f"{b['peak_mb']} MB (sum of PSS, sampled every 0.1 s, after 30 s every 0.5 s); largest"
                   f" single process {b['peak_single_mb']} MB RSS (wait4); by process: "
                   + ", ".join(f"{k} {v} MB" for k, v in b["peak_by_process_mb"].items()))
        out += [f"  {note}" for note in b["notes"]]
        out.append(f"output: site {b['site_mb']} MB in {b['files']:,} files = {b['mb_per_1000']} MB per 1,000 articles;"
                   f" Pagefind bundle {b['bundle_mb']} MB; file:// twins {b['offline_mb']} MB")
    if "bare" in r:
        x = r["bare"]
        out.append(_bare_line("bare, with the search tokens", x, x.get("ratio")))
        if "plain" in x:
            out.append(_bare_line("bare, plain text (Pagefind's own jieba words)", x["plain"], x.get("ratio_plain")))
    if "incremental" in r:
        x = r["incremental"]
        out.append(f"incremental (+{x['added']} articles, one day, rebuilt in place): {x['seconds']} s,"
                   f" {x['articles']:,} articles, peak {x['peak_mb']} MB; stages: "
                   + ", ".join(f"{k} {v:.2f}" for k, v in x["stages"].items()))
        out += [f"  {note}" for note in x["notes"]]
    if "search" in r:
        s = r["search"]
        out.append("")
        out.append(f"search over http ({s['url']}), medians of {len(s['cold']['runs'])} queries;"
                   " ms to the first result on screen, KB on the wire for the whole query:")
        rows = [("typed cold", "query put in the box of a loaded search page", s.get("typed", {}).get("cold")),
                ("typed warm", "the next query in that page", s.get("typed", {}).get("warm")),
                ("open cold", "search.html?q=… opened, empty cache, from navigation start", s["cold"]),
                ("open warm", "the next search.html?q=… in that browser", s["warm"])]
        for name, what, x in rows:
            if not x:
                continue
            steps = " · ".join(f"{k.removeprefix('qz-')} {v:.0f}" for k, v in x.get("median_marks", {}).items())
            out.append(f"  {name:<10} {x['median_ms']:>6.0f} ms (max {x['max_ms']:.0f}), {x['median_kb']:>4.0f} KB"
                       f" (max {x['max_kb']:.0f}; Pagefind {x['median_pagefind_kb']:.0f})  {what}")
            if steps:
                out.append(f"  {'':<10} marks (ms): {steps}")
        pairs = [("typed", s["typed"]["cold"]["runs"], s["typed"]["warm"]["runs"])] if "typed" in s else []
        pairs.append(("open", s["cold"]["runs"], s["warm"]["runs"]))
        for kind, colds, warms in pairs:
            for cold, warm in zip(colds, warms):
                out.append(f"    {kind} cold {cold['query']}: {cold['results']:,} results, {cold['first_result_ms']:.0f} ms,"
                           f" {cold['kb']:.0f} KB in {cold['requests']} requests ({cold['fragments']} fragments)"
                           f" | warm {warm['query']}: {warm['first_result_ms']:.0f} ms, {warm['kb']:.0f} KB,"
                           f" {warm['from_cache']} of {warm['requests']} requests from cache")
    if r.get("targets"):
        out += ["", f"targets for N = {r['n']:,} (issue 8):"]
        for t in r["targets"]:
            verdict = ("(for the record)" if t["limit"] is None else "—" if t["met"] is None
                       else "met" if t["met"] else "NOT met")
            out.append(f"  {t['what']:<34} {t['value'] if t['value'] is not None else '—':>10}  {verdict}")
    out += ["", "rows for benchmarks/RESULTS.md:", markdown_rows(r)]
    return "\n".join(out)


SUMMARY_HEADER = ("| date | N | cores | load | full build s | CPU s | articles/s | ours ÷ bare | peak MB | site MB"
                  " | MB / 1,000 | bundle MB | +1 day s | query cold ms | query KB | query warm ms"
                  " | open cold ms | open KB | open warm ms |")


def markdown_rows(r: dict) -> str:
    """One row for each table of benchmarks/RESULTS.md (summary, then stages)."""
    b, s = r.get("build", {}), r.get("search", {})

    def cell(value, fmt="{:,}"):
        return "—" if value is None else fmt.format(value)

    summary = [r["machine"]["date"], f"{r['n']:,}", r["machine"]["nproc"], r["machine"]["load_before"],
               cell(b.get("seconds"), "{:,.1f}"), cell(b.get("cpu_seconds"), "{:,.1f}"),
               cell(b.get("articles_per_s"), "{:,.0f}"), cell(r.get("bare", {}).get("ratio"), "{:.2f}"),
               cell(b.get("peak_mb")), cell(b.get("site_mb"), "{:,.1f}"), cell(b.get("mb_per_1000"), "{:.1f}"),
               cell(b.get("bundle_mb"), "{:,.1f}"), cell(r.get("incremental", {}).get("seconds"), "{:.1f}"),
               cell(_get(s, "typed.cold.median_ms"), "{:.0f}"), cell(_get(s, "typed.cold.median_kb"), "{:.0f}"),
               cell(_get(s, "typed.warm.median_ms"), "{:.0f}"),
               cell(_get(s, "cold.median_ms"), "{:.0f}"), cell(_get(s, "cold.median_kb"), "{:.0f}"),
               cell(_get(s, "warm.median_ms"), "{:.0f}")]
    stages = " · ".join(f"{k} {v:.1f}" for k, v in b.get("stages", {}).items()) or "—"
    peaks = " · ".join(f"{k} {v}" for k, v in b.get("stage_peak_mb", {}).items()) or "—"
    bare = r.get("bare")
    bare_cell = f"{bare['mkdocs_seconds']:.1f} + {bare['pagefind_seconds']:.1f}" if bare else "—"
    return ("| " + " | ".join(str(x) for x in summary) + " |\n"
            + f"| {r['n']:,} | {stages} | {peaks} | {bare_cell} |")


# --- command line -------------------------------------------------------------------------------


def add_arguments(parser) -> None:
    parser.add_argument("--articles", type=int, default=1000, help="how many articles to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (corpus, docs, site, logs)")
    parser.add_argument("--queries", help=f"comma-separated search queries (default {','.join(QUERIES)})")
    parser.add_argument("--no-build", action="store_true", help="reuse the build kept in --keep DIR")
    parser.add_argument("--no-browser", action="store_true", help="skip the search timings in Chromium")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare MkDocs + Pagefind baseline")
    parser.add_argument("--no-incremental", action="store_true", help="skip the one-more-day rebuild")


def run(args) -> int:
    if args.articles < 1:
        print("error: --articles must be at least 1", file=sys.stderr)
        return 2
    if args.no_build and not args.keep:
        print("error: --no-build needs --keep DIR with an earlier build", file=sys.stderr)
        return 2
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="archive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    queries = tuple(q.strip() for q in args.queries.split(",") if q.strip()) if args.queries else QUERIES
    progress = live(sys.stderr)  # stdout holds the report: phases and their rates go to stderr
    try:
        results = run_bench(args.articles, work, args.seed, build=not args.no_build, browser=not args.no_browser,
                            bare=not args.no_bare, incremental=not args.no_incremental, queries=queries,
                            log=lambda text: print(text, file=sys.stderr, flush=True), progress=progress)
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        progress.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(format_report(results))
    return 0
