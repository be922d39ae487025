"""The answers of a report file as a table of canonical cells, scored without a `Response` per form.

A merge reads thousands of report files and only needs their figures. `exchange_read` parses the
rows of TRA_LOI (row checks, form numbers, the JSON of the data digest) and, when every cell is a
canonical text its column's parser knows, keeps the rows as an `AnswerTable` instead of building a
`Response` with an answers dict for every form.

The table is a read-only sequence of `Response` (built, exactly as the parser builds them, the first
time anyone asks) and scores itself with `scoring.score_counted`: the same rules and the same code
as `scoring.score`, only the answers of each question are counted per distinct cell text rather
than form by form (each distinct text parsed and classified once, with `scoring._kind_of`, and the
classification kept for the next file of the same questionnaire; blanks of a question with a skip
condition are looked at form by form with `scoring.is_skipped`).
`tests/core/test_scoring_table.py` checks it gives exactly what `score` gives on the responses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress
from operator import contains, itemgetter
from typing import Any, overload

from sipas_desktop.core.forms.schema import Answer, Form, Scoring
from sipas_desktop.core.scoring import (
    BLANK,
    INVALID,
    NO_ANSWER,
    SKIPPED,
    VALID,
    Response,
    Scores,
    _kind_of,
    check_scoring,
    is_blank,
    is_skipped,
    score,
    score_counted,
)

_lookup = dict.__getitem__       # on a parser (a dict subclass): its __missing__ for a new text


class AnswerTable(Sequence[Response]):
    """Rows of canonical cells `[number, field, applicant type, answer…, row check]` (padded to the
    full width) that every column's parser reads; `parsers[i]` maps the text of answer column i to
    its answer (raising KeyError / ValueError for a text it cannot read: never, for these rows)."""

    def __init__(self, form: Form, rows: list[list[str]], parsers: Sequence[Any]) -> None:
        self.rows = rows
        self.parsers = tuple(parsers)
        self._qids = tuple(q.id for q in form.questions)
        self._shape = tuple((q.id, q.type) for q in form.questions)
        self._responses: tuple[Response, ...] | None = None

    # --- the sequence of responses -------------------------------------------------------------

    def responses(self) -> tuple[Response, ...]:
        if self._responses is None:
            qids, parsers = self._qids, self.parsers
            out = []
            for cells in self.rows:
                given = cells[3:-1]
                answers: dict[str, Answer] = dict(zip(compress(qids, given), map(
                    _lookup, compress(parsers, given), compress(given, given)), strict=True))
                out.append(Response(cells[0], answers, cells[1], cells[2]))
            self._responses = tuple(out)
        return self._responses

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Response: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Response, ...]: ...

    def __getitem__(self, index: int | slice) -> Response | tuple[Response, ...]:
        return self.responses()[index]

    def __iter__(self) -> Iterator[Response]:
        return iter(self.responses())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AnswerTable | tuple | list):
            return self.responses() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.responses())

    def __repr__(self) -> str:
        return f"AnswerTable({len(self.rows)} forms)"

    def subset(self, rows: list[list[str]]) -> AnswerTable:
        """A table of some of these rows (an aggregate's forms of one unit)."""
        table = AnswerTable.__new__(AnswerTable)
        table.rows, table.parsers, table._qids, table._shape = rows, self.parsers, self._qids, self._shape
        table._responses = None
        return table

    # --- scoring ----------------------------------------------------------------------------------

    def score(self, form: Form, *, breakdowns: bool = True) -> Scores:
        """`scoring.score(form, self, breakdowns=breakdowns)`, from counts of the cell texts."""
        if breakdowns or tuple((q.id, q.type) for q in form.questions) != self._shape:
            return score(form, self.responses(), breakdowns=breakdowns)
        sc = check_scoring(form)
        rows, parsers = self.rows, self.parsers
        width = 4 + len(self._qids)
        column, scored = _plan(form, sc, self._qids, parsers)
        columns = list(zip(*rows, strict=True)) or [()] * width
        # A valid form (scoring.is_valid_form): some scored question holds an int of valid_codes.
        checks = []
        for j, holds_valid_code in scored:
            ok = frozenset(filter(holds_valid_code.__getitem__, set(columns[j])))
            if ok:
                checks.append((j, ok))
        if not checks:
            valid: list[list[str]] = []
        else:
            oks = tuple(ok for _, ok in checks)
            pick = itemgetter(*(j for j, _ in checks)) if len(checks) > 1 else \
                (lambda row, j=checks[0][0]: (row[j],))
            valid = [row for row in rows if any(map(contains, oks, pick(row)))]
        if len(valid) < len(rows):
            columns = list(zip(*valid, strict=True)) or [()] * width
        distinct: dict[int, Counter[str]] = {}

        def counts_of(j: int) -> Counter[str]:
            found = distinct.get(j)
            if found is None:
                found = distinct[j] = Counter(columns[j])
            return found

        def counter(question: Any, no_answer: int, allowed: frozenset[int]) -> tuple[dict[str, int],
                                                                                      dict[Any, int]]:
            j = column[question.id]
            known = _kinds(question, no_answer, allowed, parsers[j - 3])
            tally = dict.fromkeys((VALID, BLANK, NO_ANSWER, INVALID, SKIPPED), 0)
            valid_values: dict[Any, int] = {}
            blanks = set()
            for text, n in counts_of(j).items():
                kind, key = known[text]
                if kind is None:
                    blanks.add(text)      # blank or skipped: depends on the other answers of the form
                    continue
                tally[kind] += n
                if kind is VALID:
                    valid_values[key] = valid_values.get(key, 0) + n
            if blanks:
                if question.skip_if:
                    conds = [(c.question, column[c.question]) for c in question.skip_if
                             if c.question in column]
                    for row in valid:
                        if row[j] in blanks:
                            answers = {qid: parsers[k - 3][row[k]] for qid, k in conds if row[k]}
                            tally[SKIPPED if is_skipped(question, answers) else BLANK] += 1
                else:
                    tally[BLANK] += sum(counts_of(j)[text] for text in blanks)
            return tally, valid_values

        def values(qid: str) -> Iterable[tuple[Answer, int]]:
            j = column[qid]
            parse = parsers[j - 3]
            return [(parse[text] if text else None, n) for text, n in counts_of(j).items()]

        return score_counted(form, len(rows), valid, counter, columns[2], columns[1], values)


class _Kinds(dict[str, tuple[str | None, Any]]):
    """Cell text of one question's column → (its kind, `scoring._kind_of`, or None when the parsed
    answer is blank; the answer as a key of the valid values, a multiple choice as a tuple), for
    one question, no-answer code, allowed codes and column parser. Kept across the files of a merge:
    they hold the same few codes, so each text is parsed and classified once, not once per file."""

    def __init__(self, question: Any, no_answer: int, allowed: frozenset[int], parse: Any) -> None:
        super().__init__()
        self.question, self.no_answer, self.allowed, self.parse = question, no_answer, allowed, parse

    def __missing__(self, text: str) -> tuple[str | None, Any]:
        value = self.parse[text] if text else None
        if is_blank(value):
            found: tuple[str | None, Any] = (None, None)
        else:
            kind = _kind_of(self.question, value, self.no_answer, self.allowed)
            found = (VALID if kind == VALID else kind, tuple(value) if type(value) is list else value)
        if len(text) <= 200 and len(self) < 5_000:      # free text: keep the memory bounded
            self[text] = found
        return found


_KINDS: dict[tuple[int, int, frozenset[int], int], _Kinds] = {}


def _kinds(question: Any, no_answer: int, allowed: frozenset[int], parse: Any) -> _Kinds:
    """The `_Kinds` of this question object and parser (forms are immutable; the same objects
    come back for every file of a merge, `exchange.form_from_source` being cached)."""
    key = (id(question), no_answer, allowed, id(parse))
    found = _KINDS.get(key)
    if found is None or found.question is not question or found.parse is not parse:
        if len(_KINDS) > 1_000:
            _KINDS.clear()
        found = _KINDS[key] = _Kinds(question, no_answer, allowed, parse)
    return found


class _HoldsValidCode(dict[str, bool]):
    """Cell text → whether its column's parser reads it as an int of the valid codes (a blank: no)."""

    def __init__(self, parse: Any, codes: Sequence[int]) -> None:
        super().__init__({"": False})
        self.parse, self.codes = parse, codes

    def __missing__(self, text: str) -> bool:
        found = _is_int_in(self.parse[text], self.codes)
        if len(text) <= 200 and len(self) < 5_000:
            self[text] = found
        return found


_PLANS: dict[int, tuple[Form, Scoring, tuple[str, ...], tuple[Any, ...], Any]] = {}


def _plan(form: Form, sc: Scoring, qids: tuple[str, ...], parsers: tuple[Any, ...]
          ) -> tuple[dict[str, int], list[tuple[int, _HoldsValidCode]]]:
    """Per question id its column, and per scored question (in scoring order, once) its column and
    its `_HoldsValidCode`; kept per Form, Scoring and parsers (the same for every file of a merge)."""
    found = _PLANS.get(id(form))
    if found is None or found[0] is not form or found[1] is not sc or found[2] != qids or \
            found[3] is not parsers:
        column = {qid: 3 + i for i, qid in enumerate(qids)}
        scored = [(column[qid], _HoldsValidCode(parsers[column[qid] - 3], sc.valid_codes))
                  for qid in dict.fromkeys(q for e in sc.elements for c in e.criteria for q in c.questions)]
        if len(_PLANS) > 32:
            _PLANS.clear()
        found = _PLANS[id(form)] = (form, sc, qids, parsers, (column, scored))
    return found[4]  # type: ignore[no-any-return]


def _is_int_in(value: Answer, codes: Sequence[int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in codes
