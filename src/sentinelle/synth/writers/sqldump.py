"""SQL dump writer: the export as a ``patients`` table in mysqldump or pg_dump style.

``SynthConfig.sql_dialect``:

- ``mysql`` (mysqldump 8.0 layout, MySQL 8.0 Reference Manual 6.5.4 "mysqldump"):
  ``CREATE TABLE `patients` (...)`` with back-quoted identifiers, then multi-row
  ``INSERT INTO `patients` VALUES (...),(...);`` statements (500 rows each) inside
  ``LOCK TABLES``; strings single-quoted with backslash escapes (``\\\\ \\' \\" \\n \\r
  \\0 \\Z``, MySQL 11.1.1 "String Literals"), empty cells ``NULL``;
- ``postgres`` (pg_dump plain format, PostgreSQL 12 "pg_dump"): ``CREATE TABLE
  public.patients (...)`` then ``COPY public.patients (...) FROM stdin;``, one
  tab-separated line per row in COPY text format (backslash escapes ``\\\\ \\t \\n \\r``,
  ``\\N`` for NULL, PostgreSQL "COPY" File Formats) and the ``\\.`` end marker.

Identifiers are the file's headers (MySQL back-quotes them all; PostgreSQL double-quotes
those that are not plain lower-case names, as pg_dump does). The text is encoded in
``SynthConfig.encoding``, declared by ``SET NAMES`` / ``client_encoding``. Line ends are
LF (as both tools write them). Rows are rendered with polars string expressions, chunk
by chunk; the trailing "dump completed" date is fixed (two days after ``date_end``).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl

from sentinelle.synth.config import SynthConfig
from sentinelle.synth.writers._output import text_codec
from sentinelle.synth.writers._tabular import TabularWriter

FORMATS = ("sql",)
TABLE = "patients"
ROWS_PER_INSERT = 500
_MYSQL_CHARSET = {"utf-8": "utf8mb4", "utf-8-sig": "utf8mb4", "cp1252": "latin1",
                  "latin-1": "latin1"}
_PG_ENCODING = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "cp1252": "WIN1252", "latin-1": "LATIN1"}
_PLAIN_PG = re.compile(r"^[a-z_][a-z0-9_]*$")
_MYSQL_FROM = ["\\", "'", '"', "\n", "\r", "\x00", "\x1a"]
_MYSQL_TO = ["\\\\", "\\'", '\\"', "\\n", "\\r", "\\0", "\\Z"]
_COPY_FROM = ["\\", "\t", "\n", "\r"]
_COPY_TO = ["\\\\", "\\t", "\\n", "\\r"]


def mysql_identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def pg_identifier(name: str) -> str:
    return name if _PLAIN_PG.match(name) else '"' + name.replace('"', '""') + '"'


class SqlDumpWriter(TabularWriter):
    def __init__(self, path: Path, cfg: SynthConfig, headers: tuple[str, ...],
                 text_keys: tuple[str, ...]) -> None:
        super().__init__(path, cfg, headers)
        self.dialect = cfg.sql_dialect
        self.first_codec, self.codec = text_codec(cfg)
        self.encoding = cfg.codec
        self.text_keys = text_keys  # headers of the long free-text columns
        self.done = (cfg.date_end + timedelta(days=2)).isoformat()

    def _text(self, text: str) -> None:
        codec = self.first_codec if self._bytes == 0 else self.codec
        self._emit(self._encode(text, codec))

    def _start(self) -> None:
        self._text(self._mysql_head() if self.dialect == "mysql" else self._pg_head())

    def _write(self, frame: pl.DataFrame) -> None:
        if not frame.height:
            return
        if self.dialect == "mysql":
            cells = [pl.when(pl.col(c).is_null()).then(pl.lit("NULL")).otherwise(
                pl.concat_str([pl.lit("'"), pl.col(c).str.replace_many(_MYSQL_FROM, _MYSQL_TO),
                               pl.lit("'")])) for c in frame.columns]
            rows = frame.select(pl.concat_str([pl.lit("("), pl.concat_str(cells, separator=","),
                                               pl.lit(")")]).alias("r"))["r"].to_list()
            head = f"INSERT INTO {mysql_identifier(TABLE)} VALUES "
            text = "".join(head + ",".join(rows[i:i + ROWS_PER_INSERT]) + ";\n"
                           for i in range(0, len(rows), ROWS_PER_INSERT))
        else:
            cells = [pl.col(c).str.replace_many(_COPY_FROM, _COPY_TO).fill_null("\\N")
                     for c in frame.columns]
            lines = frame.select(pl.concat_str(cells, separator="\t").alias("r"))["r"].to_list()
            text = "\n".join(lines) + "\n"
        self._text(text)

    def _finish(self) -> None:
        if self.dialect == "mysql":
            self._text(
                f"/*!40000 ALTER TABLE {mysql_identifier(TABLE)} ENABLE KEYS */;\n"
                "UNLOCK TABLES;\n"
                "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n"
                "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n\n"
                f"-- Dump completed on {self.done} 03:00:00\n")
        else:
            self._text("\\.\n\n\n--\n-- PostgreSQL database dump complete\n--\n\n")

    def _mysql_head(self) -> str:
        charset = _MYSQL_CHARSET[self.cfg.codec]
        table = mysql_identifier(TABLE)
        columns = ",\n".join(
            f"  {mysql_identifier(n)} {'text' if n in self.text_keys else 'varchar(255)'}"
            " DEFAULT NULL" for n in self.names)
        return (
            "-- MySQL dump 10.13  Distrib 8.0.21, for Linux (x86_64)\n--\n"
            "-- Host: localhost    Database: megabus\n"
            "-- ------------------------------------------------------\n"
            "-- Server version\t8.0.21\n\n"
            "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
            f"/*!50503 SET NAMES {charset} */;\n"
            "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n\n"
            f"--\n-- Table structure for table {table}\n--\n\n"
            f"DROP TABLE IF EXISTS {table};\n"
            f"CREATE TABLE {table} (\n{columns}\n"
            f") ENGINE=InnoDB DEFAULT CHARSET={charset};\n\n"
            f"--\n-- Dumping data for table {table}\n--\n\n"
            f"LOCK TABLES {table} WRITE;\n"
            f"/*!40000 ALTER TABLE {table} DISABLE KEYS */;\n"
        )

    def _pg_head(self) -> str:
        encoding = _PG_ENCODING[self.cfg.codec]
        columns = ",\n".join(f"    {pg_identifier(n)} text" for n in self.names)
        names = ", ".join(pg_identifier(n) for n in self.names)
        return (
            "--\n-- PostgreSQL database dump\n--\n\n"
            "-- Dumped from database version 12.4\n-- Dumped by pg_dump version 12.4\n\n"
            "SET statement_timeout = 0;\nSET lock_timeout = 0;\n"
            f"SET client_encoding = '{encoding}';\n"
            "SET standard_conforming_strings = on;\n"
            "SELECT pg_catalog.set_config('search_path', '', false);\n"
            "SET check_function_bodies = false;\nSET client_min_messages = warning;\n\n"
            "SET default_tablespace = '';\n\n"
            f"--\n-- Name: {TABLE}; Type: TABLE; Schema: public; Owner: megabus\n--\n\n"
            f"CREATE TABLE public.{TABLE} (\n{columns}\n);\n\n\n"
            f"ALTER TABLE public.{TABLE} OWNER TO megabus;\n\n"
            f"--\n-- Data for Name: {TABLE}; Type: TABLE DATA; Schema: public; "
            "Owner: megabus\n--\n\n"
            f"COPY public.{TABLE} ({names}) FROM stdin;\n"
        )


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...], *,
                layout: Any = None, **_: Any) -> SqlDumpWriter:
    text_keys: tuple[str, ...] = ()
    if layout is not None:
        text_keys = tuple(h for h, k in zip(headers, layout.keys, strict=True)
                          if k == "commentaire")
    return SqlDumpWriter(path, cfg, headers, text_keys)


__all__ = ["FORMATS", "TABLE", "SqlDumpWriter", "mysql_identifier", "open_writer",
           "pg_identifier"]
