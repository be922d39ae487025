"""The draw on a real database: history, reproducibility, substitution, counts, the sample sheet.

The log is inserted straight into the Dossier table of a real SQLite file; the sheet is written
to real .xlsx and PDF files and read back (openpyxl, pdftotext, pdffonts).
"""

from __future__ import annotations

import random
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sipas_desktop.core import sampling
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.plan_models import Draw, SampleEntry, Substitution
from sipas_desktop.core.services import app as app_services
from sipas_desktop.core.services import plans as services
from tests.core.plan_data import insert_log, random_log


def setup_commune(rows=None, **plan_kw):
    insert_log(rows if rows is not None else random_log(400))
    args = dict(individuals=15, organizations=10)
    args.update(plan_kw)
    return services.create_plan("Kế hoạch khảo sát sự hài lòng năm 2020", date(2020, 1, 2),
                                date(2020, 8, 31), "sipas-2017", **args)


def test_the_population_list_counts_every_dossier_once_either_in_N_or_with_a_reason(commune):
    setup_commune()
    view = services.population()
    excluded = view.excluded_counts()
    assert view.N + sum(excluded.values()) == view.population.total == 400
    assert excluded["online"] and excluded["postal"] and excluded["not_handed_over"]
    assert excluded["duplicate_person"] and excluded["outside_window"]


def test_a_draw_is_stored_with_seed_who_when_and_its_method(commune):
    setup_commune()
    view = services.draw_sample(2020, by="Nguyễn Thu Hà")
    draw = view.draw
    assert (draw.seed, draw.drawn_by, draw.current) == (2020, "Nguyễn Thu Hà", True)
    assert draw.reason == "Chọn mẫu lần đầu" and len(draw.frame_digest) == 64
    assert [(m.stratum, m.n) for m in draw.strata] == [("ca_nhan", 15), ("to_chuc", 10)]
    assert len(view.main()) == 25 and len(view.reserve()) == 3 + 2
    assert all(e.active for e in view.main()) and not any(e.active for e in view.reserve())


def test_a_second_draw_needs_a_reason_and_both_stay_in_the_history(commune):
    setup_commune()
    services.draw_sample(1)
    with pytest.raises(UserError) as err:
        services.draw_sample(2)
    assert err.value.code == "SAMPLE_010" and Draw.select().count() == 1
    services.draw_sample(2, reason="Sổ hồ sơ được bổ sung hồ sơ tháng 8")
    history = services.history()
    assert [(d.seed, d.current) for d in history] == [(2, True), (1, False)]
    assert history[0].reason == "Sổ hồ sơ được bổ sung hồ sơ tháng 8"
    assert services.sample_view().draw.seed == 2


def test_the_same_log_plan_and_seed_give_the_same_sample_in_another_database(tmp_path):
    from sipas_desktop.core.db import close_database

    rows = random_log(500, seed=11)
    samples = []
    for name, order in (("a.db", rows), ("b.db", list(reversed(rows)))):
        app_services.open_app(tmp_path / name)
        app_services.init_office("18352", "xa")
        setup_commune(order)
        view = services.draw_sample(777)
        samples.append(([e.code for e in view.entries], view.draw.frame_digest))
        close_database()
    assert samples[0] == samples[1]


def test_nobody_on_the_lists_is_excluded_and_main_and_reserve_are_disjoint(commune):
    setup_commune()
    pop = services.population().population
    excluded = {e.row.code for e in pop.excluded}
    view = services.draw_sample(5)
    main = {e.code for e in view.main()}
    reserve = {e.code for e in view.reserve()}
    assert not (main | reserve) & excluded and not main & reserve
    for e in view.entries:   # each position points at that person in the stratum's frame
        assert pop.frame(e.stratum)[e.position - 1].code == e.code


def test_a_quota_larger_than_N_and_an_empty_log_change_nothing(commune):
    setup_commune(random_log(30), individuals=40, organizations=10)
    with pytest.raises(UserError) as err:
        services.draw_sample(1)
    assert err.value.code == "SAMPLE_006" and Draw.select().count() == 0


def test_a_log_with_nothing_eligible_is_refused_clearly(commune):
    rows = random_log(50)
    for r in rows:
        r["channel"] = "truc_tuyen"
    setup_commune(rows)
    with pytest.raises(UserError) as err:
        services.draw_sample(1)
    assert err.value.code == "SAMPLE_003" and "không có hồ sơ nào đủ điều kiện" in err.value.message
    assert Draw.select().count() == 0 and SampleEntry.select().count() == 0


