"""Key material of ``sentinelle protect``: the master key file and the keys derived from it.

The master key is 32 random bytes kept in a file that only its owner may read (mode 0600;
:func:`load_master_key` refuses a file readable by group or others). The file holds the
key as 64 hex digits (what :func:`new_key_file` writes) or as 32 raw bytes.

Everything else is derived, never stored:

- per-recipient key: HKDF-SHA256 (RFC 5869) of the master key with
  ``info = b"sentinelle/recipient/" + recipient`` (UTF-8): two recipients get unrelated
  keys, so their pseudonyms differ and a leaked copy points to one of them;
- trace key: HKDF with ``info = b"sentinelle/trace"``, keys the fingerprints a manifest
  stores (pseudonyms and canaries) so that a manifest alone reveals nothing testable;
- key id: HMAC-SHA256(master, ``b"sentinelle/key-id"``), first 16 hex digits. It names the
  key in manifests without revealing it (an HMAC of a fixed label, not of the key).

The key bytes never appear in an error message, a log line or an output.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sentinelle.errors import ConfigError

KEY_BYTES = 32
RECIPIENT_INFO = b"sentinelle/recipient/"
TRACE_INFO = b"sentinelle/trace"
KEY_ID_LABEL = b"sentinelle/key-id"


def _hkdf(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(master)


@dataclass(frozen=True, slots=True)
class MasterKey:
    """The master key. ``repr`` never shows the bytes."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise ConfigError("master key must be at least 16 bytes")

    @property
    def key_id(self) -> str:
        """A public name for this key: HMAC of a fixed label, 16 hex digits."""
        return hmac.new(self.secret, KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]

    def recipient_key(self, recipient: str) -> bytes:
        """HKDF-SHA256(master, info="sentinelle/recipient/<recipient>")."""
        return _hkdf(self.secret, RECIPIENT_INFO + recipient.encode("utf-8"))

    def trace_key(self) -> bytes:
        """The key of the fingerprints stored in manifests."""
        return _hkdf(self.secret, TRACE_INFO)


def new_key_file(path: str | os.PathLike[str]) -> MasterKey:
    """Create ``path`` (mode 0600, refusing to overwrite) holding a fresh random key in hex."""
    target = Path(path)
    secret = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"{target}: key file already exists, not overwritten") from None
    except OSError as exc:
        raise ConfigError(f"{target}: cannot create key file ({exc.strerror or exc})") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret.hex() + "\n")
    os.chmod(target, 0o600)  # umask cannot widen it, but be explicit
    return MasterKey(secret)


def load_master_key(path: str | os.PathLike[str]) -> MasterKey:
    """Read the master key from ``path``.

    Raises :class:`ConfigError` when the file is missing, readable by group or others
    (``chmod 600`` it), or holds neither 64 hex digits nor 32 raw bytes.
    """
    target = Path(path)
    try:
        info = target.stat()
    except OSError as exc:
        raise ConfigError(f"{target}: cannot read key file ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{target}: key file is not a regular file")
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{target}: key file is accessible by group or others "
            f"(mode {stat.S_IMODE(info.st_mode):04o}); run: chmod 600 {target}"
        )
    data = target.read_bytes()
    text = data.strip()
    if len(text) >= 32 and all(c in b"0123456789abcdefABCDEF" for c in text) and len(text) % 2 == 0:
        return MasterKey(bytes.fromhex(text.decode("ascii")))
    if len(data) == KEY_BYTES:
        return MasterKey(data)
    raise ConfigError(f"{target}: key file must hold 64 hex digits or 32 raw bytes")


__all__ = ["KEY_BYTES", "MasterKey", "load_master_key", "new_key_file"]
