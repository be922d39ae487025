"""The real entry screen driven by generated key events, through the keyboard focus, under Xvfb."""

from __future__ import annotations

import time

import pytest

from sipas_desktop.core.entry import verify
from sipas_desktop.core.entry.numbers import format_number, qr_payload
from sipas_desktop.core.entry.responses import changes, get_response
from sipas_desktop.core.services import forms as form_services
from tests.ui.conftest import pump

KEYSYMS = {";": "semicolon", "-": "minus", "/": "slash", "|": "bar", " ": "space", ".": "period"}


@pytest.fixture
def entry(ctx, commune, window):
    """An EntryView for sipas-2017 with numbers 1–150 printed, focused like a clerk's window."""
    from sipas_desktop.ui.views.entry import EntryView

    form_services.print_forms(ctx.db_path.parent / "phieu.pdf", count=150, form_id="sipas-2017")
    view = EntryView(window, ctx, form_id="sipas-2017", clerk="Lan")
    view.pack(fill="both", expand=True)
    window.focus_force()
    pump(window)
    view.number_entry.focus_set()
    pump(window)
    return view


def press(view, keysym: str) -> None:
    """One key, delivered where the keyboard focus is (as a real key would be)."""
    widget = view.focus_get()
    assert widget is not None and str(widget).startswith(str(view)), f"focus left the view: {widget}"
    widget.event_generate("<KeyPress>", keysym=keysym)


def type_text(view, text: str) -> None:
    for ch in text:
        press(view, KEYSYMS.get(ch, ch))


def key_form(view, values: dict[str, int | str]) -> None:
    """Key every question of the form being keyed, in paper order, as a clerk reads the paper."""
    form = view.survey.form
    for q in form.questions:
        if view.keyer.at_end:
            break
        if view.keyer.current.id != q.id:
            continue
        value = values.get(q.id, 4 if q.type == "scale" else 1)
        if q.type == "text":
            type_text(view, str(value))
            press(view, "Return")
        elif value == "space":
            press(view, "space")
        else:
            type_text(view, str(value))
    view.update()


def answers_2017(view, **overrides) -> dict:
    values = {q.id: (4 if q.type == "scale" else 1) for q in view.survey.form.questions if q.is_choice}
    values["y_kien_khac"] = ""
    values.update(overrides)
    return values


def test_a_whole_2017_form_is_keyed_with_answers_plus_2_keys_and_the_next_one_is_ready(entry):
    form = entry.survey.form
    assert entry.number_var.get() == format_number(1)
    press(entry, "Return")                        # accept the number offered
    assert entry.number == 1 and entry.keyer.current.id == "gioi_tinh"
    values = answers_2017(entry, gioi_tinh=2, tc3_1=5, tc5_4="space", y_kien_khac="Them ghe cho")
    key_form(entry, values)
    assert entry.keyer.at_end
    press(entry, "Return")                        # save
    saved = get_response(entry.survey.plan_id, entry.survey.unit_code, 1)
    assert saved.answers["gioi_tinh"] == 2 and saved.answers["tc3_1"] == 5
    assert saved.answers["tc5_4"] == form.no_answer_code and saved.answers["y_kien_khac"] == "Them ghe cho"
    assert saved.keyed_by == "Lan" and saved.seconds is not None
    answers = len(form.questions)
    typed_comment = len("Them ghe cho")           # free text is typed, not one key per answer
    assert entry.keys_last_form - typed_comment <= answers + 3
    assert entry.keys_last_form - typed_comment == answers + 2
    assert entry.number_var.get() == format_number(2) and entry.focus_get() == entry.number_entry
    assert entry.last_ready_ms < 100
    assert "Đã lưu phiếu số 000001" in entry.message_var.get()


def test_wrong_codes_and_missing_answers_are_refused_instantly(entry):
    press(entry, "Return")
    press(entry, "7")                              # gender has codes 1, 2 (9 = no answer)
    assert entry.keyer.current.id == "gioi_tinh" and "mã 7 không có" in entry.message_var.get()
    press(entry, "1")
    assert entry.keyer.current.id == "do_tuoi"
    press(entry, "BackSpace")                      # back to gender, value kept
    assert entry.keyer.current.id == "gioi_tinh" and entry.keyer.values["gioi_tinh"] == 1
    press(entry, "Return")                         # keep it
    press(entry, "Return")                         # age has no answer yet: refused
    assert entry.keyer.current.id == "do_tuoi"
    assert "Câu 2 cần một câu trả lời" in entry.message_var.get()
    press(entry, "Next")                           # Page Down: next section
    assert entry.keyer.current.id == "tc1_1"
    press(entry, "Prior")
    assert entry.keyer.current.id == "gioi_tinh"
    entry.keyer.focus_set()
    entry.keyer.event_generate("<Control-s>")      # save with holes: refused, jumps to the hole
    assert entry.keyer.current.id == "do_tuoi" and "chưa có trả lời" in entry.message_var.get()


