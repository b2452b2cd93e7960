"""Master key file: creation, permissions, formats, derived keys."""

from __future__ import annotations

import os

import pytest

from sentinelle.errors import ConfigError
from sentinelle.protect import load_master_key, new_key_file
from sentinelle.protect.keys import MasterKey


def test_new_key_file_is_0600_hex_and_not_overwritten(tmp_path) -> None:
    path = tmp_path / "k"
    key = new_key_file(path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert path.read_text().strip() == key.secret.hex()
    assert len(key.secret) == 32
    with pytest.raises(ConfigError, match="already exists"):
        new_key_file(path)
    assert load_master_key(path) == key


@pytest.mark.parametrize("perm", [0o640, 0o604, 0o660, 0o644, 0o610])
def test_key_readable_by_others_is_refused(tmp_path, perm: int) -> None:
    path = tmp_path / "k"
    new_key_file(path)
    os.chmod(path, perm)
    with pytest.raises(ConfigError, match="group or others") as info:
        load_master_key(path)
    assert path.read_text().strip() not in str(info.value)


def test_raw_32_byte_key_file(tmp_path) -> None:
    path = tmp_path / "raw"
    secret = bytes(range(32))
    path.write_bytes(secret)
    os.chmod(path, 0o600)
    assert load_master_key(path).secret == secret


def test_bad_key_file(tmp_path) -> None:
    path = tmp_path / "bad"
    path.write_text("short")
    os.chmod(path, 0o600)
    with pytest.raises(ConfigError, match="64 hex digits"):
        load_master_key(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_master_key(tmp_path / "missing")


def test_derived_keys_differ_and_key_id_reveals_nothing() -> None:
    key = MasterKey(b"\x01" * 32)
    assert key.recipient_key("alice") == MasterKey(b"\x01" * 32).recipient_key("alice")
    assert key.recipient_key("alice") != key.recipient_key("bob")
    assert key.trace_key() not in (key.recipient_key("alice"), key.secret)
    assert len(key.key_id) == 16
    assert key.key_id not in key.secret.hex()
    assert key.key_id != MasterKey(b"\x02" * 32).key_id
    assert "01010101" not in repr(key)
