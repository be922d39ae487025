"""Which questionnaires this installation knows: the bundled `forms/` folder and the user's own.

Bundled forms live in the program's `forms/` folder (read-only once installed). A province that
corrects wording or scoring rules puts its edited copy in the user data folder's `forms/`
(`%LOCALAPPDATA%\\SIPAS\\forms` on Windows); a user file with the same id replaces the bundled one.
Broken files are left out of `available_forms()` and reported by `broken_forms()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sipas_desktop.core import paths
from sipas_desktop.core.errors import NotFoundError, UserError
from sipas_desktop.core.forms.issues import FormIssue
from sipas_desktop.core.forms.loader import SUFFIX, load_form_file
from sipas_desktop.core.forms.schema import Form, FormSummary

_cache: dict[Path, tuple[float, Form]] = {}


@dataclass(frozen=True)
class BrokenForm:
    path: str
    issues: tuple[FormIssue, ...]


def user_forms_dir() -> Path:
    path = paths.data_dir() / "forms"
    path.mkdir(parents=True, exist_ok=True)
    return path


def form_dirs() -> list[Path]:
    """Bundled first, user folder last (so a user file overrides a bundled one with the same id)."""
    return [paths.forms_dir(), user_forms_dir()]


def _files() -> list[Path]:
    files: list[Path] = []
    for folder in form_dirs():
        if folder.is_dir():
            files.extend(sorted(folder.glob(f"*{SUFFIX}")))
    return files


def _load_cached(path: Path) -> Form:
    mtime = path.stat().st_mtime
    hit = _cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    form = load_form_file(path)
    _cache[path] = (mtime, form)
    return form


def _scan() -> tuple[dict[str, Form], list[BrokenForm]]:
    forms: dict[str, Form] = {}
    broken: list[BrokenForm] = []
    for path in _files():
        try:
            form = _load_cached(path)
        except UserError as exc:
            broken.append(BrokenForm(str(path), tuple(i for i in exc.issues if isinstance(i, FormIssue))))
            continue
        forms[form.id] = form
    return forms, broken


def available_forms() -> list[FormSummary]:
    """The usable questionnaires, sorted by id."""
    forms, _ = _scan()
    return [forms[k].summary() for k in sorted(forms)]


def broken_forms() -> list[BrokenForm]:
    """Form files that could not be loaded, with their problems."""
    return _scan()[1]


def load_form(form_id: str) -> Form:
    """The questionnaire with this id; `NotFoundError` (FORM_101) if there is none."""
    forms, broken = _scan()
    if form_id in forms:
        return forms[form_id]
    hint = ""
    if any(Path(b.path).stem == form_id for b in broken):
        hint = " Tệp phiếu có nhưng đang lỗi; chạy “sipas forms check” để xem lỗi."
    known = ", ".join(sorted(forms)) or "không có"
    raise NotFoundError(f"Không có phiếu khảo sát mã “{form_id}” (các phiếu hiện có: {known}).{hint}",
                        code="FORM_101")


def load_form_version(form_id: str, version: str) -> Form:
    """The questionnaire, insisting on a version (responses keep the version they were keyed with)."""
    form = load_form(form_id)
    if form.version != version:
        raise UserError(f"Phiếu “{form_id}” hiện là phiên bản {form.version}, không phải {version}.",
                        code="FORM_102")
    return form
