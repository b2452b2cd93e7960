"""Remote sources against real servers on loopback, started by the tests.

An anonymous read-only FTP server (pyftpdlib), an SFTP server (paramiko, generated host
key, password authentication) and an HTTP server (http.server, directory index pages)
serve the same planted synthetic export tree. All values are synthetic.
"""

from __future__ import annotations

import io
import logging
import os
import posixpath
import re
import socket
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sentinelle.errors import ConfigError, InputError
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source, Table
from sentinelle.scanning.remote import RemoteURL, credentials, iter_remote
from sentinelle.scanning.remote_http import index_targets
from sentinelle.scanning.sources import Skipped, iter_sources

USER, PASSWORD = "dpo", "pw-Zk8!q@x"  # synthetic credentials of the test servers


def nir(body: str) -> str:
    return body + f"{97 - int(body) % 97:02d}"


NIRS = [nir(b) for b in ("1850375100023", "2920275120456", "1751299301234", "2880544109876",
                         "1690133055555")]
ARCHIVED_NIRS = [nir(b) for b in ("2010675056789", "1991213000111")]
NAMES = ["DUPONT", "MARTIN", "BERNARD", "THOMAS", "PETIT"]


def export_csv(nirs: list[str]) -> bytes:
    rows = ["nom;prenom;nir;date_prelevement"]
    rows += [f"{NAMES[i % 5]};Jeanne;{n};2019-0{i % 9 + 1}-12" for i, n in enumerate(nirs)]
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """exports/lot1/patients.csv, exports/lot2/archive.zip!patients2.csv, readme.txt."""
    root = tmp_path_factory.mktemp("served")
    (root / "exports" / "lot1").mkdir(parents=True)
    (root / "exports" / "lot2").mkdir()
    (root / "exports" / "lot1" / "patients.csv").write_bytes(export_csv(NIRS))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("patients2.csv", export_csv(ARCHIVED_NIRS))
    (root / "exports" / "lot2" / "archive.zip").write_bytes(buffer.getvalue())
    (root / "readme.txt").write_text("Extraction Mega-Bus, ne pas diffuser.\n")
    return root


#: Walk order, as for local directories: a directory's files, then its subdirectories.
EXPECTED = ["/readme.txt", "/exports/lot1/patients.csv", "/exports/lot2/archive.zip"]


# --- servers -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ftp_port(tree: Path) -> Iterator[int]:
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer

    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
    authorizer = DummyAuthorizer()
    authorizer.add_anonymous(str(tree), perm="elr")
    authorizer.add_user(USER, PASSWORD, str(tree), perm="elr")
    handler = type("Handler", (FTPHandler,), {"authorizer": authorizer})
    server = FTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={"timeout": 0.05, "handle_exit": False}, daemon=True)
    thread.start()
    yield server.address[1]
    server.close_all()
    thread.join(5)


