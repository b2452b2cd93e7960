"""``--encrypt-to``: age output that decrypts to the unencrypted bytes; no plaintext on disk."""

from __future__ import annotations

import contextlib
import io

import pyrage
import pytest
from pyrage import x25519

from sentinelle.errors import ConfigError
from sentinelle.protect import ProtectOptions, protect
from sentinelle.protect import writer as writer_module


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite"])
def test_age_output_decrypts_to_the_plain_output(tmp_path, export_factory, key, monkeypatch, fmt) -> None:
    src, _ = export_factory(patients=300, seed=5)
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    plain = tmp_path / f"plain.{fmt}"
    protect(src, plain, key, ProtectOptions(recipient="r", out_format=fmt))

    # record every byte that reaches the disk through the atomic writer
    seen: list[bytes] = []
    real = writer_module.atomic_open

    @contextlib.contextmanager
    def spy(path, mode="w", **kw):  # type: ignore[no-untyped-def]
        with real(path, mode, **kw) as handle:
            class Tee(io.RawIOBase):
                def write(self, b):  # type: ignore[no-untyped-def,override]
                    seen.append(bytes(b))
                    return handle.write(b)

                def flush(self) -> None:
                    handle.flush()

                def tell(self) -> int:
                    return handle.tell()

                def writable(self) -> bool:
                    return True

            yield Tee()

    monkeypatch.setattr(writer_module, "atomic_open", spy)
    enc = tmp_path / f"enc.{fmt}.age"
    res = protect(src, enc, key, ProtectOptions(recipient="r", out_format=fmt, encrypt_to=recipient))
    blob = enc.read_bytes()
    assert blob.startswith(b"age-encryption.org/v1")
    assert b"".join(seen) == blob  # only ciphertext was ever written
    assert pyrage.decrypt(blob, [identity]) == plain.read_bytes()
    assert res.data["output"]["encrypted"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["master.key", plain.name, plain.name + ".manifest.json", enc.name, enc.name + ".manifest.json"])


def test_bad_recipient_is_a_clear_error(tmp_path, export_factory, key) -> None:
    src, _ = export_factory(patients=50, seed=5)
    with pytest.raises(ConfigError, match="age X25519 recipient"):
        protect(src, tmp_path / "x.age", key, ProtectOptions(encrypt_to="not-a-key"))
    assert [p.name for p in tmp_path.iterdir()] == ["master.key"]
