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


# ------------------------------------------------------------ column by column = row by row

def messy_rows(seed: int, count: int) -> list[list[object]]:
    """A one-stop export with every kind of cell the importer meets, and mistakes in it."""
    import random
    from datetime import date, datetime, timedelta

    rng = random.Random(seed)
    header = ["STT", "Số hồ sơ", "Thủ tục", "Lĩnh vực", "SL", "Họ tên", "Đối tượng", "Địa chỉ", "Điện thoại",
              "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày chuyển", "Ngày nhận kết quả", "Ngày trả",
              "Hình thức nộp",
              "Trong tỉnh", "Ngày sinh", "Ghi chú", "Địa chỉ, SĐT"]
    pick = rng.choice
    names = ["Nguyễn Văn An", "Công ty TNHH Hồng Phát", "HTX Tân Tiến", "CONG TY CO PHAN SONG LAM",
             "Lê Thị Hội", "", "Nguye\u0302\u0303n  Thi\u0323   An", "  Trần   Bình ",
             "Ông Nguyễn Văn Trường", True, 12.0]
    procedures = ["Đăng ký khai sinh", "Chứng thực bản sao từ bản chính", "Thủ tục lạ", "", "Đăng ký kết hôn",
                  5]
    addresses = ["Thôn A, xã Diễn Châu, tỉnh Nghệ An", "Khối 2, phường Bến Thành, Thành phố Hồ Chí Minh",
                 "Thôn Xuân Hòa, xã Nghi Xuân, tỉnh Hà Tĩnh", "", "Tổ 3, TP. Hà Tĩnh",
                 "Xóm 1, tỉnh Quảng Bình"]
    address_phones = ["", "Thôn B (ĐT: 0912345678)", "Xóm 5 - 0912345678", "Thôn A, Điện thoại: 0912.345.678",
                      "Tổ dân phố 3; SĐT 0903 883 685, tỉnh Nghệ An", "Số 12 đường Trần Phú",
                      "Thôn Yên Thọ, xã Nghi Xuân, tỉnh Hà Tĩnh - SĐT: 0951241051"]

    def when(base: date) -> object:
        d = base + timedelta(days=rng.randint(-3, 20))
        return pick([d, d, d, d.strftime("%d/%m/%Y"), datetime(d.year, d.month, d.day, 8, 30),
                     float((d - date(1899, 12, 30)).days), d.strftime("%d-%m-%Y 08:30"), "31/02/2020",
                     "hôm qua",
                     -5.0, d.isoformat(), True, "5/3/24", date(2099, 1, 1), "", None])

    rows: list[list[object]] = [["SỔ THEO DÕI"], [], header]
    for n in range(1, count + 1):
        base = date(2024, 1, 1) + timedelta(days=rng.randint(0, 400))
        code = f"HS-{n}" if rng.random() > 0.03 else pick(["HS-1", "", "  HS-2 ", "x" * 120, 77.0])
        row = [n, code, pick(procedures), pick(["", "", "Hộ tịch", "Lĩnh vực khác"]),
               pick([1, 1.0, "2", "1,5", "", None, "abc", 0, -1, 3.0, True, "1,0"]), pick(names),
               pick(["", "Cá nhân", "Tổ chức", "CN", "Doanh nghiệp", "lạ", None, 1.0, True]), pick(addresses),
               pick(["0912345678", "912345678", 912345678.0, "+84 912 345 678", "", "0912.345.678", "12",
                     None]),
               base if rng.random() > 0.1 else when(base), when(base), when(base), when(base), when(base),
               pick(["", "Trực tuyến", "Online", "bưu điện", "Nộp trực tuyến mức độ 4", "lạ lùng", None,
                     "TT"]),
               pick(["", "x", "Ngoài tỉnh", "không", "chưa rõ", None, 1.0, 0.0, True]),
               when(date(1980, 1, 1)),
               pick(["", "Nộp trực tuyến", "Hồ sơ gửi qua bưu điện", "Trả kết quả qua bưu điện", None]),
               pick(address_phones)]
        roll = rng.random()
        if roll < 0.01:
            row = [None] * len(header)
        elif roll < 0.02:
            row = ["", "Tổng cộng", ""]
        elif roll < 0.03:
            row = [None, "Trần Thị Bình"]
        elif roll < 0.04:
            row = row[:10]
        rows.append(row)
    return rows


@pytest.mark.parametrize("seed, suffix, unused", [(1, ".xlsx", 0), (2, ".csv", 0), (3, ".xlsx", 0),
                                                  (4, ".xlsx", 45)])
