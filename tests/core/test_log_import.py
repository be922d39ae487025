"""Importing the dossier log: header finding, row parsing, preview, all-or-nothing commit, re-import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sipas_desktop.core.errors import CancelledError, UserError
from sipas_desktop.core.progress import Progress
from sipas_desktop.core.services import log as log_services
from sipas_desktop.core.services import log_io
from sipas_desktop.core.tthc_log.cells import parse_cell_date, split_address_phone
from sipas_desktop.core.tthc_log.headers import find_header
from sipas_desktop.core.tthc_log.importer import channel_from_notes, is_organisation
from tests.core.log_data import (
    MAU06_SUB,
    MAU06_TOP,
    db_checksum,
    dossier,
    foreign_rows,
    write_mau06,
    write_xlsx,
)


def _lexicon():
    from sipas_desktop.core.tthc_log.headers import load_vocabulary
    from sipas_desktop.core.tthc_log.importer import _Lexicon

    return _Lexicon(load_vocabulary())


def test_the_header_is_found_below_a_title_block_and_read_over_two_merged_rows():
    rows = [["UBND XÃ NGHI XUÂN"], [], ["SỔ THEO DÕI HỒ SƠ"], [], list(MAU06_TOP), list(MAU06_SUB),
            [f"({i})" for i in range(1, 14)], [1, "A-1"]]
    layout = find_header(rows, "Sổ")
    assert layout is not None
    assert layout.header_rows == (4, 5)
    assert layout.data_start == 7  # the "(1) (2) …" row is skipped too
    assert layout.mapping[1] == "code"
    assert [layout.mapping[c] for c in range(7, 12)] == [
        "received_date", "due_date", "transferred_date", "result_in_date", "returned_date"]
    assert layout.mapping[5] == "address_phone"


@pytest.mark.parametrize("header, key", [
    ("TÊN THỦ TỤC HÀNH CHÍNH", "procedure_name"), ("Tên TTHC", "procedure_name"),
    ("ngay tiep nhan", "received_date"), ("Ngày nhận hồ sơ", "received_date"),
    ("Trả kết quả", "returned_date"), ("Ngày trả kết quả", "returned_date"),
    ("Hẹn trả kết quả", "due_date"), ("Số hồ sơ", "code"), ("Họ và tên", "applicant_name"),
    ("Địa chỉ, điện thoại liên hệ", "address_phone"), ("Cá nhân/Tổ chức", "applicant_type"),
    ("Hình thức nộp", "channel"), ("Phương thức nhận kết quả", "result_method"),
])
def test_column_headers_are_matched_by_meaning_whatever_the_accents_and_case(header, key):
    from sipas_desktop.core.tthc_log.headers import load_vocabulary

    assert load_vocabulary().match(header)[0] == key


def test_a_sheet_without_the_required_columns_has_no_header():
    rows = [["Họ tên", "Tuổi", "Ghi chú"], ["An", 30, ""]]
    assert find_header(rows, "Sheet1") is None


@pytest.mark.parametrize("cell, address, phone", [
    ("Thôn Xuân Hòa, xã Nghi Xuân - ĐT: 0912345678", "Thôn Xuân Hòa, xã Nghi Xuân", "0912345678"),
    ("Tổ dân phố 3; SĐT 0903 883 685", "Tổ dân phố 3", "0903883685"),
    ("Thôn A, Điện thoại: 0912.345.678", "Thôn A", "0912345678"),
    ("Xóm 5 - 0912345678", "Xóm 5", "0912345678"),
    ("Thôn B (ĐT: 0912345678)", "Thôn B", "0912345678"),
    ("Số 12 đường Trần Phú", "Số 12 đường Trần Phú", ""),
])
def test_address_and_phone_in_one_cell_are_split(cell, address, phone):
    assert split_address_phone(cell) == (address, phone)


@pytest.mark.parametrize("name, organisation", [
    ("Công ty TNHH Hồng Phát", True), ("HTX nông nghiệp Xuân Hội", True), ("Hợp tác xã Tân Tiến", True),
    ("Doanh nghiệp tư nhân Minh Anh", True), ("Trường THCS Nghi Xuân", True), ("UBND xã Kỳ Anh", True),
    ("Chi nhánh Ngân hàng Agribank", True), ("Cửa hàng vật liệu Thành Đạt", True),
    ("CONG TY CO PHAN SONG LAM", True),
    ("Nguyễn Văn Trường", False), ("Trương Văn An", False), ("Hội", False), ("Lê Thị Hội", False),
])
def test_the_applicant_type_is_inferred_from_organisation_names(name, organisation):
    assert is_organisation(name, _lexicon()) is organisation


@pytest.mark.parametrize("notes, channel", [
    ("Nộp trực tuyến", "truc_tuyen"), ("Hồ sơ DVC mức độ 4", "truc_tuyen"),
    ("Nộp qua bưu chính công ích", "buu_chinh"), ("Trả kết quả qua bưu điện", None),
    ("Đã bổ sung giấy tờ", None), ("Trả kết quả qua bưu điện; nộp trực tuyến", "truc_tuyen"),
])
def test_the_channel_is_read_from_notes_but_not_from_how_the_result_was_returned(notes, channel):
    assert channel_from_notes(notes, _lexicon()) == channel


def test_excel_serial_dates_date_cells_and_day_first_text_are_all_read():
    assert parse_cell_date(45292.0) == date(2024, 1, 1)
    assert parse_cell_date(date(2024, 3, 5)) == date(2024, 3, 5)
    assert parse_cell_date("05/03/2024") == date(2024, 3, 5)
    assert parse_cell_date("5-3-2024 08:30") == date(2024, 3, 5)
    assert parse_cell_date("") is None


def test_a_mau06_file_imports_with_title_block_footer_and_dates_both_as_dates_and_text(
        app, commune, tmp_path):
    data = [dossier(1, received=date(2024, 3, 5), due=date(2024, 3, 6), returned=date(2024, 3, 6)),
            dossier(2, name="Công ty TNHH Hồng Phát", procedure="Chứng thực bản sao từ bản chính",
                    notes="Nộp trực tuyến"),
            dossier(3, name="Trần Thị Bình", address="Thôn A, xã Diễn Châu, tỉnh Nghệ An",
                    returned=None, notes="Hồ sơ gửi qua bưu điện")]
    path = write_mau06(tmp_path / "so.xlsx", data)
    preview = log_io.preview_import(path)
    assert preview.ok, [str(i) for i in preview.errors]
    assert preview.total == 3 and preview.skipped_rows >= 4
    result = log_io.commit_import(preview)
    assert (result.new, result.updated, result.unchanged, result.refused) == (3, 0, 0, 0)
    first = log_services.get_dossier_by_code("000.42.52.H42-240305-0001")
    assert first.received_date == date(2024, 3, 5) and first.returned_date == date(2024, 3, 6)
    assert first.address == "Thôn Xuân Hòa, xã Nghi Xuân, tỉnh Hà Tĩnh" and first.phone == "0912345678"
    assert first.field_name == "Hộ tịch" and first.applicant_type == "ca_nhan" and first.in_province
    second = log_services.get_dossier_by_code("000.42.52.H42-240305-0002")
    assert second.applicant_type == "to_chuc" and second.channel == "truc_tuyen"
    assert second.field_name == "Chứng thực"
    third = log_services.get_dossier_by_code("000.42.52.H42-240305-0003")
    assert third.channel == "buu_chinh" and third.returned_date is None and not third.in_province


def test_an_impossible_date_is_refused_with_sheet_row_and_column_and_nothing_is_written(app, tmp_path):
    data = [dossier(1), dossier(2, received="31/02/2020")]
    path = write_mau06(tmp_path / "ngay-sai.xlsx", data)
    before = db_checksum()
    preview = log_io.preview_import(path)
    errors = preview.errors
    assert [(e.code, e.sheet, e.row, e.column) for e in errors if e.code == "LOG_IMP_101"] == [
        ("LOG_IMP_101", "Sổ hồ sơ", 10, "Ngày nhận hồ sơ")]
    assert "31/02/2020" in errors[0].message
    with pytest.raises(UserError) as caught:
        log_io.commit_import(preview)
    assert caught.value.code == "LOG_IMP_041" and caught.value.issues
    assert db_checksum() == before


def test_a_cell_that_cannot_be_read_is_reported_once_with_the_precise_reason(app, tmp_path):
    rows = [["Mã hồ sơ", "Tên TTHC", "Họ tên", "Ngày tiếp nhận", "Số lượng"],
            ["HS-1", "Đăng ký khai sinh", "Lê Văn Tám", "31/02/2020", 1],
            ["HS-2", "Đăng ký khai sinh", "Lê Văn Tám", "05/03/2024", "hai"],
            ["HS-3", "Đăng ký khai sinh", "Lê Văn Tám", "", 1]]
    preview = log_io.preview_import(write_xlsx(tmp_path / "o-loi.xlsx", rows))
    assert [(e.row, e.code, e.column) for e in preview.errors] == [
        (2, "LOG_IMP_101", "Ngày nhận hồ sơ"), (3, "LOG_IMP_102", "Số lượng hồ sơ"),
        (4, "LOG_105", "Ngày nhận hồ sơ")]
    assert "không có thật" in preview.errors[0].message and "31/02/2020" in preview.errors[0].message


def test_a_returned_date_before_the_received_date_is_refused(app, tmp_path):
    path = write_mau06(tmp_path / "tra-truoc.xlsx", [dossier(1, received="10/03/2024", due="12/03/2024",
                                                             returned="01/03/2024")])
    before = db_checksum()
    preview = log_io.preview_import(path)
    assert [(e.code, e.row, e.column) for e in preview.errors] == [("LOG_106", 9, "Ngày trả kết quả")]
    with pytest.raises(UserError):
        log_io.commit_import(preview)
    assert db_checksum() == before


def test_a_dossier_code_twice_in_one_file_is_refused_on_its_second_row(app, tmp_path):
    path = write_mau06(tmp_path / "trung.xlsx", [dossier(1, "HS-1"), dossier(2, "HS-2"), dossier(3, "HS-1")])
    before = db_checksum()
    preview = log_io.preview_import(path)
    dup = [e for e in preview.errors if e.code == "LOG_IMP_106"]
    assert len(dup) == 1 and dup[0].row == 11 and "dòng 9" in dup[0].message
    with pytest.raises(UserError):
        log_io.commit_import(preview)
    assert db_checksum() == before
    result = log_io.commit_import(preview, keep_valid=True)
    assert (result.new, result.refused) == (2, 1)


def test_keep_valid_imports_only_the_valid_rows_and_counts_the_refused(app, tmp_path):
    path = write_mau06(tmp_path / "mot-phan.xlsx", [dossier(1), dossier(2, received="31/02/2020"),
                                                     dossier(3, name="")])
    result = log_io.import_log(path, keep_valid=True)
    assert (result.new, result.updated, result.unchanged, result.refused) == (1, 0, 0, 2)
    assert log_services.count_dossiers() == 1
    assert {i.row for i in result.issues if i.is_error} == {10, 11}


def test_reimporting_the_same_export_duplicates_nothing_and_reports_everything_unchanged(app, tmp_path):
    path = write_mau06(tmp_path / "so.xlsx", [dossier(n) for n in range(1, 6)])
    assert log_io.import_log(path).new == 5
    again = log_io.import_log(path)
    assert (again.new, again.updated, again.unchanged, again.refused) == (0, 0, 5, 0)
    assert log_services.count_dossiers() == 5


def test_a_newer_export_updates_changed_dossiers_and_adds_the_new_ones(app, tmp_path):
    log_io.import_log(write_mau06(tmp_path / "thang3.xlsx", [dossier(1, returned=None), dossier(2)]))
    newer = write_mau06(tmp_path / "thang4.xlsx", [dossier(1, returned="08/03/2024"), dossier(2), dossier(3)])
    result = log_io.import_log(newer)
    assert (result.new, result.updated, result.unchanged, result.refused) == (1, 1, 1, 0)
    assert log_services.get_dossier_by_code("000.42.52.H42-240305-0001").returned_date == date(2024, 3, 8)
    assert log_services.count_dossiers() == 3


def test_a_missing_required_column_is_a_file_error_and_commit_refuses(app, tmp_path):
    rows = [["Mã hồ sơ", "Tên TTHC", "Họ tên", "Ghi chú"], ["HS-1", "Đăng ký khai sinh", "An", ""]]
    preview = log_io.preview_import(write_xlsx(tmp_path / "thieu.xlsx", rows))
    assert [e.code for e in preview.file_errors] == ["LOG_IMP_020"]
    assert "Ngày nhận hồ sơ" in preview.file_errors[0].message
    before = db_checksum()
    with pytest.raises(UserError):
        log_io.commit_import(preview, keep_valid=True)
    assert db_checksum() == before


def test_a_corrected_mapping_is_remembered_for_files_with_the_same_layout(app, tmp_path):
    rows = [["Mã hồ sơ", "Tên TTHC", "Người đề nghị", "Ngày nhận hồ sơ"],
            ["HS-1", "Đăng ký khai sinh", "Lê Văn Tám", "05/03/2024"]]
    path = write_xlsx(tmp_path / "la.xlsx", rows)
    auto = log_io.preview_import(path)
    assert auto.file_errors  # "Người đề nghị" is not a known name column
    mapping = {0: "code", 1: "procedure_name", 2: "applicant_name", 3: "received_date"}
    corrected = log_io.preview_import(path, mapping=mapping)
    assert corrected.ok and corrected.mapping_source == "user"
    log_io.commit_import(corrected)
    rows[1][0] = "HS-2"
    later = log_io.preview_import(write_xlsx(tmp_path / "la-2.xlsx", rows))
    assert later.mapping_source == "remembered" and later.ok
    assert later.records[0].applicant_name == "Lê Văn Tám"


def test_a_sheet_without_a_recognisable_header_says_how_to_map_its_columns_by_hand(app, tmp_path):
    path = write_xlsx(tmp_path / "la.xlsx", foreign_rows(2, range(1, 4)))
    with pytest.raises(UserError) as caught:
        log_io.preview_import(path)
    message = caught.value.message
    assert caught.value.code == "LOG_IMP_030" and "“Sổ hồ sơ”" in message
    assert "tab “Ghép cột”" in message and "--map \"A=code," in message and "--data-row" in message


def test_columns_mapped_by_hand_read_a_sheet_without_a_recognisable_header_and_are_remembered(app, tmp_path):
    path = write_xlsx(tmp_path / "la.xlsx", foreign_rows(2, range(1, 4)))
    blank = log_io.preview_import(path, mapping={})
    assert blank.mapping_source == "none" and blank.file_errors and not blank.records
    assert blank.layout.data_start == 3  # guessed: the first row with a date-like cell (row 4)
    assert [(c.header, c.sample) for c in blank.columns][:2] == [("Code", "HS-1 · HS-2 · HS-3"),
                                                                  ("Procedure", "Đăng ký khai sinh · "
                                                                   "Đăng ký khai sinh · Đăng ký khai sinh")]
    mapping = {0: "code", 1: "procedure_name", 2: "applicant_name", 3: "received_date", 4: "phone"}
    mapped = log_io.preview_import(path, mapping=mapping, data_row=4)
    assert mapped.ok and mapped.mapping_source == "user" and mapped.row_numbers == [4, 5, 6]
    assert [(r.code, r.received_date, r.phone) for r in mapped.records][0] == ("HS-1", date(2024, 3, 1),
                                                                              "0912345678")
    assert log_io.commit_import(mapped).new == 3
    # The next export of that software: a longer title block, the same header, no mapping given.
    later = log_io.preview_import(write_xlsx(tmp_path / "la-2.xlsx", foreign_rows(5, range(4, 7))))
    assert later.mapping_source == "remembered" and later.ok
    assert later.row_numbers == [7, 8, 9] and [r.code for r in later.records] == ["HS-4", "HS-5", "HS-6"]


def test_a_sheet_of_bare_rows_can_be_mapped_by_hand_but_not_remembered(app, tmp_path):
    rows = [["HS-1", "Đăng ký khai sinh", "Lê Văn Tám", "05/03/2024"],
            ["HS-2", "Đăng ký khai tử", "Lê Văn Ba", "06/03/2024"]]
    path = write_xlsx(tmp_path / "tran.xlsx", rows)
    preview = log_io.preview_import(path, mapping={0: "code", 1: "procedure_name", 2: "applicant_name",
                                                   3: "received_date"}, data_row=1)
    assert preview.ok and preview.total == 2 and preview.layout.header_rows == ()
    log_io.commit_import(preview)
    with pytest.raises(UserError) as caught:  # nothing above the data to know the layout by
        log_io.preview_import(write_xlsx(tmp_path / "tran-2.xlsx", rows))
    assert caught.value.code == "LOG_IMP_030"


def test_the_row_where_data_starts_can_be_given_and_must_be_in_the_sheet(app, tmp_path):
    path = write_mau06(tmp_path / "so.xlsx", [dossier(1), dossier(2), dossier(3)])
    assert log_io.preview_import(path).row_numbers[:3] == [9, 10, 11]
    assert log_io.preview_import(path, data_row=10).row_numbers[:2] == [10, 11]
    with pytest.raises(UserError) as caught:
        log_io.preview_import(path, data_row=500)
    assert caught.value.code == "LOG_IMP_034" and "500" not in caught.value.message


def test_a_mapping_with_one_field_on_two_columns_is_refused(app, tmp_path):
    path = write_mau06(tmp_path / "so.xlsx", [dossier(1)])
    with pytest.raises(UserError) as caught:
        log_io.preview_import(path, mapping={1: "code", 2: "code"})
    assert caught.value.code == "LOG_IMP_032"


def test_cancelling_during_the_commit_leaves_the_database_as_it_was(app, tmp_path):
    path = write_mau06(tmp_path / "so.xlsx", [dossier(n) for n in range(1, 30)])
    preview = log_io.preview_import(path)
    before = db_checksum()
    progress = Progress()

    def cancel_on_write(done: int, total: int, text: str) -> None:
        progress.token.cancel()

    progress.callback = cancel_on_write
    with pytest.raises(CancelledError):
        log_io.commit_import(preview, progress=progress)
    assert db_checksum() == before


def test_without_an_office_the_province_most_addresses_name_counts_as_home(app, tmp_path):
    data = [dossier(n) for n in range(1, 5)] + [
        dossier(5, address="Khối 2, phường Bến Thành, Thành phố Hồ Chí Minh"),
        dossier(6, address="Thôn 1, xã Hòa Bình, tỉnh Quảng Bình")]
    preview = log_io.preview_import(write_mau06(tmp_path / "so.xlsx", data))
    assert [r.in_province for r in preview.records] == [True] * 4 + [False, False]


def test_a_table_that_does_not_start_in_cell_a1_is_read(app, tmp_path):
    rows = [[], [], [None, None, "Mã hồ sơ", "Tên TTHC", "Tên cá nhân, tổ chức", "Ngày tiếp nhận"],
            [None, None, "HS-9", "Đăng ký kết hôn", "Phạm Văn Sáu", "02/02/2024"]]
    preview = log_io.preview_import(write_xlsx(tmp_path / "lech.xlsx", rows))
    assert preview.ok and preview.records[0].code == "HS-9" and preview.row_numbers == [4]


def _windows_1258_form(text: str) -> str:
    """Windows-1258 keeps â ê ô ơ ư ă đ whole and writes the tone as a combining mark after them."""
    import unicodedata

    shapes = {"\u0302", "\u0306", "\u031b"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", parts[0] + "".join(m for m in parts[1:] if m in shapes))
        out.append(base + "".join(m for m in parts[1:] if m not in shapes))
    return "".join(out)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "utf-16", "cp1258"])
def test_csv_files_are_read_in_the_encodings_vietnamese_offices_use(app, tmp_path, encoding):
    text = ("Mã hồ sơ;Tên thủ tục hành chính;Họ tên người nộp;Ngày tiếp nhận;Ngày trả kết quả;Hình thức nộp\n"
            "HS-1;Đăng ký khai tử;Đặng Thị Hường;05/03/2024;06/03/2024;Trực tuyến\n")
    path = tmp_path / f"so-{encoding}.csv"
    path.write_bytes((_windows_1258_form(text) if encoding == "cp1258" else text).encode(encoding))
    preview = log_io.preview_import(path)
    assert preview.ok, [str(i) for i in preview.errors]
    record = preview.records[0]
    assert record.applicant_name == "Đặng Thị Hường" and record.channel == "truc_tuyen"
    assert record.procedure_name == "Đăng ký khai tử" and record.field_name == "Hộ tịch"


def test_an_xls_file_from_old_one_stop_software_is_read(app, tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sổ")
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for c, text in enumerate(["STT", "Số hồ sơ", "Tên thủ tục", "Họ tên", "Ngày tiếp nhận", "Ngày trả"]):
        sheet.write(2, c, text)
    sheet.write(0, 0, "SỔ THEO DÕI HỒ SƠ")
    for r, (code, name) in enumerate([("HS-1", "Vũ Văn Hải"), ("HS-2", "HTX Tân Tiến")], start=3):
        sheet.write(r, 0, r - 2)
        sheet.write(r, 1, code)
        sheet.write(r, 2, "Chứng thực chữ ký trong giấy tờ, văn bản")
        sheet.write(r, 3, name)
        sheet.write(r, 4, date(2024, 5, r), dates)
        sheet.write(r, 5, "07/05/2024")
    path = tmp_path / "cu.xls"
    book.save(str(path))
    preview = log_io.preview_import(path)
    assert preview.kind == "xls" and preview.ok, [str(i) for i in preview.errors]
    assert [r.received_date for r in preview.records] == [date(2024, 5, 3), date(2024, 5, 4)]
    assert [r.applicant_type for r in preview.records] == ["ca_nhan", "to_chuc"]


def test_the_pure_python_readers_give_the_same_records_as_calamine(app, tmp_path, monkeypatch):
    path = write_mau06(tmp_path / "so.xlsx", [dossier(1, received=date(2024, 3, 5)), dossier(2)])
    fast = log_io.preview_import(path)
    monkeypatch.setenv("SIPAS_NO_CALAMINE", "1")
    slow = log_io.preview_import(path)
    assert fast.reader == "calamine" and slow.reader == "openpyxl"
    assert fast.records == slow.records


def test_the_preview_writes_nothing(app, tmp_path):
    before = db_checksum()
    log_io.preview_import(write_mau06(Path(tmp_path) / "so.xlsx", [dossier(1)]))
    assert db_checksum() == before


def test_a_dossier_typed_in_by_hand_and_the_same_row_in_a_file_count_as_unchanged(app, tmp_path):
    from sipas_desktop.core.tthc_log.records import DossierRecord

    path = write_mau06(tmp_path / "so.xlsx", [dossier(1, notes="Nộp trực tuyến")])
    record = log_io.preview_import(path).records[0]
    log_services.save_dossier(record)  # written by peewee, not by the importer's executemany
    result = log_io.import_log(path)
    assert (result.new, result.updated, result.unchanged) == (0, 0, 1)
    edited = log_services.get_dossier_by_code(record.code)
    log_services.save_dossier(DossierRecord(**{**edited.__dict__, "phone": "0988888888"}))
    result = log_io.import_log(path)
    assert (result.new, result.updated, result.unchanged) == (0, 1, 0)
    assert log_services.get_dossier_by_code(record.code).phone == "0912345678"


def test_a_text_only_first_data_row_is_not_taken_for_a_second_header_row():
    header = ["Mã hồ sơ", "Tên thủ tục", "Họ tên", "Ngày tiếp nhận", "Ghi chú", "Lĩnh vực", "Kèm theo"]
    first = ["HS-1", "Thủ tục", "Lê Văn Ba", "05/03/2024", "Trả kết quả", "Hộ tịch", "Ngày hẹn"]
    layout = find_header([header, first], "csv")
    assert layout is not None and layout.header_rows == (0,) and layout.data_start == 1


def test_an_html_table_saved_under_an_xls_name_is_read_with_its_merged_header(app, tmp_path):
    page = """<html><head><meta charset="utf-8"></head><body>
    <table><tr><td colspan="5"><b>SỔ THEO DÕI HỒ SƠ</b></td></tr></table>
    <table border="1">
      <tr><th rowspan="2">TT</th><th rowspan="2">Mã hồ sơ</th><th rowspan="2">Tên TTHC</th>
          <th rowspan="2">Tên cá nhân, tổ chức</th><th colspan="2">Ngày, tháng, năm</th></tr>
      <tr><th>Nhận hồ sơ</th><th>Trả kết quả cho cá nhân, tổ chức</th></tr>
      <tr><td>1</td><td>HS-7</td><td>Đăng ký kết hôn</td><td>Hồ Thị Lan &amp; Lê Văn Minh</td>
          <td>02/02/2024</td><td>02/02/2024</td></tr>
      <tr><td>2</td><td>HS-8</td><td>Chứng thực di chúc</td><td>Phan<br>Văn Út</td>
          <td>03/02/2024</td><td></td></tr>
    </table></body></html>"""
    path = tmp_path / "xuat-tu-mot-cua.xls"
    path.write_text(page, encoding="utf-8")
    preview = log_io.preview_import(path)
    assert preview.kind == "html" and preview.sheet == "Bảng 2" and preview.ok
    assert [(r.code, r.applicant_name, r.returned_date) for r in preview.records] == [
        ("HS-7", "Hồ Thị Lan & Lê Văn Minh", date(2024, 2, 2)), ("HS-8", "Phan Văn Út", None)]
