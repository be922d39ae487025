"""Vietnamese text helpers."""

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sipas_desktop.core import text as text_module
from sipas_desktop.core.text import (
    DateError,
    collation_key,
    fold,
    format_date,
    format_number,
    nfc,
    parse_date,
    sort_key,
)


def test_names_sort_in_vietnamese_dictionary_order():
    names = ["Đức", "Dũng", "Ánh", "Anh", "Ăn", "Bình", "An", "Ấn"]
    expected = ["An", "Anh", "Ánh", "Ăn", "Ấn", "Bình", "Dũng", "Đức"]
    assert sorted(names, key=sort_key) == expected
    assert sorted(names, key=collation_key) == expected


def test_folding_ignores_accents_case_and_the_d_stroke():
    assert fold("Tên Thủ Tục HÀNH CHÍNH") == "ten thu tuc hanh chinh"
    assert fold("Đặng Văn Đức") == "dang van duc"


def test_decomposed_input_is_normalised_to_composed_text():
    decomposed = "Nguye\u0302\u0303n"
    assert nfc(decomposed) == "Nguyễn"


@pytest.mark.parametrize("text, expected", [
    ("05/09/2020", date(2020, 9, 5)), ("5/9/2020", date(2020, 9, 5)), ("05-09-2020", date(2020, 9, 5)),
    ("2020-09-05", date(2020, 9, 5)), ("2020-09-05 00:00:00", date(2020, 9, 5)), ("", None)])
def test_dates_are_read_day_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2020", "30/13/2020", "hôm qua", "12/2020"])
def test_impossible_dates_are_refused_in_vietnamese(text):
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert "ngày" in str(info.value)


def test_dates_print_as_day_month_year_and_numbers_with_a_decimal_comma():
    assert format_date(date(2020, 9, 5)) == "05/09/2020"
    assert format_number(86.666666) == "86,67"
    assert format_number(1234.5, 1) == "1.234,5"


def _fold_char_by_char(value: object) -> str:
    """fold as defined: NFC, lower case, then each character without its marks (đ → d)."""
    lowered = text_module.nfc(value).lower()
    return "".join("d" if ch == "đ" else "".join(c for c in unicodedata.normalize("NFD", ch)
                                                   if unicodedata.category(c) != "Mn")
                   for ch in lowered)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(
    "aăâbcdđeêfghijklmnoôơpqrstuưvwxyzAĂÂĐÊÔƠƯ áàảãạấầẩẫậếềểễệốồổỗộớờởỡợúùủũụứừửữựíìỉĩịýỳỷỹỵ"
    "ÁẠỲỴ0123456789.-,'~`{|}\x00\t") + ["Σ", "İ", "ß", "²", "\u0301", "\u00a0", "ǅ"]), max_size=30),
       st.text(max_size=5))
def test_folding_vietnamese_text_at_c_speed_equals_folding_character_by_character(value, other):
    assert fold(value) == _fold_char_by_char(value)
    assert fold(value + other) == _fold_char_by_char(value + other)
