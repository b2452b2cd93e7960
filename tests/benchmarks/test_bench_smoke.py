"""The benchmark suite cannot rot: every suite function runs here on tiny inputs.

No timing is asserted (figures depend on the machine); what is asserted is that each
suite produces its table with the expected rows, that the scoring is right on inputs
whose answer is known, and that the Presidio adapter (spaCy ``fr_core_news_sm`` + the
custom NIR recogniser) finds what it should.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import _common as C
import _presidio as P
import accuracy
import run_all
import scaling
import throughput

NIR_OK = "1 85 03 75 123 456 41"  # key 41: 97 - (1850375123456 mod 97)
TINY, TINY_MIXED = 300, 30  # patients: the inputs are generated once and shared


@pytest.fixture(autouse=True)
def _bench_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Generated inputs go to one temporary cache for the whole module, not bench-data/."""
    monkeypatch.setenv("SENTINELLE_BENCH_DATA", str(tmp_path_factory.getbasetemp() / "bench"))


@pytest.fixture(scope="module")
def engine():
    return P.build_engine()


def _rows(markdown: str) -> list[list[str]]:
    """The body rows of the first markdown table in ``markdown``."""
    lines = [ln for ln in markdown.splitlines() if ln.startswith("|")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]


# -- Presidio adapter ----------------------------------------------------------------------

def test_nir_key_check():
    assert P.nir_key_ok(NIR_OK)
    assert P.nir_key_ok("185037512345641")
    assert P.nir_key_ok("1.85.03.75.123.456.41")
    assert not P.nir_key_ok("1 85 03 75 123 456 42")
    # Corsica: 2A -> 19 for the key
    body = "185032A123456"
    key = 97 - int(body.replace("2A", "19")) % 97
    assert P.nir_key_ok(f"{body}{key:02d}")
    assert not P.nir_key_ok("12345")


def test_presidio_adapter_on_five_lines(engine):
    lines = [
        f"Patient DUPONT Jean, n° SS {NIR_OK}, tél 06 12 34 56 78",
        "Contact : jean.dupont@example.fr",
        "n° SS 1 85 03 75 123 456 42 (clé fausse)",
        "Réunion qualité du service reportée à jeudi",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
    ]
    spans = P.analyze_texts(engine, lines)
    assert len(spans) == 5
    found = [{(s.entity, line[s.start:s.end]) for s in got} for line, got in zip(lines, spans)]
    assert ("NIR", NIR_OK) in found[0]  # the custom recogniser, key checked
    assert any(e == "PHONE" for e, _ in found[0])
    assert ("EMAIL", "jean.dupont@example.fr") in found[1]
    assert not any(e == "NIR" for e, _ in found[2])  # wrong key: rejected by validate_result
    assert not any(e == "NIR" for e, _ in found[3])
    assert any(e == "IBAN" for e, _ in found[4])
    assert set(P.ENTITY_MAP.values()) >= {"NIR", "PERSON_NAME", "PHONE", "EMAIL", "IBAN"}


