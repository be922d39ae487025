"""Figures across units: the pooled index, the mean of unit indices, and the ranking.

Two overall figures, always labelled (SIPAS.md §5):

- **pooled** (`pool`): every respondent weighs the same. The per-criterion counts of all units are
  added (valid answers, satisfied answers, the distribution per code) and the questionnaire's rules
  are applied once to the sums: criterion = 100 × satisfied / valid, element = mean of criteria,
  block and index as the form says. This is exactly `scoring.score` over all the forms together,
  without holding every form in memory (a test checks the equality).
- **mean of units** (`mean_of_units`): every unit weighs the same, whatever its number of forms.
  The merge takes the commune-level units (inside an aggregate file, each of its communes), so
  the figure does not depend on whether a commune reported directly or through a district.

Arithmetic stays exact (`Fraction`) until the end, like `scoring`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sipas_desktop.core import scoring
from sipas_desktop.core.errors import Issue, Level
from sipas_desktop.core.forms.schema import Form
from sipas_desktop.core.scoring import (
    CriterionScore,
    Distribution,
    DistributionRow,
    ElementScore,
    ExpectationScore,
    QuestionCounts,
    Rule,
    Scores,
    round2,
)
from sipas_desktop.core.text import sort_key

POOLED_LABEL = "Chỉ số chung gộp (mỗi người trả lời có trọng số như nhau)"
MEAN_LABEL = "Trung bình chỉ số của các đơn vị cấp xã (mỗi xã, phường, đặc khu có trọng số như nhau)"
RULE_POOLED = Rule("merge_pooled", "Chỉ số gộp: cộng số trả lời hợp lệ và số trả lời hài lòng của mọi đơn vị "
                   "cho từng tiêu chí rồi áp dụng quy tắc của phiếu một lần (mỗi người trả lời có trọng số "
                   "như nhau).")
RULE_MEAN = Rule("merge_mean", "Trung bình các đơn vị: trung bình cộng chỉ số của các đơn vị cấp xã đã "
                 "tổng hợp (mỗi đơn vị có trọng số như nhau, không phụ thuộc số phiếu; xã nằm trong tệp "
                 "tổng hợp của cấp trung gian được tính riêng từng xã).")
RULE_RANK = Rule("merge_rank", "Xếp hạng theo chỉ số chung của đơn vị (làm tròn 2 chữ số), từ cao xuống "
                 "thấp; bằng nhau thì cùng hạng.")


def _pct(part: int, whole: int) -> float | None:
    return float(Fraction(100 * part, whole)) if whole else None


def _mean(values: Iterable[Fraction | None]) -> Fraction | None:
    present = [v for v in values if v is not None]
    return sum(present, Fraction(0)) / len(present) if present else None


def _counts_sum(question_id: str, items: Sequence[QuestionCounts]) -> QuestionCounts:
    return QuestionCounts(question_id, sum(c.forms for c in items), sum(c.valid for c in items),
                          sum(c.blank for c in items), sum(c.no_answer for c in items),
                          sum(c.invalid for c in items), sum(c.skipped for c in items))


def _rows_sum(rows_list: Sequence[Sequence[DistributionRow]], answered: int) -> tuple[DistributionRow, ...]:
    """Add distribution rows by code, keeping the first part's order and labels."""
    counts: Counter[int] = Counter()
    labels: dict[int, str] = {}
    order: list[int] = []
    for rows in rows_list:
        for r in rows:
            if r.code not in labels:
                labels[r.code] = r.label
                order.append(r.code)
            counts[r.code] += r.count
    return tuple(DistributionRow(c, labels[c], counts[c], _pct(counts[c], answered)) for c in order)


def _category_sum(rows_list: Sequence[Sequence[DistributionRow]]) -> tuple[DistributionRow, ...]:
    """Categories (applicant type, field) are keyed by label: codes are positions per unit."""
    counts: Counter[str] = Counter()
    order: list[str] = []
    for rows in rows_list:
        for r in rows:
            if r.label not in counts:
                order.append(r.label)
            counts[r.label] += r.count
    total = sum(counts.values())
    return tuple(DistributionRow(i, label, counts[label], _pct(counts[label], total))
                 for i, label in enumerate(order, start=1))


def _distributions(parts: Sequence[Scores], pick: Callable[[Scores], Sequence[Distribution]]
                   ) -> tuple[Distribution, ...]:
    first = pick(parts[0])
    out = []
    for i, d in enumerate(first):
        same = [pick(p)[i] for p in parts]
        counts = _counts_sum(d.question_id, [x.counts for x in same])
        out.append(Distribution(d.question_id, d.number, d.text, d.multiple,
                                _rows_sum([x.rows for x in same], counts.valid), counts))
    return tuple(out)


