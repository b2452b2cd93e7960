"""``sentinelle serve``: a read-only web dashboard and JSON API over the inventory.

Server-rendered pages (no script, no external asset, strict CSP) and a documented JSON API,
both thin views of :class:`sentinelle.inventory.store.Inventory`. Loopback by default; any
other binding requires a token checked on every request.
"""

from sentinelle.serve.app import DEFAULT_HOST, DEFAULT_PORT, check_binding, create_app
from sentinelle.serve.security import is_loopback

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "check_binding", "create_app", "is_loopback"]