@pytest.mark.parametrize("typed, expected", [
    ("000151-" , "không có trong các số đã in"),
    ("0000011", "sai số kiểm tra"),
])
def test_a_number_not_printed_or_mistyped_is_refused(entry, typed, expected):
    from sipas_desktop.core.entry.numbers import check_digit

    if typed.endswith("-"):
        typed += str(check_digit(151))
    press(entry, "BackSpace")                       # the offered number is selected: delete it
    type_text(entry, typed)
    press(entry, "Return")
    assert entry.number is None and expected in entry.message_var.get()
    assert entry.focus_get() == entry.number_entry


def test_a_scanned_qr_code_is_accepted_and_an_already_keyed_number_is_refused(entry):
    payload = qr_payload(entry.survey.plan_id, entry.survey.unit_code, 7)
    press(entry, "BackSpace")
    type_text(entry, payload)                       # a keyboard-wedge scanner types the payload
    press(entry, "Return")
    assert entry.number == 7
    key_form(entry, answers_2017(entry))
    press(entry, "Return")
    press(entry, "BackSpace")
    type_text(entry, payload)
    press(entry, "Return")
    assert entry.number is None and "đã nhập" in entry.message_var.get()
    other = qr_payload(entry.survey.plan_id, "18355", 8)
    press(entry, "BackSpace")
    type_text(entry, other)
    press(entry, "Return")
    assert entry.number is None and "đơn vị mã 18355" in entry.message_var.get()


def test_double_entry_flags_a_mismatch_and_the_paper_value_resolves_it(entry):
    plan, unit = entry.survey.plan_id, entry.survey.unit_code
    press(entry, "Return")
    key_form(entry, answers_2017(entry, tc1_1=5, tc3_2=4))
    press(entry, "Return")
    entry.set_mode("verify")
    entry.clerk_var.set("Hùng")
    assert entry.number_var.get() == format_number(1)
    press(entry, "Return")
    assert all(entry.keyer.rows[q].value.cget("text") == "" for q in ("tc1_1", "tc3_2"))  # blind
    key_form(entry, answers_2017(entry, tc1_1=4, tc3_2=2))
    press(entry, "Return")
    assert "2 câu khác lần nhập đầu" in entry.message_var.get()
    assert get_response(plan, unit, 1).status == "mismatch"
    entry.set_mode("resolve")
    entry.clerk_var.set("Mai")
    assert entry.number_var.get() == format_number(1)
    press(entry, "Return")
    assert entry.keyer.active == ["tc1_1", "tc3_2"] and entry.keyer.current.id == "tc1_1"
    assert entry.keyer.rows["tc1_1"].value.cget("text") == ""          # neither entry is shown
    press(entry, "4")
    press(entry, "3")                               # the paper says 3: neither clerk's value
    assert entry.keyer.at_end
    press(entry, "Return")
    info = get_response(plan, unit, 1)
    assert info.status == "verified" and info.answers["tc1_1"] == 4 and info.answers["tc3_2"] == 3
    assert {(c.question_id, c.user) for c in changes(plan, unit, 1) if c.action == "resolve"} == {
        ("tc1_1", "Mai"), ("tc3_2", "Mai")}
    report = {s.clerk: s for s in verify.clerk_report(plan, unit)}
    assert (report["Lan"].errors, report["Hùng"].errors) == (2, 1)


