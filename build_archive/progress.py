"""Stage timing and progress for long builds.

The pipeline runs each stage inside `progress.stage(name, total)`, which times it
into the report and yields a `Stage` the stage ticks (`advance`). What the user
sees is the command line's choice: nothing (tests, the library), one plain line
per finished stage (CI logs, pipes), or live bars with rates and the time left
(`rich`, on a terminal).
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

from build_archive.models import Report


class Stage:
    """One stage's counter: `advance` as items are done; `total` may be learnt late."""

    def __init__(self, name: str, total: int | None, unit: str):
        self.name, self.total, self.unit = name, total, unit
        self.done = 0
        self.started = time.perf_counter()

    def set_total(self, total: int) -> None:
        self.total = total
        self._changed()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._changed()

    def _changed(self) -> None:  # a display overrides this
        pass


class Progress:
    """Times stages into a report; shows nothing."""

    def __init__(self, report: Report | None = None):
        self.report = report

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "") -> Iterator[Stage]:
        stage = self._open(name, total, unit)
        try:
            yield stage
        finally:
            if self.report is not None:
                self.report.time(name, stage.started)
            self._close(stage)

    def _open(self, name: str, total: int | None, unit: str) -> Stage:
        return Stage(name, total, unit)

    def _close(self, stage: Stage) -> None:
        pass

    def stop(self) -> None:
        """The display is done (a live display gives the terminal back)."""


def rate_text(stage: Stage, seconds: float) -> str:
    if not stage.done or not stage.unit:
        return f"{stage.name}: {seconds:.1f} s"
    rate = stage.done / seconds if seconds > 0 else float("inf")
    return f"{stage.name}: {stage.done} {stage.unit} in {seconds:.1f} s ({rate:,.1f}/s)"


class PlainProgress(Progress):
    """One line per finished stage, for logs: `extract: 151 pages in 4.2 s (36.0/s)`."""

    def __init__(self, report: Report | None = None, out: TextIO | None = None):
        super().__init__(report)
        self.out = out or sys.stdout

    def _close(self, stage: Stage) -> None:
        print(rate_text(stage, time.perf_counter() - stage.started), file=self.out, flush=True)


def live(out: TextIO | None = None) -> Progress:
    """What a command shows on `out` (stdout by default): bars on a terminal, lines in a log."""
    stream = out or sys.stdout
    return RichProgress(out=stream) if stream.isatty() else PlainProgress(out=stream)


class RichProgress(Progress):
    """Live bars on a terminal (rich): done/total, rate, time left; a line per stage when done."""

    def __init__(self, report: Report | None = None, out: TextIO | None = None):
        super().__init__(report)
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bars, SpinnerColumn,
                                   TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn)

        self.console = Console(file=out)  # None: stdout
        self.bars = Bars(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                         TaskProgressColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                         TextColumn("elapsed ·"), TimeRemainingColumn(), TextColumn("left"),
                         console=self.console, transient=True)
        self.bars.start()

    def _open(self, name: str, total: int | None, unit: str) -> Stage:
        stage = Stage(name, total, unit)
        task = self.bars.add_task(name, total=total, rate="")
        bars = self.bars

        def changed() -> None:
            seconds = time.perf_counter() - stage.started
            rate = f"{stage.done / seconds:,.1f} {stage.unit}/s" if stage.unit and seconds > 0 and stage.done else ""
            bars.update(task, completed=stage.done, total=stage.total, rate=rate)

        stage._changed = changed  # type: ignore[method-assign]
        stage.task = task  # type: ignore[attr-defined]
        return stage

    def _close(self, stage: Stage) -> None:
        self.bars.remove_task(stage.task)  # type: ignore[attr-defined]
        self.console.print(rate_text(stage, time.perf_counter() - stage.started), highlight=False)

    def stop(self) -> None:
        self.bars.stop()