def _sftp_server(root: Path, stop: threading.Event, listener: socket.socket) -> None:
    import paramiko

    host_key = paramiko.ECDSAKey.generate()

    class Auth(paramiko.ServerInterface):
        def check_auth_password(self, username: str, password: str) -> int:
            ok = (username, password) == (USER, PASSWORD)
            return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

        def get_allowed_auths(self, username: str) -> str:
            return "password"

        def check_channel_request(self, kind: str, chanid: int) -> int:
            if kind == "session":
                return paramiko.OPEN_SUCCEEDED
            return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    class Handle(paramiko.SFTPHandle):
        def stat(self) -> paramiko.SFTPAttributes:
            return paramiko.SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))

    class ReadOnly(paramiko.SFTPServerInterface):
        def _real(self, path: str) -> str:
            return os.path.join(root, self.canonicalize(path).lstrip("/"))

        def canonicalize(self, path: str) -> str:
            return posixpath.normpath("/" + path)

        def list_folder(self, path: str) -> list[paramiko.SFTPAttributes] | int:
            real = self._real(path)
            out = []
            for name in os.listdir(real):
                attr = paramiko.SFTPAttributes.from_stat(os.lstat(os.path.join(real, name)))
                attr.filename = name
                out.append(attr)
            return out

        def stat(self, path: str) -> paramiko.SFTPAttributes | int:
            try:
                return paramiko.SFTPAttributes.from_stat(os.stat(self._real(path)))
            except OSError:
                return paramiko.SFTP_NO_SUCH_FILE

        def lstat(self, path: str) -> paramiko.SFTPAttributes | int:
            try:
                return paramiko.SFTPAttributes.from_stat(os.lstat(self._real(path)))
            except OSError:
                return paramiko.SFTP_NO_SUCH_FILE

        def open(self, path: str, flags: int, attr: object) -> Handle | int:
            if flags & (os.O_WRONLY | os.O_RDWR):
                return paramiko.SFTP_PERMISSION_DENIED
            try:
                handle = Handle(flags)
                handle.readfile = open(self._real(path), "rb")  # noqa: SIM115
            except OSError:
                return paramiko.SFTP_NO_SUCH_FILE
            handle.filename = self._real(path)
            return handle

    transports = []
    listener.settimeout(0.1)
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except OSError:
            continue
        transport = paramiko.Transport(conn)
        transport.add_server_key(host_key)
        transport.set_subsystem_handler("sftp", paramiko.SFTPServer, ReadOnly)
        transport.start_server(server=Auth())
        transports.append(transport)
    for transport in transports:
        transport.close()


