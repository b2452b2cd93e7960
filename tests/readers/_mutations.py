"""Byte-level mutations of a seed file, for the readers' fuzz tests (Hypothesis)."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with 1-8 edits: overwrite a byte, delete a run, insert bytes, truncate."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from("fdit"))
        pos = draw(st.integers(0, len(data)))
        if op == "f" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif op == "d":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "i":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "t":
            del data[pos:]
    return bytes(data)
