"""The one rule: the domain never imports Tk or the UI, directly or through what it imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "sipas_desktop" / "core"
BANNED = ("tkinter", "_tkinter", "ttkbootstrap", "sipas_desktop.ui")


def test_no_core_module_names_tk_or_the_ui_in_an_import():
    offenders = []
    for file in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{file.name}: {n}" for n in names if n.split(".")[0] in BANNED
                          or n.startswith("sipas_desktop.ui")]
    assert offenders == []


def test_importing_every_core_module_loads_no_tk():
    modules = sorted("sipas_desktop." + ".".join(p.relative_to(CORE.parent).with_suffix("").parts)
                     .replace(".__init__", "") for p in CORE.rglob("*.py"))
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            f"bad = [m for m in sys.modules if m.split('.')[0] in {BANNED[:3]!r} "
            "or m.startswith('sipas_desktop.ui')]\n"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