def test_presidio_units_per_format(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("a;b\nx;\n;y\n", encoding="utf-8")
    assert P.units_of(str(csv), "utf-8", ";") == [["x"], ["y"]]
    txt = tmp_path / "t.txt"
    txt.write_text("one\n\n" + "z" * (P.MAX_TEXT + 5) + "\n", encoding="utf-8")
    units = P.units_of(str(txt), "utf-8")
    assert units == [["one"], ["z" * P.MAX_TEXT], ["z" * 5]]


# -- accuracy ------------------------------------------------------------------------------

def test_normalise_and_scores():
    assert accuracy.normalise("NIR", NIR_OK) == "185037512345641"
    assert accuracy.normalise("PHONE", "06 12 34 56 78") == "33612345678"
    assert accuracy.normalise("PHONE", "+33 6 12 34 56 78") == "33612345678"
    assert accuracy.normalise("DATE_OF_BIRTH", "14/12/1940") == "1940-12-14"
    assert accuracy.normalise("DATE_OF_BIRTH", "pas une date") is None
    s = accuracy.Scores()
    name = accuracy.normalise("PERSON_NAME", "ROUSSEAU Jacques")
    s.add_values("PERSON_NAME", [accuracy.normalise("PERSON_NAME", "Jacques ROUSSEAU")], [name])
    s.add_values("NIR", ["A", "B"], ["A", "C"])
    assert (s.get("PERSON_NAME").tp, s.get("PERSON_NAME").fp) == (1, 0)
    nir = s.get("NIR")
    assert (nir.tp, nir.fp, nir.fn) == (1, 1, 1)
    assert nir.precision == nir.recall == nir.f1 == 0.5
    s.add_sets({"HIV"}, {"HIV", "PREGNANCY"})
    assert s.get("PREGNANCY").recall == 0.0 and s.get("PREGNANCY").precision is None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    return accuracy.build_corpus(80, 3, tmp_path_factory.mktemp("acc"))


def test_corpus_truth_is_aligned(corpus):
    patient_lines = [t for t in corpus.line_truth if t]
    assert corpus.rows > 80 and len(corpus.lines) > corpus.rows
    assert len(patient_lines) <= corpus.rows  # a patient line may hold nothing countable
    assert any("NIR" in t for t in corpus.line_truth)
    # a perfect tool (the truth itself) scores 1.0 everywhere
    entities, health = accuracy.score_lines(corpus, corpus.line_truth, corpus.line_health)
    for score in [*entities.by_key.values(), *health.by_key.values()]:
        assert score.precision == score.recall == 1.0
    cells = accuracy.score_cells(corpus, corpus.cell_truth)
    assert {"NIR", "PERSON_NAME", "EMAIL"} <= set(cells.by_key)
    assert all(s.f1 == 1.0 for s in cells.by_key.values())
    # nothing predicted: recall 0, precision undefined
    empty = accuracy.score_cells(corpus, {})
    assert all(s.recall == 0.0 and s.precision is None for s in empty.by_key.values())


def test_presidio_scored_on_the_corpus(corpus, engine):
    lines = corpus.lines[:40]
    preds, health = accuracy.presidio_lines(lines, engine)
    assert len(preds) == len(lines) and not any(health)
    truth_nirs = {v for t in corpus.line_truth[:40] for v in t.get("NIR", [])}
    found_nirs = {v for p in preds for v in p.get("NIR", [])}
    assert truth_nirs and truth_nirs <= found_nirs  # the NIR recogniser finds them all


def test_accuracy_suite(tmp_path):
    out = accuracy.run(patients=60, seed=5, presidio=False, where=tmp_path)
    assert "**Free-text notes, per line and value**" in out
    assert "**Export (csv), per cell**" in out
    rows = _rows(out)
    assert rows and rows[0][0] in ("ADDRESS", "DATE_OF_BIRTH", "NIR", "PERSON_NAME")
    assert len(rows[0]) == 1 + 3 + 1  # entity, sentinelle P/R/F1, truth


# -- throughput, scaling, the other suites -------------------------------------------------

def test_throughput_suite():
    out = throughput.run(patients=TINY, mixed_patients=TINY_MIXED, presidio=False)
    rows = _rows(out)
    tools = {(r[0].split(" (")[0], r[1]) for r in rows}
    for name in ("export", "notes", "mixed"):
        assert {(name, "cat"), (name, "sentinelle scan"), (name, "polars read")} <= tools
    mixed_polars = next(r for r in rows if r[0].startswith("mixed") and r[1] == "polars read")
    assert "3 of 6 files" in mixed_polars[-1]
    for r in rows:  # MB, seconds, MB/s, rows/s, RSS are numbers
        assert all(float(c.replace(",", "")) >= 0 for c in r[2:7])
    assert all(float(r[3]) > 0 for r in rows if r[1] == "sentinelle scan")
    assert "scan peak RSS / input size" in out


def test_throughput_presidio_row():
    rows = throughput.measure_input("notes", C.notes_txt(TINY), presidio_chars=300)
    pres = rows[-1]
    assert pres.tool.startswith("Presidio") and pres.seconds > 0 and pres.rss > 0
    analysed = int(pres.note.split()[2].replace(",", ""))
    assert 300 <= analysed < 600 and pres.note.endswith("characters analysed")


def test_mixed_corpus_keeps_truths_apart():
    root = C.mixed_corpus(TINY_MIXED)
    files = C.corpus_files(root)
    assert sorted(f.suffix for f in files) == sorted(f".{x}" for x in C.MIXED_FORMATS)
    assert all(C.truth_path(f).exists() and C.truth_path(f).parent != root for f in files)
    assert C.records(root) >= 6 * TINY_MIXED


def test_scaling_suite():
    out = scaling.run((TINY // 2, TINY))
    rows = _rows(out)
    assert [r[0] for r in rows] == [str(TINY // 2), str(TINY)]
    assert rows[0][8] == "–" and rows[1][8] != "–"
    assert "Fixed cost" in out


def test_growth_per_doubling():
    assert scaling.growth(1.0, 1.0, 10, 20) == pytest.approx(1.0)
    assert scaling.growth(1.0, 1.2, 10, 20) == pytest.approx(1.2)
    assert scaling.growth(1.0, 1.44, 10, 40) == pytest.approx(1.2)
    assert scaling.growth(1.0, 2.0, 10, 10) is None


def test_run_measured_reports_the_child_peak():
    code = "b = bytearray(80_000_000); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(0.3)"
    r = C.run_measured([sys.executable, "-c", code])
    assert r.rss > 80e6 and r.seconds > 0.3
    with pytest.raises(RuntimeError, match="exited 3"):
        C.run_measured([sys.executable, "-c", "raise SystemExit(3)"])


def test_other_suites_run_small(capsys):
    import assess_bench
    import scan_bench
    import stream_bench
    import synth_bench

    assert "%" in _rows(assess_bench.run(60))[0][4]
    out = stream_bench.run(0.001)
    assert "GB CSV" in out and "peak RSS / file size" in out
    assert synth_bench.main(["--patients", "200"]) == 0
    assert scan_bench.main(["--rows", str(TINY), "--repeat", "1", "--skip-presidio"]) == 0
    printed = capsys.readouterr().out
    assert "polars.read_csv alone" in printed and "| patients |" in printed


def test_run_all_entry_point(capsys):
    assert run_all.main(["--list"]) == 0
    listed = capsys.readouterr().out
    for name in ("throughput", "accuracy", "scaling", "parallel"):
        assert name in listed
    assert run_all.main(["nope"]) == 2
    assert {"parallel", "throughput", "accuracy", "scaling"} <= set(run_all.DEFAULT)
    for name, (module, _, _) in run_all.SUITES.items():
        if name not in run_all.AS_SCRIPT:  # those run as scripts, in a child process
            assert callable(__import__(module).main)


def test_run_all_runs_a_script_suite(tmp_path, monkeypatch, capfd):
    script = tmp_path / "fake_bench.py"
    script.write_text("import sys; print('fake table', sys.argv[1:])\n", encoding="utf-8")
    monkeypatch.setattr(run_all, "HERE", tmp_path)
    assert run_all.run_script("fake_bench", ["--quick"]) == 0
    assert run_all.run_script("absent_bench", []) == 0
    out = capfd.readouterr().out
    assert "fake table ['--quick']" in out and "absent_bench.py is not there yet" in out