def test_the_transfer_rule_is_applied_and_stated(commune):
    rows = [r for r in random_log(400) if r["applicant_type"] == "ca_nhan"][:200]
    rows += [r for r in random_log(400, seed=3) if r["applicant_type"] == "to_chuc"][:3]
    for i, r in enumerate(rows[-3:]):
        r.update(code=f"TC-{i}", channel="truc_tiep", in_province=True, returned_date=r["received_date"],
                 received_date=date(2020, 5, 1 + i), applicant_name=f"Công ty {i}", field_name="Hộ tịch")
    setup_commune(rows)
    view = services.draw_sample(9)
    ind, org = view.draw.strata
    assert (ind.n, org.n) == (22, 3) and ind.transferred_in == 7
    assert "Nhận thêm 7" in ind.note


def test_replacing_takes_the_next_unused_reserve_of_the_same_stratum_in_order(commune):
    setup_commune()
    view = services.draw_sample(3)
    reserves = [e for e in view.reserve() if e.stratum == "ca_nhan"]
    first, second = [e for e in view.main() if e.stratum == "ca_nhan"][:2]
    with pytest.raises(UserError) as err:
        services.replace_entry(first.code, "  ")
    assert err.value.code == "SAMPLE_104"
    services.set_status(first.code, "tu_choi")
    spare = services.replace_entry(first.code, "Từ chối trả lời")
    assert spare.code == reserves[0].code and spare.replaces == first.code and spare.active
    services.set_status(second.code, "khong_lien_lac")
    assert services.replace_entry(second.code, "Không liên lạc được").code == reserves[1].code
    # the reserve called up can itself be replaced, by the next one
    assert services.replace_entry(spare.code, "Đi làm ăn xa").code == reserves[2].code
    with pytest.raises(UserError) as err:
        services.replace_entry(first.code, "lần nữa")
    assert err.value.code == "SAMPLE_105"
    third = [e for e in view.main() if e.stratum == "ca_nhan"][2]
    with pytest.raises(UserError) as err:
        services.replace_entry(third.code, "hết dự phòng")
    assert err.value.code == "SAMPLE_108"
    subs = [(s.original_code, s.replacement_code, s.reason) for s in Substitution.select()]
    assert subs[0] == (first.code, reserves[0].code, "Từ chối trả lời") and len(subs) == 3


def test_a_returned_form_cannot_be_replaced_and_an_unused_reserve_takes_no_status(commune):
    setup_commune()
    view = services.draw_sample(4)
    person = view.main()[0]
    services.set_status(person.code, "da_thu")
    with pytest.raises(UserError) as err:
        services.replace_entry(person.code, "nhầm")
    assert err.value.code == "SAMPLE_107"
    with pytest.raises(UserError) as err:
        services.set_status(view.reserve()[0].code, "da_phat")
    assert err.value.code == "SAMPLE_103"
    with pytest.raises(UserError) as err:
        services.set_status("KHONG-CO", "da_phat")
    assert err.value.code == "SAMPLE_101"


def test_response_and_substitution_counts_follow_the_statuses(commune):
    setup_commune()
    view = services.draw_sample(8)
    main = view.main()
    for e in main[:10]:
        services.set_status(e.code, "da_phat")
    for e in main[:6]:
        services.set_status(e.code, "da_thu")
    services.set_status(main[10].code, "tu_choi")
    services.replace_entry(main[10].code, "Từ chối")
    counts = services.sample_view().counts
    assert (counts.total("planned"), counts.total("issued"), counts.total("returned")) == (25, 10, 6)
    assert (counts.total("refused"), counts.total("substitutions")) == (1, 1)
    assert counts.total("reserve_left") == 4
    assert counts.response_rate == pytest.approx(24.0)


# --- the sample sheet -----------------------------------------------------------------------

def test_the_xlsx_sheet_has_heading_method_box_both_lists_and_signatures(commune, tmp_path):
    setup_commune()
    view = services.draw_sample(2020)
    services.replace_entry(view.main()[0].code, "Từ chối trả lời")
    path = services.export_sample(tmp_path / "danh-sach-mau.xlsx")
    ws = load_workbook(path).active
    text = "\n".join(str(c) for r in ws.iter_rows(values_only=True) for c in r if c is not None)
    assert "DANH SÁCH MẪU KHẢO SÁT" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ỦY BAN NHÂN DÂN XÃ NGHI XUÂN" in text and "DỮ LIỆU CÁ NHÂN" in text
    assert "2020: s lấy từ random.Random(2020)" in text and "N = " in text
    assert "I. DANH SÁCH MẪU CHÍNH" in text and "II. DANH SÁCH DỰ PHÒNG" in text
    assert "ĐẠI DIỆN ỦY BAN MTTQ" in text and "ĐẠI DIỆN HỘI CỰU CHIẾN BINH" in text
    assert f"Đã thay bằng {view.reserve()[0].code}" in text
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "STT")
    assert list(header) == ["STT", "Mã hồ sơ", "Họ tên / Tên tổ chức", "Cá nhân / Tổ chức", "Địa chỉ",
                            "Số điện thoại", "Lĩnh vực", "Tên TTHC", "Ngày nhận hồ sơ", "Ngày trả kết quả",
                            "STT trong DS tổng thể", "Mẫu chính / Dự phòng", "Tình trạng", "Ghi chú"]
    for e in view.main():
        assert e.code in text
    assert ws.page_setup.orientation == "landscape"