def pool(form: Form, parts: Sequence[Scores]) -> Scores:
    """The scores of all units' forms taken together, from the units' scores alone."""
    sc = scoring.check_scoring(form)
    if not parts:
        return scoring.score(form, [], breakdowns=False)
    satisfied_codes = set(sc.satisfied_codes)
    criteria_of: dict[str, list[CriterionScore]] = {}
    for p in parts:
        for c in p.criteria:
            criteria_of.setdefault(c.id, []).append(c)
    warnings: list[Issue] = []
    elements = []
    for element in sc.elements:
        criteria = []
        for criterion in element.criteria:
            items = criteria_of.get(criterion.id, [])
            dist: Counter[int] = Counter()
            for c in items:
                dist.update(dict(c.distribution))
            valid = sum(c.valid for c in items)
            satisfied = sum(n for code, n in dist.items() if code in satisfied_codes)
            exact = Fraction(100 * satisfied, valid) if valid else None
            if exact is None:
                warnings.append(Issue("SCORE_010", f"Tiêu chí “{criterion.title or criterion.id}” không có "
                                      "trả lời hợp lệ nào; không tính vào chỉ số yếu tố.", Level.WARNING))
            criteria.append(CriterionScore(
                criterion.id, criterion.title, element.id, criterion.questions, valid, satisfied,
                sum(c.blank for c in items), sum(c.no_answer for c in items), sum(c.invalid for c in items),
                tuple((code, dist[code]) for code in sc.valid_codes), exact))
        elements.append(ElementScore(element.id, element.title, tuple(criteria),
                                     _mean(c.exact for c in criteria)))
    # The block and index rules are the scorer's own (mean of elements / of blocks).
    blocks, indices = scoring._index_scores(sc, elements)
    expectations = []
    counted_codes = set(sc.expectations.counted_codes)
    for i, x in enumerate(parts[0].expectations):
        same = [p.expectations[i] for p in parts]
        answered = sum(e.answered for e in same)
        rows = _rows_sum([e.distribution for e in same], answered)
        counted = sum(r.count for r in rows if r.code in counted_codes)
        expectations.append(ExpectationScore(x.question_id, x.number, x.text, counted, answered, rows,
                                             Fraction(100 * counted, answered) if answered else None))
    return Scores(
        form_id=form.id, form_version=form.version,
        total_forms=sum(p.total_forms for p in parts), valid_forms=sum(p.valid_forms for p in parts),
        indices=indices, blocks=blocks, elements=tuple(elements), expectations=tuple(expectations),
        respondents=_distributions(parts, lambda p: p.respondents),
        perceptions=_distributions(parts, lambda p: p.perceptions),
        applicant_types=_category_sum([p.applicant_types for p in parts]),
        fields=_category_sum([p.fields for p in parts]),
        comments=(), question_counts=(), breakdowns=(),
        rules=(*parts[0].rules, RULE_POOLED, RULE_MEAN, RULE_RANK), warnings=tuple(warnings))


@dataclass(frozen=True)
class MeanFigures:
    """Each figure as the mean over the units that have it (every unit weighs the same)."""

    units: int
    overall: float | None
    indices: dict[str, float | None]
    blocks: dict[str, float | None]
    elements: dict[str, float | None]
    criteria: dict[str, float | None]

    def to_dict(self) -> dict[str, object]:
        return {"units": self.units, "overall": round2(self.overall),
                "indices": {k: round2(v) for k, v in self.indices.items()},
                "blocks": {k: round2(v) for k, v in self.blocks.items()},
                "elements": {k: round2(v) for k, v in self.elements.items()},
                "criteria": {k: round2(v) for k, v in self.criteria.items()}}


def _mean_by_id(items: Iterable[Sequence[object]]) -> dict[str, float | None]:
    values: dict[str, list[Fraction | None]] = {}
    for seq in items:
        for x in seq:
            values.setdefault(x.id, []).append(x.exact)      # type: ignore[attr-defined]
    out: dict[str, float | None] = {}
    for key, vals in values.items():
        m = _mean(vals)
        out[key] = None if m is None else float(m)
    return out


def mean_of_units(parts: Sequence[Scores]) -> MeanFigures:
    indices = _mean_by_id(p.indices for p in parts)
    first_index = parts[0].indices[0].id if parts and parts[0].indices else None
    return MeanFigures(len(parts), indices.get(first_index) if first_index else None, indices,
                       _mean_by_id(p.blocks for p in parts), _mean_by_id(p.elements for p in parts),
                       _mean_by_id(p.criteria for p in parts))


def rank(values: Sequence[tuple[str, str, float | None]]) -> dict[str, int | None]:
    """Competition ranking ("1, 2, 2, 4") of (key, name, overall) on the printed two decimals.

    Units without an index get no rank. Ties are listed in Vietnamese name order by the caller.
    """
    scored = sorted(((round2(v), key, name) for key, name, v in values if v is not None),
                    key=lambda t: (-(t[0] or 0.0), sort_key(t[2])))
    out: dict[str, int | None] = {key: None for key, _, _ in values}
    previous: float | None = None
    current = 0
    for position, (value, key, _) in enumerate(scored, start=1):
        if value != previous:
            current = position
            previous = value
        out[key] = current
    return out
