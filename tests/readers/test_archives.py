"""Archive readers: zip, tar (plain and compressed), gzip, bzip2, xz, zstd, 7z.

Every archive is built in memory by the test; nothing is extracted anywhere. Members are
walked the way the scan driver does it (depth-first, as they are yielded).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

import py7zr
import pytest
import zstandard

from sentinelle.errors import InputError, LimitExceeded, SentinelleError
from sentinelle.readers import _archive as archive_limits
from sentinelle.readers import archive_tar, read_source, sniff_format
from sentinelle.readers.base import ReadOptions, Skip, Source, Table, Text

CSV = b"nom;prenom;nir\nDUPONT;Jeanne;185037510002397\nMARTIN;Paul;292027512045690\n"
NOTE = b"Compte rendu : patiente enceinte, RAS.\n"


# --- builders ----------------------------------------------------------------------------


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def make_tar(members: dict[str, bytes], mode: str = "w", links: dict[str, str] | None = None,
             fmt: int = tarfile.PAX_FORMAT) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode, format=fmt) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE if not target.startswith("=") else tarfile.LNKTYPE
            info.linkname = target.lstrip("=")
            archive.addfile(info)
    return buffer.getvalue()


def make_7z(members: dict[str, bytes], password: str | None = None,
            encrypt_headers: bool = False, rename: dict[str, str] | None = None) -> bytes:
    """A 7z archive; ``rename`` patches member names py7zr refuses to write (``../x``)
    into the plain header and fixes the header CRCs (7zFormat.txt, SignatureHeader)."""
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w", password=password,
                            header_encryption=encrypt_headers) as archive:
        if rename:
            archive.set_encoded_header_mode(False)
        for name, data in members.items():
            archive.writestr(data, name)
    data = bytearray(buffer.getvalue())
    for old, new in (rename or {}).items():
        before, after = old.encode("utf-16-le"), new.encode("utf-16-le")
        assert len(before) == len(after) and before in data
        data = data.replace(before, after)
    if rename:
        offset, size, _ = struct.unpack_from("<QQI", data, 12)
        struct.pack_into("<I", data, 28, zlib.crc32(bytes(data[32 + offset:32 + offset + size])))
        struct.pack_into("<I", data, 8, zlib.crc32(bytes(data[12:32])))
    return bytes(data)


def zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


def make_xlsx() -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Patients")
    for row, values in enumerate([("nom", "nir"), ("DUPONT", "185037510002397")]):
        for col, value in enumerate(values):
            sheet.write_string(row, col, value)
    book.close()
    return buffer.getvalue()


# --- walking -----------------------------------------------------------------------------


def walk(source: Source, options: ReadOptions = ReadOptions()) -> dict[str, object]:
    """Every leaf reached from ``source``: path -> bytes read (members), a Skip reason
    (``"skip: ..."``) or an error (``"error: ..."``), like the scan driver."""
    out: dict[str, object] = {}
    try:
        for item in read_source(source, options):
            if isinstance(item, Source):
                try:
                    with item.open() as stream:
                        content = stream.read()
                except SentinelleError as exc:
                    out[item.path] = f"error: {exc.reason if isinstance(exc, InputError) else exc}"
                    continue
                out[item.path] = content
                if sniff_format(content[:65536], item.path) in ARCHIVE_FORMATS:
                    out.update(walk(item, options))
            elif isinstance(item, Skip):
                out.setdefault(item.path, f"skip: {item.reason}")
    except InputError as exc:
        out[f"{source.path} (error)"] = f"error: {exc.reason}"
    return out


ARCHIVE_FORMATS = {"zip", "tar", "7z", "gzip", "bzip2", "xz", "zstd"}


def members(data: bytes, name: str, options: ReadOptions = ReadOptions()) -> list:
    return list(read_source(Source.from_bytes(name, data), options))


# --- formats -----------------------------------------------------------------------------


FORMATS = [
    ("a.zip", lambda: make_zip({"lot1/p.csv": CSV, "note.txt": NOTE}), "zip"),
    ("a.zip", lambda: make_zip({"lot1/p.csv": CSV, "note.txt": NOTE}, zipfile.ZIP_STORED), "zip"),
    ("a.zip", lambda: make_zip({"lot1/p.csv": CSV, "note.txt": NOTE}, zipfile.ZIP_BZIP2), "zip"),
    ("a.zip", lambda: make_zip({"lot1/p.csv": CSV, "note.txt": NOTE}, zipfile.ZIP_LZMA), "zip"),
    ("a.tar", lambda: make_tar({"lot1/p.csv": CSV, "note.txt": NOTE}), "tar"),
    ("a.tar", lambda: make_tar({"lot1/p.csv": CSV, "note.txt": NOTE}, fmt=tarfile.GNU_FORMAT),
     "tar"),
    ("a.tar", lambda: make_tar({"lot1/p.csv": CSV, "note.txt": NOTE}, fmt=tarfile.USTAR_FORMAT),
     "tar"),
    ("a.tar.gz", lambda: make_tar({"lot1/p.csv": CSV, "note.txt": NOTE}, "w:gz"), "tar"),
    ("a.tgz", lambda: make_tar({"lot1/p.csv": CSV, "note.txt": NOTE}, "w:gz"), "tar"),
    ("a.tar.bz2", lambda: make_tar({"lot1/p.csv": CSV, "note.txt": NOTE}, "w:bz2"), "tar"),
    ("a.tar.xz", lambda: make_tar({"lot1/p.csv": CSV, "note.txt": NOTE}, "w:xz"), "tar"),
    ("a.tar.zst", lambda: zstd(make_tar({"lot1/p.csv": CSV, "note.txt": NOTE})), "tar"),
    ("a.7z", lambda: make_7z({"lot1/p.csv": CSV, "note.txt": NOTE}), "7z"),
]


@pytest.mark.parametrize(("name", "build", "fmt"), FORMATS)
def test_archive_members_are_found_named_and_read(name: str, build, fmt: str) -> None:
    data = build()
    assert sniff_format(data[:65536], name) == fmt
    found = walk(Source.from_bytes(name, data))
    assert found == {f"{name}!lot1/p.csv": CSV, f"{name}!note.txt": NOTE}


@pytest.mark.parametrize(
    ("name", "compress", "fmt", "inner"),
    [
        ("export.csv.gz", gzip.compress, "gzip", "export.csv"),
        ("export.csv.bz2", bz2.compress, "bzip2", "export.csv"),
        ("export.csv.xz", lzma.compress, "xz", "export.csv"),
        ("export.csv.zst", zstd, "zstd", "export.csv"),
        ("dump.zip!data", gzip.compress, "gzip", "data"),
    ],
)
def test_single_stream_files_yield_one_member(name: str, compress, fmt: str, inner: str) -> None:
    data = compress(CSV)
    assert sniff_format(data, name) == fmt
    assert walk(Source.from_bytes(name, data)) == {f"{name}!{inner}": CSV}
    (member,) = members(data, name)
    (table,) = read_source(member)
    assert isinstance(table, Table) and table.frame["nir"].to_list()[0] == "185037510002397"


def test_concatenated_gzip_and_zstd_frames_are_read_whole() -> None:
    assert walk(Source.from_bytes("a.gz", gzip.compress(CSV) + gzip.compress(NOTE))) == {
        "a.gz!a": CSV + NOTE}
    assert walk(Source.from_bytes("a.zst", zstd(CSV) + zstd(NOTE))) == {"a.zst!a": CSV + NOTE}


def test_gzip_stored_file_name_used_without_suffix() -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="patients.csv", mode="wb", fileobj=buffer) as out:
        out.write(CSV)
    assert list(walk(Source.from_bytes("blob", buffer.getvalue()))) == ["blob!patients.csv"]


def test_zip_holding_tar_gz_holding_dump_hl7_and_xlsx() -> None:
    """The issue's nesting: every member found, named with its full ``!`` path."""
    sql = b"CREATE TABLE patient (nom text, nir text);\nINSERT INTO patient VALUES " \
          b"('DUPONT','185037510002397');\n"
    hl7 = b"MSH|^~\\&|LAB|X|Y|Z|202001011200||ORU^R01|1|P|2.5\rPID|1||185037510002397^^^" \
          b"ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||DUPONT^JEANNE\r"
    xlsx = make_xlsx()
    inner = make_tar({"file.sql": sql, "msg/oru.hl7": hl7, "book.xlsx": xlsx}, "w:gz")
    outer = make_zip({"dir/inner.tar.gz": inner})
    found = walk(Source.from_bytes("outer.zip", outer))
    assert found["outer.zip!dir/inner.tar.gz!file.sql"] == sql
    assert found["outer.zip!dir/inner.tar.gz!msg/oru.hl7"] == hl7
    assert found["outer.zip!dir/inner.tar.gz!book.xlsx"] == xlsx
    assert sniff_format(xlsx, "book.xlsx") != "zip"  # the spreadsheet reader claims it


