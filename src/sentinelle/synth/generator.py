"""Generate a synthetic lab export (and its truth and registry), streamed in chunks.

Random streams (numpy ``SeedSequence`` entropy ``[seed, stream, chunk]``): stream 0 draws
the file-level choices (labs, layout), stream 1 chunk ``i`` of the export, stream 2 and 3
the registry. The export depends only on the configuration: asking for a registry or a
truth file does not change a byte of it. Memory stays bounded by ``chunk_size`` persons
(plus the distinct-value sets of the truth and one integer per NIR given).
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path

import numpy as np

from sentinelle.entities import Entity
from sentinelle.errors import ConfigError
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.export import build_chunk
from sentinelle.synth.labs import make_labs
from sentinelle.synth.layout import choose_layout
from sentinelle.synth.people import UsedIds, Vocab, make_persons
from sentinelle.synth.registry import RegistryWriter
from sentinelle.synth.truth import Truth, TruthBuilder
from sentinelle.synth.writers import open_writer

_FILE, _CHUNK, _REGISTRY, _REGISTRY_EXTRA = 0, 1, 2, 3


def _rng(cfg: SynthConfig, stream: int, index: int = 0) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([cfg.seed, stream, index]))


def generate(cfg: SynthConfig, out: str | Path, *, truth_path: str | Path | None = None,
             registry_path: str | Path | None = None) -> Truth:
    """Write the export to ``out`` (atomically) and return its ground truth.

    ``truth_path`` also writes the truth as JSON; ``registry_path`` writes the controller's
    registry (``cfg.registry_lab`` or all labs). Raises ``ConfigError`` for a bad
    configuration and ``OutputError`` when a file cannot be written.
    """
    out = Path(out)
    file_rng = _rng(cfg, _FILE)
    labs = make_labs(file_rng, cfg)
    layout = choose_layout(file_rng, cfg)
    if cfg.registry_lab is not None and cfg.registry_lab not in labs.code:
        raise ConfigError("registry_lab is not one of the generated lab codes")
    vocab = Vocab.load()
    used = UsedIds()
    builder = TruthBuilder(cfg, layout, labs)
    rows = entries = 0
    with contextlib.ExitStack() as stack:
        writer = stack.enter_context(open_writer(out, cfg, layout.headers, layout=layout,
                                                 labs=labs))
        info = writer.info()
        if info.fields is not None:
            builder.use_fields(sorted({f.entity for f in info.fields if f.entity},
                                      key=list(Entity).index))
        registry = (stack.enter_context(RegistryWriter(Path(registry_path), cfg, labs))
                    if registry_path is not None else None)
        for i in range(math.ceil(cfg.patients / cfg.chunk_size)):
            start = i * cfg.chunk_size
            n = min(cfg.chunk_size, cfg.patients - start)
            rng = _rng(cfg, _CHUNK, i)
            persons = make_persons(rng, n, cfg, labs, vocab, used, first_pid=start)
            chunk = build_chunk(rng, persons, cfg, labs, layout, row_offset=rows,
                                entry_offset=entries)
            builder.add(chunk, writer.write_chunk(chunk))
            rows += chunk.frame.height
            entries += chunk.entries
            if registry is not None:
                registry.add_exported(_rng(cfg, _REGISTRY, i), persons)
        if registry is not None:
            extra = round(len(registry.in_export_ids) * cfg.registry_extra_rate)
            for j, begin in enumerate(range(0, extra, cfg.chunk_size)):
                registry.add_extra(_rng(cfg, _REGISTRY_EXTRA, j),
                                   min(cfg.chunk_size, extra - begin), cfg, labs, vocab, used,
                                   first_pid=cfg.patients + begin)
    truth = builder.finish(
        file={"name": out.name, "bytes": out.stat().st_size},
        registry=registry.summary() if registry is not None else None,
        info=info,
    )
    if truth_path is not None:
        truth.write(truth_path)
    return truth


__all__ = ["generate"]
