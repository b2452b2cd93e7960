"""Remote sources through fsspec: ``ftp://``, ``ftps://``, ``sftp://``, ``http(s)://``, ``s3://``.

The 2021 leak sat on an FTP server open to anyone; these URLs let a scan look where
exports actually end up. Each URL becomes :class:`~sentinelle.readers.base.Source`
objects whose ``open`` streams the remote file (an fsspec file object, wrapped so that a
short network read is never mistaken for the end of the file and a failure becomes an
:class:`~sentinelle.errors.InputError` naming the file). Sizes come from the listings.

- ``ftp://[user[:password]@]host[:port]/path`` (fsspec ``FTPFileSystem``, ftplib):
  anonymous when no user is given (RFC 1635); ``ftps://`` is explicit FTP over TLS.
- ``sftp://[user[:password]@]host[:port]/path`` (fsspec ``SFTPFileSystem``, paramiko):
  password, ``SENTINELLE_SFTP_KEY`` (a private key file), or the SSH agent and default
  keys. Unknown host keys are accepted with a logged warning; set
  ``SENTINELLE_SFTP_HOST_KEY_POLICY=reject`` to refuse them.
- ``http(s)://host/path`` (fsspec ``HTTPFileSystem``, aiohttp): a file, or an HTML index
  page whose same-host links are followed one level deep (directory listings of nginx,
  Apache or ``python -m http.server``). Files are read with range requests when the
  server announces ``Accept-Ranges: bytes``, else streamed.
- ``s3://bucket/prefix`` (s3fs, the optional ``sentinelle[s3]`` extra; credentials from the
  standard AWS environment and files).

Directories are walked recursively, sorted, without following symbolic links; per-file
failures become :class:`~sentinelle.scanning.sources.Skipped` entries and the scan goes
on. Credentials come from the URL, then ``SENTINELLE_<FTP|SFTP|HTTP>_USER`` /
``..._PASSWORD``, then a netrc file (``$NETRC`` or ``~/.netrc``). They are never printed:
display paths carry at most the user name (``ftp://user@host:2121/exports/a.csv``) and
error messages are scrubbed of the password.
"""

from __future__ import annotations

import io
import netrc
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from sentinelle.errors import ConfigError, InputError, SentinelleError
from sentinelle.readers.base import Source
from sentinelle.scanning.sources import Skipped

SCHEMES = ("ftp", "ftps", "sftp", "http", "https", "s3")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_ENV_PREFIX = {"ftp": "FTP", "ftps": "FTP", "sftp": "SFTP", "http": "HTTP", "https": "HTTP"}
_DEFAULT_PORT = {"ftp": 21, "ftps": 21, "sftp": 22, "http": 80, "https": 443}
#: Nesting of remote directories walked before giving up (symbolic link loops on FTP).
MAX_REMOTE_DEPTH = 64
#: Largest HTML index page read to find links.
MAX_INDEX_BYTES = 8 * 1024 * 1024
_FTP_BLOCK = 8 * 1024 * 1024
HTTP_BLOCK = 8 * 1024 * 1024
_TIMEOUT = 30


def is_url(text: str) -> bool:
    """Whether ``text`` starts with a URL scheme (``scheme://``)."""
    return bool(_URL.match(text))


@dataclass(frozen=True, slots=True)
class RemoteURL:
    """A parsed remote URL; ``display()`` never includes the password."""

    scheme: str
    host: str
    port: int | None
    user: str | None
    password: str | None
    path: str
    query: str = ""

    @classmethod
    def parse(cls, url: str) -> RemoteURL:
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"bad port in URL {_strip_userinfo(url)}") from None
        return cls(
            scheme=parts.scheme.lower(),
            host=parts.hostname or "",
            port=port,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            path=unquote(parts.path) or "/",
            query=parts.query,
        )

    def netloc(self, user: str | None = None) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port else ""
        who = f"{quote(user, safe='')}@" if user else ""
        return f"{who}{host}{port}"

    def display(self, path: str | None = None, user: str | None = None) -> str:
        shown = self.path if path is None else path
        query = f"?{self.query}" if self.query and path is None else ""
        return f"{self.scheme}://{self.netloc(user or self.user)}{quote(shown, safe='/:@!$&()*+,;=~')}{query}"


def _strip_userinfo(url: str) -> str:
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", r"\1", url)


@dataclass(frozen=True, slots=True)
class Credentials:
    user: str | None
    password: str | None = None
    key_file: str | None = None

    def __repr__(self) -> str:  # never show the password, even in a traceback
        return f"Credentials(user={self.user!r}, password={'***' if self.password else None})"


def credentials(url: RemoteURL, env: Mapping[str, str] | None = None) -> Credentials:
    """Credentials for ``url``: from the URL, else the environment, else netrc."""
    env = os.environ if env is None else env
    prefix = _ENV_PREFIX.get(url.scheme)
    env_user = env.get(f"SENTINELLE_{prefix}_USER") if prefix else None
    env_password = env.get(f"SENTINELLE_{prefix}_PASSWORD") if prefix else None
    key_file = env.get("SENTINELLE_SFTP_KEY") if url.scheme == "sftp" else None
    user = url.user or env_user
    password = url.password
    if password is None and env_password is not None and (not url.user or url.user == env_user
                                                          or env_user is None):
        password = env_password
    if password is None and prefix:
        entry = _netrc_entry(url.host, env)
        if entry and (user is None or entry[0] in (user, "")):
            user = user or entry[0] or None
            password = entry[1]
    return Credentials(user=user, password=password, key_file=key_file)


