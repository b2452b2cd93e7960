"""E-mail reader: .eml and mbox, headers and bodies as text, attachments as nested sources."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from _mutations import mutated
from hypothesis import HealthCheck, given, settings

from sentinelle.errors import InputError, LimitExceeded, SentinelleError
from sentinelle.readers import email as email_reader
from sentinelle.readers import read_source, sniff_format
from sentinelle.readers.base import ReadOptions, Skip, Source, Table, Text

NIR = "185037510102367"
CSV = f"nir;nom;commentaire\n{NIR};DUPONT;enceinte\n".encode()


def make_message(subject: str = "Résultats de Jean DUPONT") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Laboratoire <labo@example.fr>"
    msg["To"] = "Jean Dupont <jean.dupont@example.fr>"
    msg["Cc"] = "secretariat@example.fr"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 01 Jan 2024 10:00:00 +0100"
    msg["MIME-Version"] = "1.0"
    msg.set_content("Bonjour,\nNIR 1 85 03 75 101 023 67.\n")
    msg.add_alternative(
        "<html><head><style>p {color: red}</style></head><body><p>Patiente <b>enceinte</b>"
        "</p><table><tr><td>VIH</td><td>positif</td></tr></table><script>x=1</script>"
        "</body></html>",
        subtype="html",
    )
    msg.add_attachment(CSV, maintype="text", subtype="csv", filename="export.csv")
    msg.add_attachment(b"%PDF-1.4\n", maintype="application", subtype="pdf",
                       filename="../../cr!1.pdf")
    msg.add_attachment(b"doublon", maintype="text", subtype="csv", filename="export.csv")
    return msg


TEXT = (
    "From: Laboratoire <labo@example.fr>\n"
    "To: Jean Dupont <jean.dupont@example.fr>\n"
    "Cc: secretariat@example.fr\n"
    "Subject: Résultats de Jean DUPONT\n\n"
    "Bonjour,\nNIR 1 85 03 75 101 023 67.\n\n"
    "Patiente enceinte\n\tVIH\tpositif"
)


def test_eml_text_and_attachments() -> None:
    data = bytes(make_message())
    assert sniff_format(data, "message.bin") == "email"
    items = list(read_source(Source.from_bytes("boite/message.eml", data)))
    assert items[0] == Text(TEXT, "email", first_line=1)
    sources = [i for i in items if isinstance(i, Source)]
    assert [s.path for s in sources] == [
        "boite/message.eml!export.csv",
        "boite/message.eml!cr_1.pdf",
        "boite/message.eml!export (2).csv",
    ]
    with sources[0].open() as stream:
        assert stream.read() == CSV
    (table,) = list(read_source(sources[0]))
    assert isinstance(table, Table)
    assert table.header == ["nir", "nom", "commentaire"]
    assert table.frame.rows() == [(NIR, "DUPONT", "enceinte")]


def test_mbox_messages_and_attachments() -> None:
    one = bytes(make_message()).replace(b"\r\n", b"\n")
    two = b"From: a@example.fr\nSubject: deux\n\n>From the lab\nFrom here on\n"
    mbox = (b"From labo@example.fr Mon Jan  1 00:00:00 2024\n" + one + b"\n"
            b"From x@example.fr Tue Jan  2 00:00:00 2024\n" + two)
    assert sniff_format(mbox, "inbox") == "email"
    items = list(read_source(Source.from_bytes("inbox", mbox)))
    texts = [i for i in items if isinstance(i, Text)]
    assert [t.format for t in texts] == ["mbox", "mbox"]
    assert texts[0].text == TEXT and texts[0].extra == {"message": "1"}
    assert texts[0].first_line == 2
    assert texts[1].text == "From: a@example.fr\nSubject: deux\n\nFrom the lab\nFrom here on"
    assert texts[1].first_line == one.count(b"\n") + 4
    assert [i.path for i in items if isinstance(i, Source)] == [
        "inbox!1/export.csv", "inbox!1/cr_1.pdf", "inbox!1/export (2).csv"]


def test_forwarded_message_is_a_nested_eml() -> None:
    outer = EmailMessage()
    outer["From"] = "a@example.fr"
    outer["Subject"] = "TR: résultats"
    outer.set_content("voir pièce jointe")
    outer.add_attachment(make_message())
    items = list(read_source(Source.from_bytes("tr.eml", bytes(outer))))
    (nested,) = [i for i in items if isinstance(i, Source)]
    assert nested.path == "tr.eml!attachment-1.eml"
    inner = list(read_source(nested))
    assert inner[0] == Text(TEXT, "email", first_line=1)
    nested_paths = [i.path for i in inner if isinstance(i, Source)]
    assert nested_paths[0] == "tr.eml!attachment-1.eml!export.csv"


def test_encoded_headers_and_latin1_body() -> None:
    raw = (
        b"From: =?iso-8859-1?q?H=E9l=E8ne?= <h@example.fr>\n"
        b"Subject: =?utf-8?b?UsOpc3VsdGF0cw==?=\n"
        b"MIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=iso-8859-1\n"
        b"Content-Transfer-Encoding: 8bit\n\n"
    ) + "Sérologie négative\n".encode("latin-1")
    (text,) = list(read_source(Source.from_bytes("m.eml", raw)))
    assert text == Text("From: Hélène <h@example.fr>\nSubject: Résultats\n\nSérologie négative",
                        "email", first_line=1)


def test_limits() -> None:
    data = bytes(make_message())
    small = ReadOptions(max_member_bytes=len(CSV) - 1)
    with pytest.raises(LimitExceeded, match="message larger than"):
        list(read_source(Source.from_bytes("m.eml", data), small))
    roomy = ReadOptions(max_member_bytes=len(data), max_members=1)
    items = list(read_source(Source.from_bytes("m.eml", data), roomy))
    assert [(i.path, i.reason) for i in items if isinstance(i, Skip)] == [
        ("m.eml!cr_1.pdf", "more than 1 attachments"),
        ("m.eml!export (2).csv", "more than 1 attachments"),
    ]


def test_html_to_text() -> None:
    html = "<div>Nom&nbsp;: <b>DUPONT</b></div><br><p>né le 01/03/1985</p><style>x</style>"
    assert email_reader.html_to_text(html) == "Nom\xa0: DUPONT\nné le 01/03/1985"


@pytest.mark.parametrize(
    ("head", "score"),
    [
        (b"From a@b Mon Jan  1 00:00:00 2024\nFrom: a@b\nSubject: x\n\n", 0.95),
        (b"Received: from x\nFrom: a@b\nSubject: x\n\nbody", 0.95),
        (b"From: a@b\nSubject: x\n\nbody", 0.92),
        (b"MIME-Version: 1.0\nContent-Type: text/plain\n\nbody", 0.95),
        (b"From the lab: results\nSubject: x\n", 0.0),  # not a header, not an mbox line
        (b"Subject: only one\n\nbody", 0.0),
        (b"Nom: DUPONT\nPrenom: Jean\n", 0.0),
        (b"nom;prenom\nDUPONT;JEAN\n", 0.0),
    ],
)
def test_sniff(head: bytes, score: float) -> None:
    assert email_reader.sniff(head, "x") == score


def test_empty() -> None:
    with pytest.raises(InputError, match="empty file"):
        list(email_reader.read(Source.from_bytes("e.eml", b"")))


def consume(source: Source, depth: int = 0) -> None:
    try:
        for item in read_source(source, ReadOptions(max_line_bytes=4096)):
            if isinstance(item, Source) and depth < 2:
                consume(item, depth + 1)
    except SentinelleError as exc:
        assert str(exc).startswith(source.path + ": ")


SEED = bytes(make_message())
MBOX_SEED = b"From a@b Mon Jan  1 00:00:00 2024\n" + SEED.replace(b"\r\n", b"\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eml=mutated(SEED), mbox=mutated(MBOX_SEED))
def test_mutated_email_only_raises_sentinelle_errors(eml: bytes, mbox: bytes) -> None:
    for path, data in (("fuzz.eml", eml), ("fuzz.mbox", mbox)):
        sniff_format(data, path)
        consume(Source.from_bytes(path, data))