def test_the_column_by_column_importer_reads_every_row_as_the_row_by_row_rules_do(
        app, tmp_path, monkeypatch, seed, suffix, unused):
    import csv
    from datetime import date

    from sipas_desktop.core.tthc_log import importer
    from sipas_desktop.core.tthc_log.headers import HEADER_SCAN_ROWS, find_header
    from sipas_desktop.core.tthc_log.readers import open_spreadsheet
    from tests.core.log_data import write_xlsx
    from tests.core.log_reference import read_rows

    monkeypatch.setattr(importer, "CHUNK_ROWS", 97)  # caches and duplicate codes across chunks
    rows = messy_rows(seed, 700)
    if unused:  # a wide export (most columns unmapped) takes the column-by-column path of the importer
        rows = [row + ([f"Phụ lục {i}" for i in range(unused)] if n == 2 else
                       [*[None] * (19 - len(row)), *[None] * (unused - 1), "x"] if len(row) > 2 else [])
                for n, row in enumerate(rows)]
    path = tmp_path / f"lon-xon{suffix}"
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(
                [["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in r]
                 for r in rows])
    else:
        write_xlsx(path, rows)
    preview = log_io.preview_import(path)
    with open_spreadsheet(path) as book:
        table = book.sheet(0)
        layout = find_header(table.head(HEADER_SCAN_ROWS), table.name, merged=table.merged)
        sheet_rows = list(table.rows())
    context = log_io._office_context(path.name)
    records, numbers, invalid, issues, skipped = read_rows(sheet_rows, layout, context)
    assert preview.records == records
    assert preview.row_numbers == numbers and preview.invalid == invalid
    assert preview.issues.items == issues
    assert preview.skipped_rows == skipped
    assert {i.code for i in issues} >= {"LOG_IMP_101", "LOG_IMP_102", "LOG_IMP_103", "LOG_IMP_104",
                                        "LOG_IMP_105", "LOG_IMP_106", "LOG_IMP_120", "LOG_101", "LOG_106"}
    assert 0 < len(invalid) < len(records) and any(not r.in_province for r in records)


def test_the_commit_writes_each_dossier_as_record_to_model_dict_describes_it(app, tmp_path):
    from sipas_desktop.core.tthc_log.records import record_to_model_dict

    data = [dossier(n, name=name, phone=phone) for n, (name, phone) in enumerate(
        [("Nguyễn Văn An", "0912345678"), ("Công ty TNHH Hồng Phát", ""), ("Đặng Thị Hường", "912 345 678"),
         ("Nguyễn Văn An", "+84 912345678")], start=1)]
    path = write_mau06(tmp_path / "so-o'hara.xlsx", data)
    preview = log_io.preview_import(path)
    log_io.commit_import(preview)
    con = database.connection()
    for record in preview.records:
        expected = record_to_model_dict(record)
        columns = list(expected)
        stored = con.execute(f"SELECT {', '.join(columns)} FROM dossier WHERE code = ?",
                             [record.code]).fetchone()
        assert dict(zip(columns, stored, strict=True)) == {
            k: (v.isoformat() if hasattr(v, "isoformat") else int(v) if isinstance(v, bool) else v)
            for k, v in expected.items()}
    assert {r[0] for r in con.execute("SELECT source FROM dossier")} == {"so-o'hara.xlsx"}


def test_multi_row_inserts_stay_under_the_windows_parameter_limit(app, tmp_path, monkeypatch):
    import sqlite3

    database.connection().setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32766)  # as Windows' own SQLite
    monkeypatch.setattr(log_io, "ROWS_PER_INSERT", 100_000)  # only the parameter limit holds rows back
    path = write_mau06(tmp_path / "so.xlsx", [dossier(n, f"HS-{n}") for n in range(1, 1601)], footer=False)
    assert log_io.import_log(path).new == 1600
    assert log_services.count_dossiers() == 1600


def test_an_error_in_a_later_chunk_of_a_bulk_load_undoes_the_whole_import(app, tmp_path, monkeypatch):
    monkeypatch.setattr(log_io, "BULK_REINDEX_ROWS", 5)
    monkeypatch.setattr(log_io, "WRITE_CHUNK", 4)
    rows = [dossier(n) for n in range(1, 31)]
    preview = log_io.preview_import(write_mau06(tmp_path / "so.xlsx", rows))
    bad = preview.data["code"][25]
    # A real SQLite failure in the middle of the load (as a full disk would give), not a stand-in.
    database.execute_sql(f"CREATE TRIGGER stop BEFORE INSERT ON dossier WHEN NEW.code = '{bad}' "
                         "BEGIN SELECT RAISE(ABORT, 'stopped'); END")
    indexes, before = _indexes(), db_checksum()
    with pytest.raises(Exception, match="stopped"):
        log_io.commit_import(preview)
    assert _indexes() == indexes and db_checksum() == before
    assert database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000


def test_a_large_import_leaves_the_wal_checkpointed_by_a_background_thread(app, tmp_path, monkeypatch):
    import sqlite3

    from sipas_desktop.core import db

    monkeypatch.setattr(log_io, "BULK_REINDEX_ROWS", 5)
    result = log_io.import_log(write_mau06(tmp_path / "so.xlsx", [dossier(n) for n in range(1, 31)]))
    assert result.new == 30
    assert database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    db.wait_for_checkpoint()
    other = sqlite3.connect(str(db.database_path()))
    try:
        busy, frames, copied = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert other.execute("SELECT COUNT(*) FROM dossier").fetchone()[0] == 30
    finally:
        other.close()
    assert busy == 0 and frames == copied   # every page of the import was already in the file