def test_sniff_scores() -> None:
    from sentinelle.readers import archive_zip

    plain = make_zip({"a.csv": CSV})
    office = make_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})
    assert archive_zip.sniff(plain, "a.zip") == 0.95
    assert archive_zip.sniff(office, "a.zip") == 0.85
    assert archive_zip.sniff(CSV, "a.zip") == 0.0
    tgz = make_tar({"a": CSV}, "w:gz")
    assert archive_tar.sniff(tgz, "whatever") == 0.97
    assert archive_tar.sniff(gzip.compress(CSV), "x.gz") == 0.0
    assert archive_tar.sniff(make_tar({"a": CSV}, fmt=tarfile.USTAR_FORMAT), "x") == 0.95
    v7 = make_tar({"a": CSV}, fmt=tarfile.USTAR_FORMAT)
    v7 = bytearray(v7)
    v7[257:265] = b"\x00" * 8  # an old v7 header: no magic, checksum still decides
    header = v7[:512]
    header[148:156] = b" " * 8
    v7[148:156] = f"{sum(header):06o}\x00 ".encode()
    assert archive_tar.sniff(bytes(v7), "x") == 0.7
    assert sniff_format(b"BZh91AY&SY" + b"\x00" * 20, "a") == "bzip2"


# --- limits ------------------------------------------------------------------------------


