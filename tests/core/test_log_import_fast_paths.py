"""The shortcuts that make a 100,000-row import fast give the same results as the plain way."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sipas_desktop.core import text
from sipas_desktop.core.db import database
from sipas_desktop.core.errors import CancelledError
from sipas_desktop.core.progress import Progress
from sipas_desktop.core.services import log as log_services
from sipas_desktop.core.services import log_io
from sipas_desktop.core.tthc_log.records import record_to_model_dict
from tests.core.log_data import db_checksum, dossier, write_mau06

VIETNAMESE = list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯáàảãạấầẩẫậếềểễệốồổỗộớờởỡợúùủũụứừửữựíìỉĩịýỳỷỹỵ"
                  " \t\n\u00a0\u2009.,-/0123456789") + ["\u0301", "\u0323", "\u0302", "İ", "ß", "²"]
texts = st.one_of(st.text(alphabet=st.sampled_from(VIETNAMESE), max_size=40), st.text(max_size=30))


def reference_nfc(value: str) -> str:
    import re

    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()


def reference_fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", reference_nfc(value).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def reference_collation_key(value: str) -> str:
    primary, tones = text.sort_key(value)
    return "".join(chr(0x100 + p) for p in primary) + "\u00ff" + "".join(str(t) for t in tones)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_table_driven_fold_and_collation_key_equal_the_character_loop(value):
    assert text.nfc(value) == reference_nfc(value)
    assert text.fold(value) == reference_fold(value)
    assert text.collation_key(value) == reference_collation_key(value)


def test_records_from_the_importer_need_no_second_normalisation(app, tmp_path):
    data = [dossier(1, name="Nguye\u0302\u0303n  Thi\u0323   An", address="Tho\u0302n  A"), dossier(2)]
    preview = log_io.preview_import(write_mau06(tmp_path / "nfd.xlsx", data))
    for record in preview.records:
        assert record_to_model_dict(record, normalised=True) == record_to_model_dict(record)
    assert preview.records[0].applicant_name == "Nguyễn Thị An"


def _indexes() -> list[tuple[str, str]]:
    return sorted(database.connection().execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dossier'").fetchall())


def test_a_bulk_load_puts_back_every_index_it_set_aside(app, tmp_path, monkeypatch):
    before = _indexes()
    monkeypatch.setattr(log_io, "BULK_REINDEX_ROWS", 5)
    result = log_io.import_log(write_mau06(tmp_path / "so.xlsx", [dossier(n) for n in range(1, 31)]))
    assert result.new == 30
    assert _indexes() == before
    assert log_services.count_dossiers(log_services.LogFilter(text="nguyen van an")) == 30


def test_a_cancelled_bulk_load_leaves_rows_and_indexes_as_they_were(app, tmp_path, monkeypatch):
    monkeypatch.setattr(log_io, "BULK_REINDEX_ROWS", 5)
    indexes, rows = _indexes(), db_checksum()
    preview = log_io.preview_import(write_mau06(tmp_path / "so.xlsx", [dossier(n) for n in range(1, 31)]))
    progress = Progress()
    progress.callback = lambda done, total, text: progress.token.cancel() if done else None
    with pytest.raises(CancelledError):
        log_io.commit_import(preview, progress=progress)
    assert _indexes() == indexes and db_checksum() == rows


def test_re_import_in_many_small_chunks_sorts_new_changed_and_unchanged_rightly(app, tmp_path, monkeypatch):
    monkeypatch.setattr(log_io, "WRITE_CHUNK", 2)
    log_io.import_log(write_mau06(tmp_path / "a.xlsx", [dossier(n, returned=None) for n in range(1, 6)]))
    newer = [dossier(n, returned="09/03/2024" if n % 2 else None) for n in range(1, 9)]
    result = log_io.import_log(write_mau06(tmp_path / "b.xlsx", newer))
    assert (result.new, result.updated, result.unchanged) == (3, 3, 2)
    assert log_services.count_dossiers() == 8