def _netrc_entry(host: str, env: Mapping[str, str]) -> tuple[str, str] | None:
    path = env.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.isfile(path):
        return None
    try:
        found = netrc.netrc(path).authenticators(host)
    except netrc.NetrcParseError as exc:  # its message may quote a token: keep only the line
        raise ConfigError(f"netrc file {path} cannot be parsed (line {exc.lineno})") from None
    except OSError as exc:
        raise ConfigError(f"netrc file {path} cannot be read ({exc.strerror})") from None
    if not found:
        return None
    login, _, password = found
    return login or "", password or ""


def reason(exc: BaseException, secrets: tuple[str | None, ...]) -> str:
    """A short, credential-free description of a network failure."""
    if isinstance(exc, SentinelleError):
        text = str(exc)
    elif isinstance(exc, OSError) and exc.strerror:
        text = f"{type(exc).__name__}: {exc.strerror}"
    else:
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        text = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return text


class RemoteFile(io.RawIOBase):
    """An fsspec file seen as a plain binary stream.

    ``read(n)`` returns ``n`` bytes unless the file ends (network reads may come short);
    failures become :class:`InputError` naming the display path. ``random_access`` tells
    the archive readers that seeking is cheap (ranged reads), so a zip is not copied into
    memory first.
    """

    def __init__(self, inner: Any, path: str, random_access: bool,
                 secrets: tuple[str | None, ...]) -> None:
        super().__init__()
        self.inner = inner
        self.path = path
        self.random_access = random_access
        self._secrets = secrets

    def _fail(self, exc: BaseException) -> InputError:
        return InputError(self.path, f"read failed: {reason(exc, self._secrets)}")

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        try:
            if size is None or size < 0:
                parts = []
                while piece := self.inner.read(HTTP_BLOCK):
                    parts.append(piece)
                return b"".join(parts)
            out = bytearray()
            while len(out) < size:
                piece = self.inner.read(size - len(out))
                if not piece:
                    break
                out += piece
            return bytes(out)
        except SentinelleError:
            raise
        except Exception as exc:
            raise self._fail(exc) from None

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self.read(-1)

    def seekable(self) -> bool:
        return self.random_access

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        try:
            self.inner.seek(offset, whence)  # paramiko returns None, fsspec the position
            return int(self.inner.tell())
        except Exception as exc:
            raise self._fail(exc) from None

    def tell(self) -> int:
        return int(self.inner.tell())

    def close(self) -> None:
        if not self.closed:
            try:
                self.inner.close()
            except Exception:  # closing an aborted transfer may fail; nothing to do
                pass
        super().close()


# --- filesystems ------------------------------------------------------------------------


def _filesystem(url: RemoteURL, cred: Credentials, env: Mapping[str, str]) -> Any:
    port = url.port or _DEFAULT_PORT.get(url.scheme)
    if url.scheme in ("ftp", "ftps"):
        from fsspec.implementations.ftp import FTPFileSystem  # type: ignore[import-untyped]

        return FTPFileSystem(url.host, port=port, username=cred.user, password=cred.password,
                             tls=url.scheme == "ftps", timeout=_TIMEOUT, block_size=_FTP_BLOCK,
                             skip_instance_cache=True)
    if url.scheme == "sftp":
        from fsspec.implementations.sftp import SFTPFileSystem  # type: ignore[import-untyped]

        options: dict[str, Any] = {"port": port, "timeout": _TIMEOUT,
                                   "host_key_policy": env.get("SENTINELLE_SFTP_HOST_KEY_POLICY",
                                                              "warning")}
        if cred.user:
            options["username"] = cred.user
        if cred.password is not None:
            options["password"] = cred.password
            options["look_for_keys"] = False
            options["allow_agent"] = False
        if cred.key_file:
            options["key_filename"] = cred.key_file
        return SFTPFileSystem(url.host, skip_instance_cache=True, **options)
    if url.scheme in ("http", "https"):
        import aiohttp
        from fsspec.implementations.http import HTTPFileSystem  # type: ignore[import-untyped]

        client: dict[str, Any] = {"timeout": aiohttp.ClientTimeout(total=None,
                                                                   sock_connect=_TIMEOUT,
                                                                   sock_read=_TIMEOUT)}
        if cred.user:
            client["auth"] = aiohttp.BasicAuth(cred.user, cred.password or "")
        return HTTPFileSystem(client_kwargs=client, skip_instance_cache=True)
    if url.scheme == "s3":
        try:
            import s3fs  # type: ignore[import-not-found]
        except ImportError:
            raise ConfigError("s3:// sources need the s3 extra: pip install "
                              "'sentinelle[s3]'") from None
        return s3fs.S3FileSystem(key=cred.user, secret=cred.password,
                                 skip_instance_cache=True)
    raise ConfigError(f"unsupported URL scheme {url.scheme!r} (supported: "
                      f"{', '.join(SCHEMES)}, file)")