def test_max_members_skips_the_rest_with_a_count() -> None:
    data = make_zip({f"m{i}.txt": NOTE for i in range(10)})
    items = members(data, "many.zip", ReadOptions(max_members=4))
    assert [i.path for i in items if isinstance(i, Source)] == [f"many.zip!m{i}.txt"
                                                                for i in range(4)]
    (skip,) = [i for i in items if isinstance(i, Skip)]
    assert skip.path == "many.zip"
    assert skip.reason == "member limit reached (max_members 4): 6 more members not read"


def test_max_members_counts_every_level_of_a_nested_archive() -> None:
    inner = make_zip({f"m{i}.txt": NOTE for i in range(3)})
    outer = make_zip({f"z{i}.zip": inner for i in range(5)})
    found = walk(Source.from_bytes("o.zip", outer), ReadOptions(max_members=10))
    leaves = [p for p, v in found.items() if p.endswith(".txt") and v == NOTE]
    assert 0 < len(leaves) < 15
    assert any(isinstance(v, str) and "max_members 10" in v for v in found.values())


def test_declared_ratio_and_size_skip_before_reading() -> None:
    data = make_zip({"zeros.txt": b"0" * (4 * 1024 * 1024), "ok.csv": CSV})
    found = walk(Source.from_bytes("r.zip", data))
    assert found["r.zip!ok.csv"] == CSV
    assert found["r.zip!zeros.txt"].startswith("skip: compression ratio ")
    assert "over max_ratio 200:1" in found["r.zip!zeros.txt"]
    found = walk(Source.from_bytes("r.zip", data), ReadOptions(max_member_bytes=1000))
    assert found["r.zip!zeros.txt"] == ("skip: member of 4194304 bytes, over max_member_bytes "
                                        "(1000)")