def test_a_saved_form_is_corrected_and_the_change_is_audited(entry):
    plan, unit = entry.survey.plan_id, entry.survey.unit_code
    press(entry, "Return")
    key_form(entry, answers_2017(entry))
    press(entry, "Return")
    entry.set_mode("edit")
    entry.clerk_var.set("Hùng")
    press(entry, "BackSpace")
    type_text(entry, format_number(1))
    press(entry, "Return")
    assert entry.keyer.rows["tc1_1"].value.cget("text") == "4"          # loaded
    press(entry, "Next")                             # to section II
    press(entry, "2")                                # tc1_1: 4 → 2
    entry.focus_get().event_generate("<Control-s>")
    assert "đã sửa 1 câu" in entry.message_var.get()
    audit = [c for c in changes(plan, unit, 1) if c.action == "edit"]
    assert [(c.question_id, c.old, c.new, c.user) for c in audit] == [("tc1_1", 4, 2, "Hùng")]


def test_vietnamese_comment_from_an_input_method_is_stored_in_nfc(entry):
    import unicodedata

    press(entry, "Return")
    for q in entry.survey.form.questions:
        if q.is_choice:
            press(entry, "4" if q.type == "scale" else "1")
    comment = entry.keyer.rows["y_kien_khac"].entry
    assert entry.focus_get() == comment
    comment.insert(0, unicodedata.normalize("NFD", "Cần thêm ghế ngồi"))   # what some IMEs deliver
    press(entry, "Return")
    press(entry, "Return")
    saved = get_response(entry.survey.plan_id, entry.survey.unit_code, 1)
    assert saved.answers["y_kien_khac"] == unicodedata.normalize("NFC", "Cần thêm ghế ngồi")


def test_escape_drops_a_form_only_after_asking(entry, prompter):
    press(entry, "Return")
    press(entry, "1")
    prompter.answers = [False]
    press(entry, "Escape")
    assert entry.number == 1
    prompter.answers = [True]
    press(entry, "Escape")
    assert entry.number is None and entry.focus_get() == entry.number_entry


def test_any_questionnaire_renders_and_its_skip_rules_apply(ctx, commune, window):
    from sipas_desktop.ui.views.entry import EntryView

    form_services.print_forms(ctx.db_path.parent / "p.pdf", count=3, form_id="sipas-2023")
    view = EntryView(window, ctx, form_id="sipas-2023", clerk="Lan")
    view.pack(fill="both", expand=True)
    window.focus_force()
    pump(window)
    view.number_entry.focus_set()
    pump(window)
    form = view.survey.form
    assert set(view.keyer.rows) == {q.id for q in form.questions}
    press(view, "Return")
    type_text(view, "111")                           # A1–A3 (Kinh) → A3a skipped
    assert view.keyer.current.id == "a4_hoc_van"
    assert view.keyer.rows["a3_dan_toc_khac"].text.cget("style") == "KeyerSkipped.TLabel"
    type_text(view, "111")                           # A4–A6
    type_text(view, "13")                            # câu 1: tick 1 and 3
    press(view, "Return")
    assert view.keyer.values["c1_quan_tam"] == [1, 3]
    press(view, "space")                             # câu 2: nothing ticked
    type_text(view, "111")                           # câu 3–5
    type_text(view, "1")                             # câu 6 (multiple): tick 1, then Enter
    press(view, "Return")
    type_text(view, "2")                             # câu 7: online → câu 8 skipped
    assert view.keyer.current.id == "c9_01"
    for _ in range(33):
        press(view, "5")
    for _ in range(10):
        press(view, "2")
    press(view, "Return")                            # empty comment
    press(view, "Return")                            # save
    saved = get_response(view.survey.plan_id, view.survey.unit_code, 1)
    assert "c8_so_lan" not in saved.answers and saved.answers["c2_kenh_thong_tin"] == []
    assert saved.answers["c6_kenh_gop_y"] == [1] and saved.answers["c9_33"] == 5


@pytest.mark.slow
def test_one_hundred_scripted_forms_time_and_keystrokes(entry, capsys):
    form = entry.survey.form
    keys, ready = [], []
    began = time.perf_counter()
    for n in range(100):
        press(entry, "Return")
        key_form(entry, answers_2017(entry, tc1_1=1 + n % 5))
        press(entry, "Return")
        keys.append(entry.keys_last_form)
        ready.append(entry.last_ready_ms)
    elapsed = time.perf_counter() - began
    assert entry.saved_forms == 100
    assert max(keys) <= len(form.questions) + 3
    assert max(ready) < 100
    with capsys.disabled():
        print(f"\n100 sipas-2017 forms keyed by events: {elapsed:.1f} s; keys/form {max(keys)} "
              f"(answers {len(form.questions)}); next form ready: max {max(ready):.1f} ms")