@pytest.fixture(scope="module")
def sftp_port(tree: Path) -> Iterator[int]:
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()
    thread = threading.Thread(target=_sftp_server, args=(tree, stop, listener), daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    listener.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


class _RangedHandler(_QuietHandler):
    """Answers ``Range: bytes=a-b`` with 206 and announces ``Accept-Ranges: bytes`` (RFC
    9110 section 14), as nginx and Apache do; http.server alone does not."""

    def end_headers(self) -> None:
        if os.path.isfile(self.translate_path(self.path)) and not getattr(self, "_ranged", 0):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.translate_path(self.path)
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if not wanted or not os.path.isfile(path):
            return super().send_head()
        data = Path(path).read_bytes()
        start = int(wanted[1])
        end = min(int(wanted[2]) if wanted[2] else len(data) - 1, len(data) - 1)
        if start >= len(data):
            self.send_error(416)
            return None
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self._ranged = 1
        self.end_headers()
        self.ranges_served.append((start, end))
        return io.BytesIO(data[start:end + 1])


@pytest.fixture(scope="module", params=["streamed", "ranged"])
def http_port(tree: Path, request: pytest.FixtureRequest) -> Iterator[int]:
    handler = _QuietHandler if request.param == "streamed" else type(
        "Ranged", (_RangedHandler,), {"ranges_served": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(tree)))
    server.ranged = request.param == "ranged"  # type: ignore[attr-defined]
    server.handler = handler  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    HTTP_SERVERS[server.server_address[1]] = server
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(5)


HTTP_SERVERS: dict[int, ThreadingHTTPServer] = {}


# --- helpers -----------------------------------------------------------------------------


def sources(url: str) -> tuple[list[Source], list[Skipped]]:
    items = list(iter_sources([url]))
    return ([i for i in items if isinstance(i, Source)],
            [i for i in items if isinstance(i, Skipped)])


def nir_cells(source: Source) -> int:
    """NIR cells in every table read from ``source`` and, recursively, its members."""
    total = 0
    for item in read_source(source, ReadOptions()):
        if isinstance(item, Source):
            total += nir_cells(item)
        elif isinstance(item, Table) and "nir" in item.frame.columns:
            total += item.frame["nir"].drop_nulls().len()
    return total


def check_tree(found: list[Source], prefix: str, tree: Path) -> None:
    assert [s.path for s in found] == [prefix + p for p in EXPECTED]
    for source in found:
        local = tree / source.path[len(prefix) + 1:]
        assert source.size == local.stat().st_size
        with source.open() as stream:
            assert stream.read() == local.read_bytes()
    by_name = {s.path.rsplit("/", 1)[-1]: s for s in found}
    assert nir_cells(by_name["patients.csv"]) == len(NIRS)
    assert nir_cells(by_name["archive.zip"]) == len(ARCHIVED_NIRS)


# --- FTP ---------------------------------------------------------------------------------


def test_anonymous_ftp_tree_is_walked_sorted_and_streamed(ftp_port: int, tree: Path) -> None:
    prefix = f"ftp://127.0.0.1:{ftp_port}"
    found, skipped = sources(prefix + "/")
    assert skipped == []
    check_tree(found, prefix, tree)


def test_ftp_single_file_and_subdirectory(ftp_port: int, tree: Path) -> None:
    prefix = f"ftp://127.0.0.1:{ftp_port}"
    found, _ = sources(prefix + "/exports/lot1/patients.csv")
    assert [s.path for s in found] == [prefix + "/exports/lot1/patients.csv"]
    found, _ = sources(prefix + "/exports/lot2")
    assert [s.path for s in found] == [prefix + "/exports/lot2/archive.zip"]


def test_ftp_zip_member_is_read_by_seeking_the_remote_file(ftp_port: int) -> None:
    (source,) = sources(f"ftp://127.0.0.1:{ftp_port}/exports/lot2/archive.zip")[0]
    (member,) = list(read_source(source))
    assert isinstance(member, Source)
    assert member.path == f"ftp://127.0.0.1:{ftp_port}/exports/lot2/archive.zip!patients2.csv"
    with source.open() as stream:
        assert getattr(stream, "random_access", False)  # not copied into memory first


def test_ftp_password_from_url_is_never_shown(ftp_port: int) -> None:
    url = f"ftp://{USER}:{PASSWORD.replace('@', '%40')}@127.0.0.1:{ftp_port}/exports"
    found, skipped = sources(url)
    assert skipped == []
    assert [s.path for s in found] == [f"ftp://{USER}@127.0.0.1:{ftp_port}{p}"
                                       for p in EXPECTED[1:]]
    assert all(PASSWORD not in s.path for s in found)


def test_ftp_wrong_password_is_a_skipped_entry_without_the_password(ftp_port: int) -> None:
    found, skipped = sources(f"ftp://{USER}:wrong-{PASSWORD[:4]}@127.0.0.1:{ftp_port}/")
    assert found == []
    (entry,) = skipped
    assert entry.path == f"ftp://{USER}@127.0.0.1:{ftp_port}/"
    assert entry.reason.startswith("cannot connect")
    assert f"wrong-{PASSWORD[:4]}" not in entry.reason


def test_ftp_credentials_from_environment(ftp_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTINELLE_FTP_USER", USER)
    monkeypatch.setenv("SENTINELLE_FTP_PASSWORD", PASSWORD)
    found, skipped = sources(f"ftp://127.0.0.1:{ftp_port}/readme.txt")
    assert skipped == []
    assert [s.path for s in found] == [f"ftp://{USER}@127.0.0.1:{ftp_port}/readme.txt"]


def test_missing_remote_path_is_skipped(ftp_port: int) -> None:
    found, skipped = sources(f"ftp://127.0.0.1:{ftp_port}/nothing/here.csv")
    assert found == []
    assert [s.reason for s in skipped] == ["no such file or directory on the server"]


def test_refused_connection_is_skipped_and_scan_goes_on(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    local = tmp_path / "a.txt"
    local.write_text("rien\n")
    items = list(iter_sources([f"ftp://127.0.0.1:{port}/", str(local)]))
    assert isinstance(items[0], Skipped) and items[0].reason.startswith("cannot connect")
    assert isinstance(items[1], Source) and items[1].path == str(local)


def test_sentinelle_scan_of_anonymous_ftp_finds_the_planted_export(ftp_port: int) -> None:
    import sentinelle

    report = sentinelle.scan([f"ftp://127.0.0.1:{ftp_port}/"])
    by_path = {f.path: f for f in report.files}
    prefix = f"ftp://127.0.0.1:{ftp_port}"
    export = by_path[prefix + "/exports/lot1/patients.csv"]
    assert export.entities["NIR"].count == len(NIRS)
    member = by_path[prefix + "/exports/lot2/archive.zip!patients2.csv"]
    assert member.entities["NIR"].count == len(ARCHIVED_NIRS)
    assert report.incomplete == []


def test_cli_scan_of_ftp_url(ftp_port: int, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from sentinelle.cli import app

    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["scan", f"ftp://127.0.0.1:{ftp_port}/exports/", "-f",
                                      "json", "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output  # NIRs found: high risk
    report = json.loads(out.read_text())
    paths = [f["path"] for f in report["files"]]
    assert f"ftp://127.0.0.1:{ftp_port}/exports/lot1/patients.csv" in paths
    assert f"ftp://127.0.0.1:{ftp_port}/exports/lot2/archive.zip!patients2.csv" in paths
    assert os.listdir(tmp_path) == ["report.json"]


# --- SFTP --------------------------------------------------------------------------------


def test_sftp_tree_with_password(sftp_port: int, tree: Path) -> None:
    url = f"sftp://{USER}:{PASSWORD.replace('@', '%40')}@127.0.0.1:{sftp_port}/"
    found, skipped = sources(url)
    assert skipped == []
    check_tree(found, f"sftp://{USER}@127.0.0.1:{sftp_port}", tree)
    assert all(PASSWORD not in s.path for s in found)


def test_sftp_netrc_credentials(sftp_port: int, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    found, skipped = sources(f"sftp://127.0.0.1:{sftp_port}/readme.txt")
    assert skipped == []
    assert [s.path for s in found] == [f"sftp://{USER}@127.0.0.1:{sftp_port}/readme.txt"]


def test_sftp_symlink_loop_is_not_followed(sftp_port: int, tree: Path) -> None:
    loop = tree / "exports" / "loop"
    loop.symlink_to(tree / "exports", target_is_directory=True)
    try:
        found, skipped = sources(f"sftp://{USER}:{PASSWORD.replace('@', '%40')}"
                                 f"@127.0.0.1:{sftp_port}/exports")
    finally:
        loop.unlink()
    assert len(found) == 2
    assert [(s.path.rsplit("/", 1)[-1], s.reason) for s in skipped] == [
        ("loop", "symbolic link, not followed")]


def test_sftp_wrong_password_is_skipped_without_the_password(sftp_port: int) -> None:
    found, skipped = sources(f"sftp://{USER}:bad-{PASSWORD[:5]}@127.0.0.1:{sftp_port}/")
    assert found == []
    assert skipped[0].reason.startswith("cannot connect")
    assert f"bad-{PASSWORD[:5]}" not in skipped[0].reason + skipped[0].path


# --- HTTP --------------------------------------------------------------------------------


def test_http_index_page_links_one_level(http_port: int, tree: Path) -> None:
    prefix = f"http://127.0.0.1:{http_port}"
    found, skipped = sources(prefix + "/exports/lot1/")
    assert [s.path for s in found] == [prefix + "/exports/lot1/patients.csv"]
    assert skipped == []
    assert nir_cells(found[0]) == len(NIRS)
    found, skipped = sources(prefix + "/")
    assert [s.path for s in found] == [prefix + "/readme.txt"]
    assert [s.path for s in skipped] == [prefix + "/exports/"]
    assert "one level" in skipped[0].reason


def test_http_single_file_and_zip_over_a_stream(http_port: int, tree: Path) -> None:
    prefix = f"http://127.0.0.1:{http_port}"
    (source,) = sources(prefix + "/exports/lot2/archive.zip")[0]
    assert source.size == (tree / "exports" / "lot2" / "archive.zip").stat().st_size
    assert nir_cells(source) == len(ARCHIVED_NIRS)
    server = HTTP_SERVERS[http_port]
    with source.open() as stream:
        # ranged servers are read by seeking; others are streamed (a zip then buffered)
        assert stream.seekable() is server.ranged  # type: ignore[attr-defined]
    if server.ranged:  # type: ignore[attr-defined]
        assert server.handler.ranges_served  # type: ignore[attr-defined]


def test_http_missing_file_is_skipped(http_port: int) -> None:
    found, skipped = sources(f"http://127.0.0.1:{http_port}/absent.csv")
    assert found == [] and skipped[0].reason == "HTTP status 404"


# --- URL parsing, credentials, links (no server) -----------------------------------------


def test_display_never_has_the_password() -> None:
    url = RemoteURL.parse("ftp://bob:s%40cret@files.example:2121/a b/c.csv")
    assert (url.user, url.password, url.port, url.path) == ("bob", "s@cret", 2121, "/a b/c.csv")
    assert url.display() == "ftp://bob@files.example:2121/a%20b/c.csv"
    assert "s@cret" not in repr(credentials(url, {}))


@pytest.mark.parametrize(
    ("url", "env", "netrc", "expected"),
    [
        ("ftp://h/", {}, None, (None, None)),
        ("ftp://u:p@h/", {"SENTINELLE_FTP_USER": "x", "SENTINELLE_FTP_PASSWORD": "y"}, None,
         ("u", "p")),
        ("ftp://h/", {"SENTINELLE_FTP_USER": "x", "SENTINELLE_FTP_PASSWORD": "y"}, None,
         ("x", "y")),
        ("sftp://u@h/", {"SENTINELLE_SFTP_PASSWORD": "y"}, None, ("u", "y")),
        ("ftp://h/", {}, "machine h login n password m\n", ("n", "m")),
        ("ftp://other@h/", {}, "machine h login n password m\n", ("other", None)),
        ("http://h/", {"SENTINELLE_FTP_USER": "x"}, None, (None, None)),
    ],
)
def test_credential_sources(url: str, env: dict[str, str], netrc: str | None,
                            expected: tuple[str | None, str | None], tmp_path: Path) -> None:
    env = dict(env)
    path = tmp_path / "netrc"
    if netrc:
        path.write_text(netrc)
        path.chmod(0o600)
    env["NETRC"] = str(path)
    cred = credentials(RemoteURL.parse(url), env)
    assert (cred.user, cred.password) == expected


def test_bad_netrc_is_a_config_error_without_its_content(tmp_path: Path) -> None:
    path = tmp_path / "netrc"
    path.write_text("machine h login n password\n  weird-token-Zq9 \"unterminated\n")
    path.chmod(0o600)
    try:
        credentials(RemoteURL.parse("ftp://h/"), {"NETRC": str(path)})
    except ConfigError as exc:
        assert "Zq9" not in str(exc)


def test_index_targets_keep_same_host_files_below_and_aside() -> None:
    html = """<a href="../">up</a><a href="?C=N;O=D">sort</a><a href="a.csv">a</a>
    <a href="sub/">sub</a><a href="/other/b.csv#x">b</a><a href="http://evil.example/c.csv">c</a>
    <a href="mailto:x@y">m</a><a href="a.csv">dup</a>"""
    files, pages = index_targets(html, "http://h:8000/exports/")
    assert files == ["http://h:8000/exports/a.csv", "http://h:8000/other/b.csv"]
    assert pages == ["http://h:8000/exports/sub/"]


def test_unsupported_scheme_and_missing_s3_extra_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unsupported URL scheme 'gopher'"):
        list(iter_remote("gopher://h/x"))
    try:
        import s3fs  # noqa: F401
    except ImportError:
        with pytest.raises(ConfigError, match=r"sentinelle\[s3\]"):
            list(iter_remote("s3://bucket/prefix"))


def test_url_through_pathlib_is_restored(ftp_port: int) -> None:
    found, _ = sources(Path(f"ftp://127.0.0.1:{ftp_port}/readme.txt"))  # type: ignore[arg-type]
    assert [s.path for s in found] == [f"ftp://127.0.0.1:{ftp_port}/readme.txt"]


def test_file_url_is_local(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("a\n")
    found, _ = sources(f"file://{tmp_path}/x.txt")
    assert [s.path for s in found] == [str(tmp_path / "x.txt")]


def test_remote_read_failure_is_an_input_error_naming_the_file(ftp_port: int,
                                                               tree: Path) -> None:
    (source,) = sources(f"ftp://127.0.0.1:{ftp_port}/readme.txt")[0]
    moved = tree / "readme.moved"
    (tree / "readme.txt").rename(moved)
    try:
        with pytest.raises(InputError) as info:
            list(read_source(source))
    finally:
        moved.rename(tree / "readme.txt")
    assert info.value.path == source.path