def test_member_stream_cannot_expand_past_the_limit() -> None:
    data = gzip.compress(b"a;b\n" * 2_000_000)  # 8 MB of text from ~20 kB: over 200:1
    found = walk(Source.from_bytes("bomb.csv.gz", data))
    assert found == {"bomb.csv.gz!bomb.csv": "error: expands to more than 200 times its "
                     "compressed size (max_ratio; decompression bomb?)"}
    (member,) = members(data, "bomb.csv.gz")
    with pytest.raises(LimitExceeded):
        list(read_source(member))


def test_max_member_bytes_on_a_stream() -> None:
    data = bz2.compress(NOTE * 100)
    (member,) = members(data, "n.txt.bz2", ReadOptions(max_member_bytes=len(NOTE) * 100))
    assert len(member.open().read()) == len(NOTE) * 100  # exactly at the limit: fine
    (member,) = members(data, "n.txt.bz2", ReadOptions(max_member_bytes=len(NOTE) * 99))
    with pytest.raises(LimitExceeded, match="max_member_bytes"):
        member.open().read()


def test_max_expanded_bytes_across_levels() -> None:
    data = make_zip({f"f{i}.txt": NOTE * 1000 for i in range(20)})
    options = ReadOptions(max_expanded_bytes=len(NOTE) * 1000 * 5)
    found = walk(Source.from_bytes("x.zip", data), options)
    read_ok = [p for p, v in found.items() if v == NOTE * 1000]
    assert 4 <= len(read_ok) <= 6
    assert any("max_expanded_bytes" in str(v) for v in found.values())


def test_overlapping_style_total_ratio_stops_the_archive() -> None:
    # Each member is under the per-member floor, so only the archive-wide ratio catches
    # what Fifield's overlapping-entry bombs exploit: the sum of the declared sizes.
    data = make_zip({f"f{i}.txt": b"x" * 200_000 for i in range(60)})
    found = walk(Source.from_bytes("o.zip", data), ReadOptions(max_ratio=20))
    skip = found["o.zip"]
    assert isinstance(skip, str) and "times the archive size" in skip
    assert 0 < sum(1 for v in found.values() if v == b"x" * 200_000) < 60


def test_depth_limit() -> None:
    data = CSV
    for level in range(4):
        data = make_zip({f"l{level}.zip" if level else "p.csv": data})
    found = walk(Source.from_bytes("d.zip", data), ReadOptions(max_depth=2))
    deepest = [p for p in found if p.count("!") > 2]
    assert deepest == []
    assert any("max_depth" in str(v) for v in found.values())


def test_42_style_bomb_ends_quickly_with_skips() -> None:
    leaf = make_zip({"zeros.bin": b"\x00" * (8 * 1024 * 1024)})
    level = leaf
    for depth in range(3):
        level = make_zip({f"d{depth}_{i}.zip": level for i in range(8)})
    assert len(level) < 100_000
    found = walk(Source.from_bytes("42.zip", level))
    skips = [v for v in found.values() if isinstance(v, str)]
    assert len(skips) == 8 ** 3
    assert all("compression ratio" in s for s in skips)


# --- hostile names, links, encryption ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../../etc/cron.d/x", "parent directory (..)"),
        ("/etc/passwd", "absolute path"),
        ("C:\\Windows\\x.txt", "drive letter"),
        ("a/..\\..\\b", "parent directory (..)"),
        ("nul\x00byte.txt", "NUL byte in name"),
    ],
)
def test_unsafe_member_names_are_reported_and_scanned(name: str, why: str) -> None:
    stand_in = name.replace("\x00", "#")  # zipfile cannot write a NUL: patch it in
    data = make_zip({stand_in: NOTE}).replace(stand_in.encode(), name.encode("cp437"))
    items = members(data, "evil.zip")
    shown = "evil.zip!" + name.replace("\x00", "\\x00")
    assert [(type(i).__name__, i.path) for i in items] == [("Skip", shown), ("Source", shown)]
    assert items[0].reason == (f"unsafe member path: {why}; nothing is extracted, "
                               "content scanned")
    assert items[1].open().read() == NOTE