def iter_remote(raw_url: str, env: Mapping[str, str] | None = None) -> Iterator[Source | Skipped]:
    """Sources for every file at ``raw_url`` (a file, a directory tree or an index page)."""
    env = os.environ if env is None else env
    url = RemoteURL.parse(raw_url)
    if url.scheme not in SCHEMES:
        raise ConfigError(f"unsupported URL scheme {url.scheme!r} (supported: "
                          f"{', '.join(SCHEMES)}, file)")
    if not url.host:
        raise ConfigError(f"no host in URL {_strip_userinfo(raw_url)}")
    cred = credentials(url, env) if url.scheme != "s3" else Credentials(url.user, url.password)
    shown = RemoteURL(url.scheme, url.host, url.port, cred.user, None, url.path, url.query)
    secrets = (cred.password,)
    try:
        fs = _filesystem(url, cred, env)
    except SentinelleError:
        raise
    except Exception as exc:
        yield Skipped(shown.display(), f"cannot connect: {reason(exc, secrets)}")
        return
    if url.scheme in ("http", "https"):
        from sentinelle.scanning.remote_http import iter_http

        yield from iter_http(fs, _strip_userinfo(raw_url), cred.user, secrets)
        return
    root = f"{url.host}{url.path}" if url.scheme == "s3" else url.path
    yield from _walk(fs, shown, root, secrets)


def _display(shown: RemoteURL, fs_path: str) -> str:
    if shown.scheme == "s3":
        bucket, _, rest = fs_path.partition("/")
        return f"s3://{bucket}/{rest}" if rest else f"s3://{bucket}"
    return shown.display(fs_path if fs_path.startswith("/") else "/" + fs_path)


def remote_source(fs: Any, fs_path: str, display: str, size: int | None,
                  secrets: tuple[str | None, ...], *, random_access: bool = True,
                  open_options: Mapping[str, Any] | None = None) -> Source:
    """A source reading ``fs_path`` from ``fs`` when opened (``display`` is its name)."""
    open_options = dict(open_options or {})

    def open_remote() -> RemoteFile:
        try:
            inner = fs.open(fs_path, "rb", **open_options)
        except FileNotFoundError:
            raise InputError(display, "no such file on the server") from None
        except Exception as exc:
            raise InputError(display, f"cannot open: {reason(exc, secrets)}") from None
        return RemoteFile(inner, display, random_access, secrets)

    return Source(path=display, open=open_remote, size=size)  # type: ignore[arg-type]


def _kind(entry: Mapping[str, Any]) -> str:
    kind = str(entry.get("type", "")).lower()
    if kind in ("directory", "dir"):
        return "directory"
    if kind in ("link", "symlink") or "symlink" in kind:
        return "link"
    return "file" if kind == "file" else "other"


def _walk(fs: Any, shown: RemoteURL, root: str,
          secrets: tuple[str | None, ...]) -> Iterator[Source | Skipped]:
    try:
        info = fs.info(root)
    except FileNotFoundError:
        yield Skipped(_display(shown, root), "no such file or directory on the server")
        return
    except Exception as exc:
        yield Skipped(_display(shown, root), f"cannot list: {reason(exc, secrets)}")
        return
    if _kind(info) != "directory":
        yield remote_source(fs, root, _display(shown, root), info.get("size"), secrets)
        return
    stack: list[tuple[str, int]] = [(root, 0)]
    seen: set[str] = set()
    while stack:
        directory, depth = stack.pop()
        key = directory.rstrip("/") or "/"
        if key in seen:
            continue
        seen.add(key)
        try:
            entries = sorted(fs.ls(directory, detail=True), key=lambda e: str(e["name"]))
        except Exception as exc:
            yield Skipped(_display(shown, directory), f"cannot list: {reason(exc, secrets)}")
            continue
        subdirs: list[str] = []
        for entry in entries:
            name = str(entry["name"])
            kind = _kind(entry)
            if kind == "directory":
                if depth + 1 > MAX_REMOTE_DEPTH:
                    yield Skipped(_display(shown, name), f"directories nested deeper than "
                                  f"{MAX_REMOTE_DEPTH} levels (symbolic link loop?)")
                else:
                    subdirs.append(name)
            elif kind == "link":
                yield Skipped(_display(shown, name), "symbolic link, not followed")
            elif kind == "file":
                yield remote_source(fs, name, _display(shown, name), entry.get("size"), secrets)
            else:
                yield Skipped(_display(shown, name), "not a regular file")
        stack.extend((d, depth + 1) for d in reversed(subdirs))


__all__ = [
    "MAX_INDEX_BYTES",
    "MAX_REMOTE_DEPTH",
    "SCHEMES",
    "Credentials",
    "RemoteFile",
    "RemoteURL",
    "credentials",
    "is_url",
    "iter_remote",
    "reason",
    "remote_source",
]
