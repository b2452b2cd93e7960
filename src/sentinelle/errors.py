"""The one error tree of Sentinelle.

Every exception the library raises on purpose derives from :class:`SentinelleError`.
Errors carry context (a file path, a reason, a position) but never the raw value that
was being checked: an identifier is personal data and must not end up in a log.

::

    SentinelleError
    ├── IdentifierError            a value is not a valid identifier
    │   ├── InvalidFormat          wrong characters or structure
    │   ├── InvalidLength          wrong number of characters
    │   └── InvalidChecksum        check digits do not match
    ├── InputError                 an input cannot be read (per file; the scan goes on)
    │   ├── UnsupportedFormat      no reader knows this content
    │   ├── DecodeError            bytes cannot be decoded as text
    │   └── LimitExceeded          an input is over a configured limit
    ├── ConfigError                bad option, policy or key file
    ├── WorkerError                a scan worker process or cluster failed
    ├── OutputError                a report cannot be written
    ├── InventoryError             the inventory database cannot be opened, migrated or written
    └── AlertDeliveryError         a watch alert batch could not be delivered (webhook)
"""

from __future__ import annotations


class SentinelleError(Exception):
    """Base class of every error Sentinelle raises on purpose."""


class IdentifierError(SentinelleError, ValueError):
    """A value is not a valid identifier. The message never contains the value."""


class InvalidFormat(IdentifierError):
    """The value has characters or a structure the identifier does not allow."""


class InvalidLength(IdentifierError):
    """The value has the wrong number of characters."""


class InvalidChecksum(IdentifierError):
    """The check digits (key, Luhn, mod 97) do not match."""


class InputError(SentinelleError):
    """An input cannot be read. Carries the file path (or archive member path)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFormat(InputError):
    """No reader recognises the content."""


class DecodeError(InputError):
    """The bytes cannot be decoded as text in any supported encoding."""


class LimitExceeded(InputError):
    """The input is over a configured limit (size, line length, depth, members...)."""


class ConfigError(SentinelleError):
    """A bad option, policy or key file."""


class WorkerError(SentinelleError):
    """A scan worker (local process or Dask worker) died or the cluster failed."""


class OutputError(SentinelleError):
    """A report or output file cannot be written."""


class InventoryError(SentinelleError):
    """The inventory database cannot be opened, migrated or written (never quotes data)."""


class AlertDeliveryError(SentinelleError):
    """A batch of watch alerts could not be delivered (webhook down after all retries)."""


__all__ = [
    "AlertDeliveryError",
    "ConfigError",
    "DecodeError",
    "IdentifierError",
    "InputError",
    "InventoryError",
    "InvalidChecksum",
    "InvalidFormat",
    "InvalidLength",
    "LimitExceeded",
    "OutputError",
    "WorkerError",
    "SentinelleError",
    "UnsupportedFormat",
]