def test_unsafe_names_in_tar_and_7z_are_reported_and_scanned() -> None:
    items = members(make_tar({"../up.txt": NOTE, "/abs.txt": CSV}), "t.tar")
    assert [(type(i).__name__, i.path) for i in items] == [
        ("Skip", "t.tar!../up.txt"), ("Source", "t.tar!../up.txt"),
        ("Skip", "t.tar!/abs.txt"), ("Source", "t.tar!/abs.txt")]
    data = make_7z({"xx/up.txt": NOTE, "ok.txt": CSV}, rename={"xx/up.txt": "../up.txt"})
    found = walk(Source.from_bytes("s.7z", data))
    assert found == {"s.7z!../up.txt": NOTE, "s.7z!ok.txt": CSV}
    (skip,) = [i for i in members(data, "s.7z") if isinstance(i, Skip)]
    assert skip.reason.startswith("unsafe member path: parent directory (..)")


def test_control_characters_in_names_are_escaped() -> None:
    items = members(make_zip({"a\x1b[31mred.txt": NOTE}), "c.zip")
    assert [i.path for i in items] == ["c.zip!a\\x1b[31mred.txt"]


def test_tar_links_and_devices_are_skipped() -> None:
    data = make_tar({"real.txt": NOTE}, links={"link": "/etc/shadow", "hard": "=real.txt"})
    found = walk(Source.from_bytes("l.tar", data))
    assert found == {"l.tar!real.txt": NOTE,
                     "l.tar!link": "skip: symbolic link member, not followed",
                     "l.tar!hard": "skip: hard link member, not followed"}


def test_zip_symlink_member_is_skipped() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link")
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    assert walk(Source.from_bytes("s.zip", buffer.getvalue())) == {
        "s.zip!link": "skip: symbolic link member, not followed"}


def test_encrypted_zip_member_is_skipped() -> None:
    data = bytearray(make_zip({"secret.csv": CSV, "open.txt": NOTE}))
    central = data.find(b"PK\x01\x02")  # first central directory header: secret.csv
    data[central + 8] |= 0x01  # general purpose bit 0: encrypted
    found = walk(Source.from_bytes("e.zip", bytes(data)))
    assert found == {"e.zip!secret.csv": "skip: encrypted member", "e.zip!open.txt": NOTE}


def test_encrypted_7z_is_skipped() -> None:
    found = walk(Source.from_bytes("e.7z", make_7z({"secret.csv": CSV}, password="pw")))
    assert found == {"e.7z!secret.csv": "skip: encrypted member"}
    data = make_7z({"secret.csv": CSV}, password="pw", encrypt_headers=True)
    assert walk(Source.from_bytes("h.7z", data)) == {
        "h.7z": "skip: encrypted archive (encrypted headers)"}


# --- corrupt and truncated ---------------------------------------------------------------


