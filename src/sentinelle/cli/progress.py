"""A rich progress bar over bytes scanned, shown on stderr for long scans."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


class BarProgress:
    """Implements :class:`sentinelle.scanning.engine.Progress` with a rich bar."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self._enabled = enabled
        self._bar = Progress(
            TextColumn("[bold]scanning[/]"), BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[files]}"),
            console=console, transient=True, disable=not enabled,
        )
        self._task = self._bar.add_task("scan", total=None, files="")
        self._done = 0
        self._files = 0

    def __enter__(self) -> BarProgress:
        self._bar.__enter__()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._bar.__exit__(et, ev, tb)

    def start(self, files: int, total_bytes: int) -> None:
        self._files = files
        self._bar.update(self._task, total=max(total_bytes, 1), files=f"0/{files} files")

    def advance(self, path: str, nbytes: int) -> None:
        self._done += 1
        self._bar.update(self._task, advance=max(nbytes, 0),
                         files=f"{self._done}/{self._files} files")


__all__ = ["BarProgress"]
