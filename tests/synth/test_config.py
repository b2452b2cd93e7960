"""SynthConfig: validation and its JSON view."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sentinelle.errors import ConfigError
from sentinelle.synth import SynthConfig


@pytest.mark.parametrize(
    "kwargs",
    [
        {"patients": 0},
        {"labs": 0},
        {"chunk_size": 0},
        {"format": "docx"},
        {"sql_dialect": "oracle"},
        {"delimiter": ":"},
        {"encoding": "utf-16"},
        {"encoding": "no-such-codec"},
        {"nir_layout": "both"},
        {"departements": ()},
        {"departements": ("2A",)},
        {"departements": ("20",)},
        {"departements": ("971",)},
        {"departements": ("96",)},
        {"nir_typo_rate": 1.5},
        {"missing_rate": -0.1},
        {"health_note_rate": 2.0},
    ],
)
def test_bad_values_raise_config_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        SynthConfig(**kwargs)


def test_defaults_follow_the_2021_leak() -> None:
    cfg = SynthConfig()
    assert cfg.departements == ("22", "27", "35", "41", "45", "56")
    assert (cfg.encoding, cfg.delimiter, cfg.crlf, cfg.header) == ("cp1252", ";", True, True)
    assert cfg.date_start.isoformat() == "2015-01-01"
    assert cfg.date_end.isoformat() == "2020-10-31"


@pytest.mark.parametrize(
    ("encoding", "canonical"),
    [("cp1252", "cp1252"), ("windows-1252", "cp1252"), ("UTF8", "utf-8"),
     ("utf-8-sig", "utf-8-sig"), ("latin-1", "latin-1"), ("iso-8859-1", "latin-1")],
)
def test_encoding_aliases(encoding: str, canonical: str) -> None:
    assert SynthConfig(encoding=encoding).codec == canonical


def test_tsv_always_uses_a_tab() -> None:
    assert SynthConfig(format="tsv", delimiter=";").effective_delimiter == "\t"
    assert SynthConfig(format="csv", delimiter="|").effective_delimiter == "|"


def test_to_dict_is_json_serialisable() -> None:
    data = SynthConfig(patients=10).to_dict()
    assert json.loads(json.dumps(data))["patients"] == 10
    assert data["date_end"] == "2020-10-31"
    assert data["departements"] == ["22", "27", "35", "41", "45", "56"]


def test_frozen() -> None:
    cfg = SynthConfig()
    with pytest.raises(AttributeError):
        cfg.patients = 5  # type: ignore[misc]