def test_the_method_box_lets_anyone_redo_the_draw_by_hand(commune):
    from fractions import Fraction

    from sipas_desktop.core.reporting.sample_sheet import build_sheet

    setup_commune()
    view = services.draw_sample(31)
    sheet = build_sheet(view)
    table = sheet.strata_table
    pop = services.population().population
    for row, method in zip(table[1:], view.draw.strata, strict=True):
        N, n = int(row[1].replace(".", "")), int(row[3])
        start = Fraction(row[5].replace(",", "."))       # printed with four decimals: exact
        positions = [int(start + j * Fraction(N, n)) + 1 for j in range(n)]
        drawn = [e.position for e in view.main() if e.stratum == method.stratum]
        assert positions == drawn
        assert [pop.frame(method.stratum)[p - 1].code for p in positions] == [
            e.code for e in view.main() if e.stratum == method.stratum]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")
def test_the_pdf_sheet_prints_vietnamese_with_the_embedded_font_only(commune, tmp_path):
    setup_commune()
    view = services.draw_sample(2020)
    path = services.export_sample(tmp_path / "danh-sach-mau.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for needle in ("DANH SÁCH MẪU KHẢO SÁT", "ỦY BAN NHÂN DÂN XÃ NGHI XUÂN", "Độc lập - Tự do - Hạnh phúc",
                   "PHƯƠNG PHÁP CHỌN MẪU", "random.Random(2020)", "DANH SÁCH DỰ PHÒNG",
                   "dữ liệu cá nhân", "CHỦ TỊCH", view.main()[0].code, view.main()[0].applicant_name):
        assert needle.lower() in text.lower(), needle
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all("LiberationSerif" in name for name in names), names


def test_exporting_to_another_format_or_before_a_draw_is_refused(commune, tmp_path):
    setup_commune()
    with pytest.raises(UserError) as err:
        services.export_sample(tmp_path / "mau.pdf")
    assert err.value.code == "SAMPLE_012"
    services.draw_sample(1)
    with pytest.raises(UserError) as err:
        services.export_sample(tmp_path / "mau.docx")
    assert err.value.code == "SAMPLE_020"
    assert not list(tmp_path.glob("*.tmp")) and not (tmp_path / "mau.pdf").exists()


def test_the_population_list_exports_each_stratum_in_frame_order_and_the_exclusions(commune, tmp_path):
    setup_commune()
    view = services.population()
    path = services.export_population(tmp_path / "tong-the.xlsx")
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Tóm tắt", "DS tổng thể – Cá nhân", "DS tổng thể – Tổ chức", "Hồ sơ bị loại"]
    ind = list(wb["DS tổng thể – Cá nhân"].iter_rows(values_only=True))[1:]
    assert [r[1] for r in ind] == [r.code for r in view.population.individuals]
    assert [r[0] for r in ind] == list(range(1, len(ind) + 1))
    excluded = list(wb["Hồ sơ bị loại"].iter_rows(values_only=True))[1:]
    assert len(excluded) == len(view.population.excluded)
    labels = {r[4] for r in excluded}
    assert sampling.REASON_LABELS["online"] in labels


def test_statuses_are_shuffled_in_any_order_without_losing_count(commune):
    setup_commune()
    view = services.draw_sample(12)
    rng = random.Random(1)
    codes = [e.code for e in view.main()]
    rng.shuffle(codes)
    for code in codes[:5]:
        services.set_status(code, "da_phat", note="Phát tận nhà")
    assert services.sample_view().counts.total("issued") == 5
    assert {e.note for e in services.sample_view().entries if e.code in codes[:5]} == {"Phát tận nhà"}


def test_drawing_without_a_plan_tells_how_to_make_one(commune):
    with pytest.raises(UserError) as err:
        services.draw_sample(1)
    assert err.value.code == "PLAN_002" and "sipas plan import" in err.value.message


def test_a_seed_left_out_is_chosen_recorded_and_reproduces_the_draw(commune, tmp_path: Path):
    setup_commune()
    first = services.draw_sample()
    again = services.draw_sample(first.draw.seed, reason="Kiểm tra lại theo hạt giống đã in")
    assert 100_000 <= first.draw.seed < 1_000_000
    assert [e.code for e in first.entries] == [e.code for e in again.entries]
