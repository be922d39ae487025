"""Canonical cell texts and the digests of the standard report file (docs/report-file.md).

A cell is hashed as its canonical text, the same for what the writer wrote and what a reader
(calamine: every number a float; openpyxl) returns, so that every digest can be recomputed from the
file as read. `exchange` re-exports all of it; this module only keeps `exchange.py` short.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from itertools import chain
from typing import Any

FORMAT_NAME = "sipas-report"
FORMAT_VERSION = 1
SEP = "\x1f"


def canon_cell(value: Any) -> str:
    """The canonical text of a cell value, the same for what we write and what a reader returns."""
    # Fast paths for the exact types a reader returns (a merge canonicalises millions of cells);
    # ASCII text is already NFC. Results are the same as the general chain below.
    kind = type(value)
    if kind is str:
        text = value if value.isascii() else unicodedata.normalize("NFC", value)
        return text.replace("\r\n", "\n") if "\r" in text else text
    if kind is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(round(value, 9))
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(round(value, 9))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n")


def canon_row(cells: Sequence[Any]) -> list[str]:
    # The two commonest cells of a read file, inline (a function call per cell dominates a merge):
    # an integral float (an answer code) and plain ASCII text. Same results as canon_cell.
    out = [str(int(v)) if type(v) is float and v.is_integer() and abs(v) < 1e15
           else v if type(v) is str and v.isascii() and "\r" not in v
           else canon_cell(v) for v in cells]
    while out and out[-1] == "":
        out.pop()
    return out


class _CanonCache(dict[Any, str]):
    """Canonical text of the cell values met so far, float and str only: a float never equals a
    str, so keys cannot collide (unlike 1, 1.0 and True). A merge meets the same answer codes and
    labels in every file: a dictionary lookup costs far less than canonicalising each cell again."""

    def __missing__(self, value: Any) -> str:
        text = canon_cell(value)
        if type(value) is float or len(value) <= 200:        # long comments: not worth keeping
            self[value] = text
        return text


_CANON_CACHE = _CanonCache()
_CANON_CACHE_MAX = 50_000        # unique values (row checks, indices) come and go
_CACHED_TYPES = frozenset({float, str})


def canon_rows(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    """`canon_row` of every row (the same results), for a whole sheet at once."""
    cache = _CANON_CACHE
    if len(cache) > _CANON_CACHE_MAX:
        cache.clear()
    get = cache.__getitem__
    if set(map(type, chain.from_iterable(rows))) <= _CACHED_TYPES:     # one look at every cell
        out = [list(map(get, row)) for row in rows]
    else:
        out = [list(map(get, row)) if set(map(type, row)) <= _CACHED_TYPES else [canon_cell(v) for v in row]
               for row in rows]
    for cells in out:
        while cells and cells[-1] == "":
            cells.pop()
    return out


def sheet_digest(name: str, rows: Sequence[Sequence[Any]]) -> str:
    return canon_sheet_digest(name, canon_rows(rows))


def canon_sheet_digest(name: str, canon: Sequence[Sequence[str]]) -> str:
    """`sheet_digest` of a sheet whose rows are already canonical (`canon_rows`)."""
    h = hashlib.sha256()
    h.update(f"sheet{SEP}{name}\n".encode())
    h.update("".join([f"{number}{SEP}{SEP.join(cells)}\n" for number, cells in enumerate(canon, start=1)
                      if cells]).encode())
    return h.hexdigest()


def content_digest(sheets: Sequence[tuple[str, str]]) -> str:
    """SHA-256 over the per-sheet digests, in sheet order (KIEM_TRA excluded by the caller)."""
    h = hashlib.sha256(f"{FORMAT_NAME}/{FORMAT_VERSION}\n".encode())
    for name, digest in sheets:
        h.update(f"{name}{SEP}{digest}\n".encode())
    return h.hexdigest()


def row_check(cells: Sequence[Any]) -> str:
    return hashlib.sha256(SEP.join(canon_row(cells)).encode()).hexdigest()[:16]
