"""The progress bar that long commands share (collection, training, evaluation)."""

from __future__ import annotations

import time
from typing import Any, Callable

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

LOG_EVERY_S = 30.0


class LoggedProgress(Progress):
    """A rich progress bar that also reports into logs. Rich draws nothing while its output is
    not a terminal (a log file, CI, ``nohup``), so hour-long collections would look hung: there
    each task prints a plain line every LOG_EVERY_S seconds and when it completes."""

    def __init__(self, *columns: Any, **kwargs: Any):
        super().__init__(*columns, **kwargs)
        self._logged: dict[TaskID, float] = {}
        self._finished: set[TaskID] = set()

    def update(self, task_id: TaskID, **kwargs: Any) -> None:
        super().update(task_id, **kwargs)
        if self.console.is_terminal or task_id in self._finished:
            return
        task = self._tasks[task_id]
        now = time.monotonic()
        finished = task.total is not None and task.completed >= task.total
        if not finished and now - self._logged.get(task_id, task.start_time or now) < LOG_EVERY_S:
            return
        self._logged[task_id] = now
        if finished:
            self._finished.add(task_id)
        total = f"/{task.total:g}" if task.total is not None else ""
        remaining = task.time_remaining
        eta = f", eta {remaining:.0f} s" if remaining is not None and not finished else ""
        info = task.fields.get("info", "")
        self.console.print(f"{task.description}: {task.completed:g}{total} {info} "
                           f"({task.elapsed or 0:.0f} s{eta})", highlight=False, soft_wrap=True)


def progress_bar(console: Console | None = None) -> Progress:
    """A bar with a free ``info`` field for the running figure (loss, success rate...)."""
    return LoggedProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("{task.fields[info]}"), TimeElapsedColumn(), TextColumn("eta"),
                          TimeRemainingColumn(), console=console)


def tracker(progress: Progress) -> Callable[[str], Callable[[int, int, dict], None]]:
    """The training pipeline's ``track``: one bar per description, its info the reported figures."""
    tasks: dict[str, TaskID] = {}

    def track(description: str) -> Callable[[int, int, dict], None]:
        def report(done: int, total: int, info: dict) -> None:
            if description not in tasks:
                tasks[description] = progress.add_task(description, total=total, info="")
            text = "  ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in info.items())
            progress.update(tasks[description], completed=done, total=total, info=text)
        return report
    return track
