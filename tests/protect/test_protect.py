"""``protect()`` end to end on generated exports."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from sentinelle.errors import ConfigError
from sentinelle.identifiers import nir
from sentinelle.lexicon.health import load_health_lexicon
from sentinelle.protect import Policy, ProtectOptions, Rule, load_policy, protect, read_manifest
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source
from sentinelle.scanning.engine import ScanConfig, scan

IDENTIFYING = ("NIR", "NIR_NO_KEY", "NNP", "PHONE", "EMAIL", "PERSON_NAME", "ADDRESS", "IBAN")


def table(path: Path) -> pl.DataFrame:
    frames = [t.frame for t in read_source(Source.from_path(path))]
    return pl.concat(frames, how="diagonal")


def raw(path: Path) -> pl.DataFrame:
    (t,) = [t for t in read_source(Source.from_path(path))]
    return t.frame


def test_scan_of_protected_export_finds_no_identifier_and_no_health_term(tmp_path, export_2000, key) -> None:
    before = scan([export_2000], ScanConfig()).files[0]
    assert all(before.entities[e].count for e in ("PHONE", "EMAIL", "PERSON_NAME"))
    assert before.health  # the comments do hold health notes
    out = tmp_path / "p.csv"
    result = protect(export_2000, out, key, ProtectOptions(recipient="cro"))
    report = scan([out], ScanConfig()).files[0]
    assert not report.errors
    for entity in IDENTIFYING:
        assert entity not in report.entities or report.entities[entity].count == 0, entity
    assert not report.health
    # the redacted comment column is still there, with no health term left
    comment = next(c["name"] for c in result.data["columns"] if c["action"] == "redact")
    texts = table(out)[comment].drop_nulls().to_list()
    assert any("[SANTE]" in t for t in texts)
    lexicon = load_health_lexicon()
    assert not [t for t in texts if lexicon.categories(t)]


def test_kept_columns_stay(tmp_path, export_2000, key) -> None:
    names = [c for c in raw(export_2000).columns if c.upper() in ("NOM", "NOM USUEL", "NOM_PATIENT", "NOM D'USAGE")]
    assert names
    policy = Policy(columns={names[0]: Rule("keep")})
    out = tmp_path / "k.csv"
    protect(export_2000, out, key, ProtectOptions(policy=policy))
    report = scan([out], ScanConfig()).files[0]
    assert report.entities["PERSON_NAME"].count > 0  # the kept name column, and only it
    assert [c.name for c in report.columns if c.entity == "PERSON_NAME"] == [names[0]]


def _pseudonym_columns(data: dict) -> list[str]:
    return [c["name"] for c in data["columns"] if c["action"] == "pseudonymise"]


def test_same_key_and_recipient_same_pseudonyms_other_recipient_others(tmp_path, export_2000, key) -> None:
    a1 = protect(export_2000, tmp_path / "a1.csv", key, ProtectOptions(recipient="alice"))
    protect(export_2000, tmp_path / "a2.csv", key, ProtectOptions(recipient="alice"))
    b = protect(export_2000, tmp_path / "b.csv", key, ProtectOptions(recipient="bob"))
    assert (tmp_path / "a1.csv").read_bytes() == (tmp_path / "a2.csv").read_bytes()
    cols = _pseudonym_columns(a1.data)
    assert len(cols) >= 2
    ta, tb = table(tmp_path / "a1.csv"), table(tmp_path / "b.csv")
    for col in cols:
        va, vb = set(ta[col].drop_nulls()), set(tb[col].drop_nulls())
        assert va and va.isdisjoint(vb), col
    # joins still work: one pseudonym per distinct national number, one per patient
    src = raw(export_2000)
    nir_col = next(c["name"] for c in a1.data["columns"] if c["entity"] in ("NIR", "NIR_NO_KEY"))
    bodies = src[nir_col].str.replace_all(r"[\s.\-/]", "").str.slice(0, 13).drop_nulls()
    assert ta[nir_col].drop_nulls().n_unique() == bodies.n_unique()
    pairs = pl.DataFrame({"src": src[nir_col], "out": ta[nir_col]}).drop_nulls()
    assert pairs.group_by("out").agg(pl.col("src").str.replace_all(r"\D", "").str.slice(0, 13)
                                     .n_unique()).get_column("src").max() == 1
    assert b.data["key_id"] == a1.data["key_id"]


def test_min_k_5_on_generated_export(tmp_path, export_2000, key) -> None:
    out = tmp_path / "k5.csv"
    result = protect(export_2000, out, key, ProtectOptions(min_k=5, max_suppress=0.05))
    data = result.data
    risk = data["risk"]["table"]
    assert risk["before"]["k"] < 5
    assert risk["after"]["k"] >= 5
    assert risk["min_k"]["suppressed"] == data["suppressed"]  # reported, possibly 0
    records = data["input"]["records"]
    frame = table(out)
    assert frame.height == data["rows"] == records - data["suppressed"]
    assert data["suppressed"] <= 0.05 * records
    qis = risk["after"]["quasi_identifiers"]
    assert qis
    sizes = Counter(tuple("" if v is None else v for v in row) for row in frame.select(qis).rows())
    assert min(sizes.values()) >= 5  # brute force on the written file
    assert risk["after"]["classes"] == len(sizes)
    assert risk["after"]["prosecutor_max"] == pytest.approx(1 / min(sizes.values()))


def test_min_k_refuses_clearly(tmp_path, export_2000, key) -> None:
    with pytest.raises(ConfigError, match=r"--min-k 500: cannot reach k=500"):
        protect(export_2000, tmp_path / "x.csv", key, ProtectOptions(min_k=500, max_suppress=0.01))
    assert not (tmp_path / "x.csv").exists()


def test_manifest_contents_and_no_key_anywhere(tmp_path, export_2000, key, key_file) -> None:
    out = tmp_path / "m.csv"
    result = protect(export_2000, out, key, ProtectOptions(recipient="cro-42", expires=None,
                                                            canaries=2))
    data = read_manifest(result.manifest)
    assert result.manifest == tmp_path / "m.csv.manifest.json"
    assert data["recipient"] == "cro-42" and data["key_id"] == key.key_id
    assert data["rows"] == table(out).height == data["input"]["records"] + 2
    assert set(data["columns_kept"]) == set(table(out).columns)
    assert data["risk"]["table"]["before"]["quasi_identifiers"]
    assert data["output"] == {"file": "m.csv", "format": "csv", "encrypted": False,
                              "bytes": out.stat().st_size}
    secret_hex = key.secret.hex()
    for blob in (out.read_bytes(), result.manifest.read_bytes()):
        assert secret_hex.encode() not in blob and key.secret not in blob
        assert key.recipient_key("cro-42").hex().encode() not in blob
    # and no pseudonym is stored in the manifest
    pseudonyms = set(table(out)[_pseudonym_columns(data)[0]].drop_nulls())
    text = result.manifest.read_text()
    assert not [p for p in list(pseudonyms)[:200] if p in text]


def test_minimisation_keep_dates_and_credentials(tmp_path, export_2000, key) -> None:
    src = raw(export_2000)
    login = next(c for c in src.columns if c.upper() in ("LOGIN", "IDENTIFIANT", "ID_WEB", "UTILISATEUR"))
    out = tmp_path / "a.csv"
    res = protect(export_2000, out, key, ProtectOptions())
    assert login not in table(out).columns
    res = protect(export_2000, out, key, ProtectOptions(
        policy=replace(Policy(), allow_credentials=True)))
    assert login in table(out).columns
    dob = next(c["name"] for c in res.data["columns"] if c["entity"] == "DATE_OF_BIRTH")
    keep = (src.columns[0], dob)
    protect(export_2000, out, key, ProtectOptions(keep=keep))
    assert tuple(table(out).columns) == keep
    with pytest.raises(ConfigError, match="do not exist"):
        protect(export_2000, out, key, ProtectOptions(keep=("nope",)))
    import datetime as dt

    res = protect(export_2000, out, key, ProtectOptions(since=dt.date(2018, 1, 1),
                                                         until=dt.date(2018, 12, 31)))
    date_col = res.data["minimisation"]["date_column"]
    months = table(out)[date_col].drop_nulls().unique().to_list()
    assert months and all(m.startswith("2018-") for m in months)
    assert 0 < res.data["rows"] < res.data["input"]["records"]


def test_refuses_to_overwrite_input(tmp_path, export_2000, key) -> None:
    copy = tmp_path / "in.csv"
    copy.write_bytes(export_2000.read_bytes())
    with pytest.raises(ConfigError, match="refusing to overwrite the input"):
        protect(copy, copy, key)
    with pytest.raises(ConfigError, match="refusing to overwrite the input"):
        protect(copy, tmp_path / "." / "in.csv", key)
    assert copy.read_bytes() == export_2000.read_bytes()


def test_chunked_input_gives_the_same_output(tmp_path, export_2000, key) -> None:
    one = protect(export_2000, tmp_path / "one.csv", key, ProtectOptions(min_k=3, max_suppress=0.2))
    many = protect(export_2000, tmp_path / "many.csv", key, ProtectOptions(
        min_k=3, max_suppress=0.2, read=ReadOptions(chunk_rows=300)))
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "many.csv").read_bytes()
    assert one.data["risk"] == many.data["risk"]


def test_policy_file(tmp_path, export_2000, key) -> None:
    auto = protect(export_2000, tmp_path / "auto.csv", key)
    nir_col = next(c["name"] for c in auto.data["columns"] if c["entity"] in ("NIR", "NIR_NO_KEY"))
    policy = tmp_path / "p.toml"
    policy.write_text(
        f'name = "etude"\nauto = false\ndefault = "drop"\n[columns]\n"{nir_col}" = '
        '{ action = "pseudonymise", to = "nir" }\n', encoding="utf-8")
    out = tmp_path / "p.csv"
    res = protect(export_2000, out, key, ProtectOptions(policy=load_policy(policy)))
    lines = out.read_bytes().decode("cp1252").splitlines()
    assert lines[0] == nir_col
    values = [v for v in lines[1:] if v]
    assert values and all(len(v) == 15 and not nir.is_valid(v) for v in values)
    assert res.data["policy"]["name"] == "etude"
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\nX = "shred"\n')
    with pytest.raises(ConfigError, match="bad.toml.*unknown action"):
        load_policy(bad)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx", "json", "ndjson", "parquet", "sqlite", "sql"])
def test_every_table_format_round_trips(tmp_path, export_factory, key, fmt: str) -> None:
    src, _ = export_factory(patients=120, seed=3, format=fmt, encoding="cp1252", delimiter="|")
    out = tmp_path / f"out.{fmt}"
    res = protect(src, out, key, ProtectOptions(recipient="r"))
    written = "parquet" if fmt == "sql" else fmt
    assert res.data["output"]["format"] == written
    tables = list(read_source(Source.from_path(out)))
    assert tables[0].format == written
    frame = pl.concat([t.frame for t in tables], how="diagonal")
    assert frame.height == res.data["input"]["records"]
    assert frame.columns == res.data["columns_kept"]
    if fmt in ("csv", "tsv"):
        assert tables[0].encoding == "cp1252"
        assert tables[0].extra["delimiter"] == ("tab" if fmt == "tsv" else "|")
        assert tables[0].extra["newline"] == "crlf"
    report = scan([out], ScanConfig()).files
    for f in report:
        for entity in ("NIR", "PHONE", "EMAIL", "PERSON_NAME"):
            assert entity not in f.entities or f.entities[entity].count == 0, (fmt, entity)
    # same pseudonyms whatever the format
    ref = protect(src, tmp_path / "ref.parquet", key, ProtectOptions(recipient="r", out_format="parquet"))
    col = _pseudonym_columns(ref.data)[0]
    assert frame[col].to_list() == pl.read_parquet(tmp_path / "ref.parquet")[col].to_list()
    json.dumps(res.data)  # the manifest is JSON-serialisable


def test_nir_shaped_pseudonyms_are_not_nirs_for_scan(tmp_path, export_factory, key) -> None:
    src, _ = export_factory(patients=300, seed=8, nir_layout="single")
    out = tmp_path / "n.csv"
    res = protect(src, out, key, ProtectOptions(policy=replace(Policy(), pseudonym_shape="nir")))
    nir_col = next(c["name"] for c in res.data["columns"] if c["entity"] == "NIR")
    values = table(out)[nir_col].drop_nulls().to_list()
    assert values and all(len(v) == 15 and v.isdigit() and not nir.is_valid(v) for v in values)
    report = scan([out], ScanConfig()).files[0]
    assert "NIR" not in report.entities or report.entities["NIR"].count == 0


def test_ragged_chunks_conform_to_the_first(tmp_path, key) -> None:
    src = tmp_path / "r.ndjson"
    lines = [json.dumps({"NIR": "185037510002397", "SEXE": "M", "NOM": "DUPONT"}),
             json.dumps({"NIR": "269054958815780", "SEXE": "F", "NOM": "MARTIN"}),
             json.dumps({"NIR": "295109912611193", "SEXE": "F"}),
             json.dumps({"NIR": "185037510002397", "SEXE": "M", "NOM": "DUPONT", "NEW": "x"})]
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "o.ndjson"
    res = protect(src, out, key, ProtectOptions(read=ReadOptions(chunk_rows=2)))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 4 == res.data["rows"]
    assert all("NOM" not in r and "NEW" not in r for r in rows)
    assert rows[0]["NIR"] == rows[3]["NIR"] != rows[1]["NIR"]
