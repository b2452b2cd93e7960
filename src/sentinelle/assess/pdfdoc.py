"""A small Markdown subset rendered to PDF with fpdf2 (Art. 33 draft, Art. 34 letters).

Supported: ``#``/``##``/``###`` headings, ``- `` bullets (indented by four spaces for a
second level), paragraphs, ``**bold**``; single ``*italics*`` markers and backquotes are
dropped. Text is set in DejaVu Sans (Unicode TTF, Debian ``fonts-dejavu-core``) when it is
installed, else in the PDF core font Helvetica, whose WinAnsi encoding covers French;
characters outside Latin-1 are then transliterated (``œ`` -> ``oe``, ``’`` -> ``'``...).
Embedding a TTF costs about 0.1 s per document, so letters use the core font
(``unicode=False``).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from fpdf import FPDF

FONT_DIRS: tuple[Path, ...] = (Path("/usr/share/fonts/truetype/dejavu"),
                               Path("/usr/share/fonts/dejavu"),
                               Path("/usr/local/share/fonts/dejavu"))
_REPLACE = {"\u202f": " ", "\u2009": " ", "\u2019": "'", "\u2018": "'", "\u201c": '"',
            "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u0153": "oe",
            "\u0152": "OE", "\u2248": "env.", "\u2265": ">=", "\u2264": "<=", "\u20ac": "EUR",
            "\u2022": "-"}
_ITALIC = re.compile(r"(?<!\*)\*(?!\*)([^*]+?)(?<!\*)\*(?!\*)")


def unicode_font() -> tuple[Path, Path] | None:
    """(regular, bold) DejaVu Sans files, or ``None`` when not installed."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def latin1(text: str) -> str:
    """Text the core fonts can encode: known substitutions, then accents stripped."""
    text = "".join(_REPLACE.get(ch, ch) for ch in text)
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


class _Doc:
    def __init__(self, *, unicode: bool, title: str) -> None:
        pdf = FPDF(format="A4")
        pdf.set_auto_page_break(True, margin=18)
        pdf.set_margins(20, 18, 20)
        pdf.set_title(title)
        pdf.set_creator("Sentinelle")
        fonts = unicode_font() if unicode else None
        if fonts is not None:
            pdf.add_font("DejaVu", "", str(fonts[0]))
            pdf.add_font("DejaVu", "B", str(fonts[1]))
            self.family = "DejaVu"
            self.clean = lambda s: s.replace("\u202f", "\u00a0")
        else:
            self.family = "helvetica"
            self.clean = latin1
        pdf.add_page()
        self.pdf = pdf

    def text(self, text: str, *, size: float = 10.5, bold: bool = False, indent: float = 0,
             bullet: str = "", gap: float = 1.5) -> None:
        pdf = self.pdf
        pdf.set_font(self.family, "B" if bold else "", size)
        height = size * 0.5
        pdf.set_x(pdf.l_margin + indent)
        if bullet:
            pdf.cell(5, height, self.clean(bullet))
        width = pdf.w - pdf.r_margin - pdf.get_x()
        pdf.multi_cell(width, height, self.clean(text), markdown="**" in text, new_x="LMARGIN",
                       new_y="NEXT")
        pdf.ln(gap)


def _plain(text: str) -> str:
    text = _ITALIC.sub(r"\1", text).replace("`", "")
    # fpdf2 markdown also toggles italics on "__" and underline on "--"
    return text.replace("__", "_").replace("--", "\u2013")


def markdown_pdf(markdown: str, *, title: str, unicode: bool = True,
                 compress: bool = True) -> bytes:
    """The PDF bytes of ``markdown`` (the subset above)."""
    doc = _Doc(unicode=unicode, title=title)
    doc.pdf.set_compression(compress)
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            doc.text(_plain(" ".join(paragraph)))
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        stripped = line.lstrip()
        if not stripped or stripped == "---":
            flush()
            continue
        if stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            size = {1: 15.0, 2: 12.5}.get(level, 11.0)
            doc.pdf.ln(2 if level > 1 else 0)
            doc.text(_plain(stripped.lstrip("#").strip()), size=size, bold=True, gap=2)
        elif stripped.startswith("- "):
            flush()
            depth = (len(line) - len(stripped)) // 4
            doc.text(_plain(stripped[2:]), indent=4 + 6 * depth, bullet="-" if depth else "•",
                     gap=0.8)
        else:
            paragraph.append(stripped)
    flush()
    return bytes(doc.pdf.output())


__all__ = ["latin1", "markdown_pdf", "unicode_font"]