def test_truncated_gzip_member_errors_after_what_was_read() -> None:
    rows = b"".join(b"%d;NOM%d;x\n" % (i * 7919 % 100003, i) for i in range(20000))
    data = gzip.compress(rows)
    (member,) = members(data[: len(data) // 2], "t.csv.gz")
    with pytest.raises(InputError) as info:
        list(read_source(member))
    assert info.value.path == "t.csv.gz!t.csv"
    assert info.value.reason == "truncated gzip data"
    got = bytearray()
    with pytest.raises(InputError, match="truncated gzip data"), member.open() as stream:
        while piece := stream.read(4096):
            got += piece
    assert len(got) > len(rows) // 4 and rows.startswith(bytes(got))  # readable part read


def test_truncated_tar_gz_errors_after_members() -> None:
    big = os.urandom(200_000)
    data = make_tar({"a.txt": NOTE, "b.bin": big}, "w:gz")
    items = []
    with pytest.raises(InputError) as info:
        items.extend(read_source(Source.from_bytes("t.tar.gz", data[: len(data) - 50_000])))
    assert [i.path for i in items] == ["t.tar.gz!a.txt"]
    assert info.value.path == "t.tar.gz"
    assert info.value.reason in ("truncated gzip data",
                                 "corrupt or truncated tar (unexpected end of data)")


def test_zip_without_central_directory_is_salvaged() -> None:
    data = make_zip({"a.csv": CSV, "b.txt": NOTE * 50})
    cut = data[: data.find(b"PK\x01\x02") - 5]  # lose the directory and b.txt's tail
    found = walk(Source.from_bytes("cut.zip", cut))
    assert found["cut.zip!a.csv"] == CSV
    assert found["cut.zip (error)"].startswith("error: corrupt zip: central directory "
                                               "unreadable; last member truncated; 2 members")


def test_garbage_after_magic_is_a_clear_error() -> None:
    for name, data in [("g.zip", b"PK\x03\x04" + os.urandom(200)),
                       ("g.7z", b"7z\xbc\xaf\x27\x1c" + os.urandom(200)),
                       ("g.tar", b"\x00" * 257 + b"ustar\x00" + os.urandom(800))]:
        with pytest.raises(InputError) as info:
            list(read_source(Source.from_bytes(name, data)))
        assert info.value.path == name
        assert "corrupt" in info.value.reason


def test_corrupt_member_crc_is_an_input_error_on_the_member() -> None:
    data = bytearray(make_zip({"a.txt": NOTE * 20}, zipfile.ZIP_STORED))
    data[data.find(b"Compte") + 3] ^= 0xFF
    (member,) = members(bytes(data), "crc.zip")
    with pytest.raises(InputError, match=r"crc.zip!a.txt: corrupt zip data \(BadZipFile\)"):
        member.open().read()


# --- memory and streaming paths -------------------------------------------------------------


def test_big_tar_member_is_streamed_again_not_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_tar, "MEMORY_LIMIT", 100)
    data = make_tar({"small.txt": b"x" * 50, "big.txt": NOTE * 10, "after.txt": b"y"}, "w:gz")
    found = walk(Source.from_bytes("b.tgz", data))
    assert found == {"b.tgz!small.txt": b"x" * 50, "b.tgz!big.txt": NOTE * 10,
                     "b.tgz!after.txt": b"y"}


def test_zip_inside_a_non_seekable_stream_is_buffered(monkeypatch: pytest.MonkeyPatch) -> None:
    inner = make_zip({"a.csv": CSV})
    data = gzip.compress(inner)
    assert walk(Source.from_bytes("z.zip.gz", data)) == {"z.zip.gz!z.zip": inner,
                                                         "z.zip.gz!z.zip!a.csv": CSV}
    monkeypatch.setattr(archive_limits, "MEMORY_LIMIT", 10)
    found = walk(Source.from_bytes("z.zip.gz", data))
    assert "over 10 bytes in a stream that cannot seek" in found["z.zip.gz!z.zip (error)"]


def test_zip_on_disk_is_read_by_seeking(tmp_path: Path) -> None:
    path = tmp_path / "d.zip"
    path.write_bytes(make_zip({"a.csv": CSV}))
    before = sorted(os.listdir(tmp_path))
    found = walk(Source.from_path(path))
    assert found == {f"{path}!a.csv": CSV}
    assert sorted(os.listdir(tmp_path)) == before


def test_members_read_as_text_chunks() -> None:
    (member,) = members(make_zip({"note.txt": NOTE}), "n.zip")
    (chunk,) = read_source(member)
    assert isinstance(chunk, Text) and "enceinte" in chunk.text
