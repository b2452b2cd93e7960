"""HTTP(S) sources: a file, or an index page whose same-host links are read one level deep.

Part of :mod:`sentinelle.scanning.remote` (see there for credentials and display paths).
A ``HEAD`` request (RFC 9110 section 9.3.2) tells the type and size of a URL: an HTML page
(``text/html``) is an index when it links to files on the same host (scheme-independent:
``http`` and ``https`` of one host are the same origin here); its ``<a href>`` targets are
resolved against the page's final URL (after redirects, RFC 3986 section 5), the page
itself, its ancestors (``../``) and links to other hosts are dropped, and links to other
index pages (ending in ``/``) are reported as skipped rather than followed. A file is read
with range requests (RFC 9110 section 14) when the server answers ``Accept-Ranges: bytes``
with a size, else streamed once. Servers refusing ``HEAD`` (405, 501) are read directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from sentinelle.readers.base import Source
from sentinelle.scanning.remote import HTTP_BLOCK, MAX_INDEX_BYTES, reason, remote_source
from sentinelle.scanning.sources import Skipped


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "a":
            self.links.extend(value for key, value in attrs if key.lower() == "href" and value)


def page_links(html: str, base: str) -> list[str]:
    """The absolute URLs of the ``<a href>`` links of an HTML page, in page order."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return [urljoin(base, link) for link in parser.links]


def _origin(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return (parts.hostname or "").lower(), parts.port or default


def index_targets(html: str, page_url: str) -> tuple[list[str], list[str]]:
    """Same-host links of an index page: (files, sub-index pages), sorted, without the
    page itself, its ancestors (``../``), sort links (``?C=N;O=D``) or fragments."""
    page = urlsplit(page_url)
    origin = _origin(page_url)
    files: set[str] = set()
    pages: set[str] = set()
    for link in page_links(html, page_url):
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or _origin(link) != origin:
            continue
        path = parts.path or "/"
        if path == (page.path or "/") or (path.endswith("/") and page.path.startswith(path)):
            continue
        target = parts._replace(fragment="").geturl()
        (pages if path.endswith("/") else files).add(target)
    return sorted(files), sorted(pages)


def _with_user(url: str, user: str | None) -> str:
    if not user:
        return url
    parts = urlsplit(url)
    return parts._replace(netloc=f"{quote(user, safe='')}@{parts.netloc}").geturl()


def _http_head(fs: Any, url: str) -> tuple[int, dict[str, str], str]:
    from fsspec.asyn import sync  # type: ignore[import-untyped]

    async def head() -> tuple[int, dict[str, str], str]:
        session = await fs.set_session()
        async with session.head(url, allow_redirects=True,
                                headers={"Accept-Encoding": "identity"}) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, headers, str(response.url)

    return sync(fs.loop, head)  # type: ignore[no-any-return]


def _http_file(fs: Any, url: str, headers: Mapping[str, str], user: str | None,
               secrets: tuple[str | None, ...]) -> Source:
    size = None
    if headers.get("content-length", "").isdigit() and headers.get(
        "content-encoding", "identity") in ("identity", ""):
        size = int(headers["content-length"])
    ranged = headers.get("accept-ranges", "").lower() == "bytes" and bool(size)
    options: dict[str, Any] = {"block_size": HTTP_BLOCK if ranged else 0, "size": size}
    return remote_source(fs, url, _with_user(url, user), size, secrets, random_access=ranged,
                         open_options=options)


def iter_http(fs: Any, url: str, user: str | None,
               secrets: tuple[str | None, ...]) -> Iterator[Source | Skipped]:
    shown = _with_user(url, user)
    try:
        status, headers, final = _http_head(fs, url)
    except Exception as exc:
        yield Skipped(shown, f"cannot connect: {reason(exc, secrets)}")
        return
    if status >= 400 and status not in (405, 501):  # some servers refuse HEAD
        yield Skipped(shown, f"HTTP status {status}")
        return
    if status >= 400:
        headers, final = {}, url
    mime = headers.get("content-type", "").partition(";")[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml") or (not mime and url.endswith("/")):
        try:
            with fs.open(final, "rb", block_size=0) as page:
                html = page.read(MAX_INDEX_BYTES).decode("utf-8", "replace")
        except Exception as exc:
            yield Skipped(shown, f"cannot read the page: {reason(exc, secrets)}")
            return
        files, pages = index_targets(html, final)
        if files or pages:
            for link in pages:
                yield Skipped(_with_user(link, user), "link to another index page, not "
                              "followed (one level of links is scanned)")
            for link in files:
                yield from _http_link(fs, link, user, secrets)
            return
    yield _http_file(fs, final, headers, user, secrets)


def _http_link(fs: Any, link: str, user: str | None,
               secrets: tuple[str | None, ...]) -> Iterator[Source | Skipped]:
    try:
        status, headers, final = _http_head(fs, link)
    except Exception as exc:
        yield Skipped(_with_user(link, user), f"cannot connect: {reason(exc, secrets)}")
        return
    if status >= 400 and status not in (405, 501):
        yield Skipped(_with_user(link, user), f"HTTP status {status}")
        return
    yield _http_file(fs, link if status >= 400 else final, headers if status < 400 else {},
                     user, secrets)


__all__ = ["index_targets", "iter_http", "page_links"]
