"""The importer reads 100,000 rows column by column; each column form must give exactly what the
one-cell function (or validate_record) gives, cell by cell. Hypothesis looks for the cell where
they differ."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sipas_desktop.core import text
from sipas_desktop.core.tthc_log import cells
from sipas_desktop.core.tthc_log.records import (
    RECORD_FIELDS,
    DossierRecord,
    collation_keys,
    fold_each,
    name_keys,
    records_from_columns,
    rows_to_validate,
    search_text,
    search_texts,
    validate_record,
)

VIETNAMESE = list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯáàảãạấầẩẫậếềểễệốồổỗộớờởỡợúùủũụứừửữựíìỉĩịýỳỷỹỵ"
                  "ΣΑσς İß²٣") + ["\u0301", "\u0323", "\u0302", "\ufffc", "\x00"]
SPACES = [" ", " ", " ", "\t", "\n", "\u00a0", "\u2009", "\x1f"]
PHONEY = list("0123456789 .-+():")
texts = st.text(alphabet=st.sampled_from(VIETNAMESE + SPACES + PHONEY + list(",;-–ĐT")), max_size=30)
# Most real cells are printable, with single spaces: the fast paths must be exercised too.
printable = st.text(alphabet=st.sampled_from(list("aăâđêôơưáạếềữ ΣΑσİ") + [" "] * 6 + PHONEY[:10]),
                    max_size=20)
cells_any = st.one_of(texts, st.none(), st.booleans(), st.integers(-3, 50000),
                      st.floats(allow_nan=False, allow_infinity=False, min_value=-5, max_value=3e6),
                      st.dates(date(1890, 1, 1), date(2100, 1, 1)),
                      st.datetimes(datetime(1990, 1, 1), datetime(2030, 1, 1)))
clean = texts.map(cells.clean_text)


@settings(max_examples=300, deadline=None)
@given(st.lists(cells_any, max_size=20))
def test_cleaning_a_column_at_once_equals_cleaning_each_cell(column):
    assert cells.clean_texts(column) == [cells.clean_text(v) for v in column]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(printable, st.just(""), st.just(" x ")), max_size=20))
def test_cleaning_a_text_column_at_once_equals_cleaning_each_cell(column):
    assert cells.clean_texts(column) == [cells.clean_text(v) for v in column]


def _safe_date(value: object) -> object:
    try:
        return cells.parse_cell_date(value)
    except text.DateError as exc:
        return ("error", str(exc))


@settings(max_examples=300, deadline=None)
@given(st.lists(cells_any, max_size=25), st.lists(cells_any, max_size=25))
def test_converting_through_a_cache_equals_converting_each_cell(first, second):
    cache: dict = {}
    kinds: set = set()
    for column in (first, second):  # the cache is shared between chunks, as in the importer
        assert cells.convert(column, cache, _safe_date, kinds) == [_safe_date(v) for v in column]
        assert cells.convert(column, {}, cells.clean_text) == [cells.clean_text(v) for v in column]
    assert kinds == {type(_safe_date(v)) for v in first + second}


phone_tails = st.one_of(
    st.just(""), st.from_regex(r"\A[ :.(-]{0,3}0[0-9]{8,11}[ )]?\Z"),
    st.from_regex(r"\A ?\+84[ .]?[0-9]{3}[ .]?[0-9]{3}[ .]?[0-9]{3}\Z"),
    st.text(alphabet=st.sampled_from(PHONEY), max_size=16))
labels = st.sampled_from(["", " - ĐT:", "; SĐT", ", Điện thoại:", " (ĐT:", " dt", " Tel.", " số điện thoại",
                          " - ", " ĐTDĐ:", "Mobile"])
address_cells = st.builds(lambda a, label, tail: cells.clean_text(a + label + tail), texts, labels,
                          phone_tails)
# The usual export: an address, a label, a space and a number (of any length, any first digit).
numbers = st.tuples(st.sampled_from("0000035789"),
                    st.sampled_from([0, 7, 8, 8, 9, 9, 10, 10, 11, 12, 13, 14]),
                    st.text(alphabet="0123456789", min_size=14, max_size=14)).map(
    lambda t: (t[0] + t[2])[:t[1]])
usual_cells = st.builds(lambda a, label, spaces, number: cells.clean_text(a) + label + spaces + number,
                        st.text(alphabet="aăđê ,Σİ-", max_size=12), labels,
                        st.sampled_from(["", " ", " ", "  "]), numbers)


@settings(max_examples=400, deadline=None)
@given(st.lists(address_cells, max_size=15))
def test_splitting_a_column_of_addresses_equals_splitting_each_cell(column):
    addresses, phones = cells.split_address_phones(column, {})
    assert list(zip(addresses, phones, strict=True)) == [cells.split_address_phone(t) for t in column]


@settings(max_examples=400, deadline=None)
@given(st.lists(usual_cells, max_size=6))
def test_splitting_a_column_of_usual_address_cells_equals_splitting_each_cell(column):
    addresses, phones = cells.split_address_phones(column, {})
    assert list(zip(addresses, phones, strict=True)) == [cells.split_address_phone(t) for t in column]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.from_regex(r"\A0[0-9]{9,10}\Z"), st.from_regex(r"\A[35789][0-9]{8}\Z"),
                          st.just(""), st.text(alphabet=st.sampled_from(PHONEY + ["²"]), max_size=14)),
                max_size=15))
def test_normalising_a_column_of_phones_equals_normalising_each(column):
    assert cells.normalise_phones(column) == [cells.normalise_phone(t) for t in column]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(clean, texts), max_size=12))
def test_folding_and_sort_keys_of_a_column_equal_those_of_each_text(column):
    assert fold_each(column) == [text.fold(v) for v in column]
    cache: dict = {}
    assert collation_keys(column, cache) == [text.collation_key(v) for v in column]
    assert collation_keys(column, cache) == [text.collation_key(v) for v in column]


# Names as the importer makes them: mostly Vietnamese letters and ASCII (the codec's fast set),
# sometimes a character outside it (Greek, Turkish İ, ß, a combining mark, \x00).
names = st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ áàảãạấầẩẫậếềểễệốồổỗộ"
                                              "ớờởỡợúùủũụứừửữựíìỉĩịýỳỷỹỵ0123456789.-,'~ÁẠỲỴ")),
                max_size=25).map(cells.clean_text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(names, clean), max_size=12))
def test_fold_and_collation_keys_of_lowered_texts_equal_fold_and_collation_key(column):
    lowered = [text.nfc(v).lower() for v in column]
    both = text.fold_and_collation_keys(lowered)
    if both is not None:
        assert both == ([text.fold(v) for v in column], [text.collation_key(v) for v in column])
    if all(set(v) <= set(text._FAST_CHARS[1:]) for v in lowered):
        assert both is not None  # the fast path is taken whenever it can be


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(names, clean, texts), max_size=8), max_size=3))
def test_name_keys_of_chunks_equal_fold_and_collation_key_of_each_name(chunks):
    folded: dict = {}
    keys: dict = {}
    for chunk in chunks:
        name_keys(chunk, folded, keys)
        assert [folded[n] for n in chunk] == [text.fold(n) for n in chunk]
        assert [keys[n] for n in chunk] == [text.collation_key(n) for n in chunk]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(clean, clean, st.one_of(clean, st.from_regex(r"\A0[0-9]{9}\Z"))), max_size=10))
def test_search_texts_of_a_column_equal_search_text_of_each_record(rows):
    records = [DossierRecord(code=c, procedure_name="x", applicant_name=n, received_date=None, phone=p)
               for c, n, p in rows]
    got = search_texts([r.code for r in records], [r.applicant_name for r in records],
                       [r.phone for r in records])
    assert got == [search_text(r) for r in records]


TODAY = date.today()
BASE = DossierRecord(code="HS-1", procedure_name="Đăng ký khai sinh", applicant_name="Lê Văn Tám",
                     received_date=TODAY - timedelta(days=200), phone="0912345678")
days = st.one_of(st.none(), st.integers(-40, 40).map(lambda d: BASE.received_date + timedelta(days=d)),
                 st.just(TODAY + timedelta(days=1)), st.just(TODAY))
# Each field: a valid value most of the time, else one that may break a rule, so that a row
# breaking one rule sits among rows that break none.
FIELD_VALUES = {
    "code": st.one_of(st.just("HS-1"), st.just(""), st.text(alphabet="HS-0123", min_size=99, max_size=102)),
    "procedure_name": st.sampled_from(["", "Đăng ký khai sinh"]),
    "applicant_name": st.sampled_from(["", "Lê Văn Tám"]),
    "received_date": days, "due_date": days, "transferred_date": days, "result_in_date": days,
    "returned_date": days, "birth_date": days,
    "channel": st.sampled_from(["truc_tiep", "truc_tuyen", "buu_chinh", "", "qua mạng"]),
    "applicant_type": st.sampled_from(["ca_nhan", "to_chuc", "khac"]),
    "quantity": st.one_of(st.integers(-1, 3), st.sampled_from([True, False, 1.0, 2.5])),
    "phone": st.one_of(st.just(""), st.from_regex(r"\A[0-9]{6,14}\Z"),
                       st.sampled_from(["+84912345678", "09 12", "٣٣٣٣٣٣٣٣", "abc"])),
}
records = st.one_of(
    st.just(BASE),
    st.sampled_from(sorted(FIELD_VALUES)).flatmap(
        lambda name: FIELD_VALUES[name].map(lambda value: DossierRecord(**{**BASE.__dict__, name: value}))),
    st.builds(DossierRecord, **FIELD_VALUES))


def _columns(rows: list[DossierRecord]) -> dict[str, list]:
    return {name: [getattr(r, name) for r in rows] for name in RECORD_FIELDS}


@settings(max_examples=500, deadline=None)
@given(st.lists(records, max_size=12))
def test_rows_to_validate_never_misses_a_row_validate_record_reports(rows):
    flagged = set(rows_to_validate(_columns(rows)))
    missed = [(i, validate_record(r)) for i, r in enumerate(rows) if validate_record(r) and i not in flagged]
    assert not missed


def test_a_clean_column_of_dossiers_needs_no_row_by_row_check():
    good = DossierRecord(code="HS-1", procedure_name="Đăng ký khai sinh", applicant_name="Lê Văn Tám",
                         received_date=date(2024, 3, 5), due_date=date(2024, 3, 6),
                         returned_date=date(2024, 3, 6), phone="0912345678", birth_date=date(1990, 1, 1))
    rows = [good] * 5 + [DossierRecord(**{**good.__dict__, "returned_date": date(2024, 3, 1)})]
    assert rows_to_validate(_columns(rows[:5])) == []
    assert rows_to_validate(_columns(rows)) == [5]
    assert records_from_columns(_columns(rows)) == rows
