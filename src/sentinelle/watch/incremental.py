"""One incremental watch pass: walk the roots, read only what changed, update the inventory.

A source is read again only when it is new, was gone, or changed: its (size, mtime) differ
from the inventory's and then its SHA-256 differs too (a file touched or copied over with the
same content is hashed, not scanned). Remote files have no reliable mtime: they are hashed
(the bytes are fetched) and scanned only when the hash changed. ``PassResult.files_read``
counts the sources whose content went through the readers.

Sources recorded under a root but not found under it any more are *gone*, except under a
directory the walk could not enter (or a root that could not be reached at all): those
are coverage lost, not deletions.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from sentinelle.detect.text import TextDetector
from sentinelle.errors import ConfigError, InputError
from sentinelle.inventory.store import Inventory
from sentinelle.inventory.views import HistoryEvent, ScanPoint
from sentinelle.inventory.writes import SourceResult, SourceState
from sentinelle.readers.base import Source
from sentinelle.report.model import FileReport
from sentinelle.scanning import engine
from sentinelle.scanning.engine import ScanConfig
from sentinelle.scanning.remote import is_url
from sentinelle.scanning.sources import Skipped, iter_sources

Scanner = Callable[[Source, ScanConfig, TextDetector], list[FileReport]]
HASH_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """What a pass does. ``scan.show_values`` must stay False (the inventory refuses values)."""

    scan: ScanConfig = field(default_factory=ScanConfig)
    max_age: timedelta | None = None  # too_old: files with findings modified before now - max_age
    batch: int = 200  # sources per write transaction


@dataclass(slots=True)
class PassResult:
    scan: ScanPoint
    events: list[HistoryEvent]
    skipped: list[dict[str, str]]  # inputs not reachable: {"path", "reason"}
    errors: list[dict[str, str]]  # read errors of files read at this pass
    sources: int = 0  # sources found under the roots
    files_read: int = 0  # sources whose content went through the readers
    files_hashed: int = 0  # sources hashed (new, or size/mtime changed)
    stale_errors: int = 0  # unchanged sources whose last read had errors

    @property
    def incomplete(self) -> int:
        return len(self.skipped) + len(self.errors) + self.stale_errors


def root_of(target: str | os.PathLike[str]) -> str:
    """The stored name of a watched root: an absolute path, or the URL without password
    and without query (a query may carry a token; the root is stored and served)."""
    text = os.fspath(target)
    if is_url(text) and not text.lower().startswith("file://"):
        parts = urlsplit(text)
        host = parts.netloc.rpartition("@")[2]  # host[:port], IPv6 brackets kept
        if parts.username:
            host = f"{parts.username}@{host}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    if is_url(text):
        text = urlsplit(text).path
    return os.path.abspath(text)


def content_hash(source: Source, local: bool) -> str:
    """SHA-256 of the content (a fingerprint of the whole file, not of any one value)."""
    digest = hashlib.sha256()
    with (open(source.path, "rb") if local else source.open()) as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _under(path: str, prefixes: Sequence[str]) -> bool:
    return any(path == p or path.startswith((p.rstrip("/") + "/", p + "!")) for p in prefixes)


@dataclass(slots=True)
class _Pass:
    inv: Inventory
    scan_id: int
    config: WatchConfig
    scanner: Scanner
    result: PassResult
    detector: TextDetector | None = None
    pending: list[SourceResult] = field(default_factory=list)

    def read(self, item: Source, root: str, size: int | None, mtime_ns: int | None,
             digest: str) -> None:
        if self.detector is None:  # built on first use: an unchanged tree never pays for it
            self.detector = TextDetector(engine=self.config.scan.engine,
                                         min_confidence=self.config.scan.min_confidence)
        try:
            reports = self.scanner(item, self.config.scan, self.detector)
        except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the watch
            reports = [engine.failed_report(
                item.path, f"cannot read: internal error ({type(exc).__name__})")]
        self.result.files_read += 1
        self.result.errors += [{"path": r.path, "reason": e} for r in reports for e in r.errors]
        self.pending.append(SourceResult(path=item.path, reports=reports, size=size,
                                         mtime_ns=mtime_ns, content_hash=digest, root=root))
        if len(self.pending) >= self.config.batch:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.result.events += self.inv.record_sources(self.scan_id, self.pending)
            self.pending = []

    def walk(self, target: str, root: str) -> None:
        local = not (is_url(target) and not target.lower().startswith("file://"))
        states = self.inv.source_states(root)
        seen: set[str] = set()
        lost: list[str] = []  # paths (dirs) whose content is unknown at this pass
        unchanged: list[int] = []
        moved: list[tuple[int, int | None, int | None]] = []
        for item in iter_sources([root if local else target]):
            if isinstance(item, Skipped):
                self.result.skipped.append({"path": item.path, "reason": item.reason})
                lost.append(item.path)
                continue
            try:
                size, mtime_ns = item.size, None
                if local:
                    st = os.stat(item.path)
                    size, mtime_ns = st.st_size, st.st_mtime_ns
                prev: SourceState | None = states.get(item.path)
                if prev is not None and prev.gone:
                    prev = None
                if (prev is not None and mtime_ns is not None and prev.mtime_ns == mtime_ns
                        and prev.size == size):
                    seen.add(item.path)
                    unchanged.append(prev.id)
                    self.result.stale_errors += prev.errors
                    continue
                digest = content_hash(item, local)
                self.result.files_hashed += 1
            except OSError as exc:  # vanished or unreadable between the walk and now
                self.result.skipped.append({"path": item.path,
                                            "reason": exc.strerror or type(exc).__name__})
                lost.append(item.path)
                continue
            except Exception as exc:  # noqa: BLE001 - remote failures: InputError, others
                self.result.skipped.append({"path": item.path, "reason": str(exc) if isinstance(
                    exc, InputError) else type(exc).__name__})
                lost.append(item.path)
                continue
            seen.add(item.path)
            if prev is not None and prev.content_hash == digest and prev.size == size:
                moved.append((prev.id, size, mtime_ns))
                self.result.stale_errors += prev.errors
                continue
            self.read(item, root, size, mtime_ns, digest)
        self.flush()
        self.result.sources += len(seen)
        self.inv.touch_sources(self.scan_id, unchanged, moved)
        if _under(root, lost) or (not local and lost and not seen):
            return  # the root itself could not be reached: nothing is known to be gone
        gone = [s.id for p, s in states.items()
                if not s.gone and p not in seen and not _under(p, lost)]
        if gone:
            self.result.events += self.inv.mark_gone(self.scan_id, gone)


def watch_once(inv: Inventory, targets: Sequence[str | os.PathLike[str]],
               config: WatchConfig | None = None, *, scanner: Scanner | None = None,
               now: datetime | None = None) -> PassResult:
    """Run one pass over ``targets`` (paths or URLs) and record it as a scan in ``inv``."""
    config = config or WatchConfig()
    if config.scan.show_values:
        raise ConfigError("watch never stores raw values: --show-values is refused")
    names = [os.fspath(t) for t in targets]
    roots = [root_of(t) for t in names]
    scan_id = inv.begin_scan(roots, at=now)
    result = PassResult(scan=None, events=[], skipped=[], errors=[])  # type: ignore[arg-type]
    run = _Pass(inv, scan_id, config, scanner or _default_scanner, result)
    for target, root in zip(names, roots, strict=True):
        run.walk(target, root)
    if config.max_age is not None:
        cutoff = (now or datetime.now(UTC)) - config.max_age
        result.events += inv.flag_too_old(scan_id, cutoff, roots)
    result.scan = inv.finish_scan(scan_id, files_read=result.files_read,
                                  files_hashed=result.files_hashed,
                                  incomplete=result.incomplete)
    return result


def _default_scanner(source: Source, config: ScanConfig, detector: TextDetector) -> list[FileReport]:
    return engine.scan_source(source, config, detector)  # looked up at call time


__all__ = ["PassResult", "Scanner", "WatchConfig", "content_hash", "root_of", "watch_once"]
