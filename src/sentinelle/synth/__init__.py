"""Synthetic Mega-Bus-like lab exports with exact ground truth (``sentinelle synth``).

Every test, demo and benchmark needs patient data that is realistic enough to be hard and
entirely fake: real leaked data never enters this repository. ``generate`` writes one
export (one row per patient file and sampling, about sixty columns as in the 2021 leak,
CNIL SAN-2022-009) with the dirt real exports have, and returns its ``Truth``::

    from sentinelle.synth import SynthConfig, generate
    truth = generate(SynthConfig(patients=1000, labs=3, seed=0), Path("export.csv"),
                     truth_path=Path("truth.json"))

Modules: ``config`` (the options), ``people`` (persons, NIRs), ``labs``, ``layout`` and
``columns`` (headers and writing styles), ``comments`` (health notes), ``blood``,
``clinical``, ``dirt``, ``export`` (rows of one chunk), ``truth``, ``registry``,
``writers`` (one module per output format), ``generator`` (the chunk loop).
"""

from __future__ import annotations

from sentinelle.synth.config import SynthConfig
from sentinelle.synth.generator import generate
from sentinelle.synth.truth import Truth

__all__ = ["SynthConfig", "Truth", "generate"]
