"""VirtualGrid: a Treeview that shows a window onto any number of rows, loaded page by page.

A ttk.Treeview holding 100,000 items takes seconds to fill and megabytes of Tcl memory, so this
grid keeps only as many items as fit on screen ("slots") and fills them from a page cache that
asks the data source for `PAGE` rows at a time (`fetch(offset, limit)`). Opening the view costs
one count and one page query, whatever the size of the log. The scrollbar, the mouse wheel and
the keys move an offset; selection and the cursor are kept as dossier ids and absolute positions,
not as Treeview items, so they survive scrolling.
"""

from __future__ import annotations

import tkinter
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ttkbootstrap as ttk

PAGE = 200
MAX_PAGES = 40
WHEEL_ROWS = 3


@dataclass(frozen=True)
class GridColumn:
    key: str
    title: str
    width: int = 120
    anchor: str = "w"
    sortable: bool = True
    stretch: bool = False


class VirtualGrid(ttk.Frame):
    """Rows come from `fetch(offset, limit)`; `count()` gives the total; `row_id(row)` an int id."""

    def __init__(self, master: tkinter.Misc, columns: Sequence[GridColumn], *,
                 fetch: Callable[[int, int], Sequence[Any]], count: Callable[[], int],
                 row_values: Callable[[Any], tuple[Any, ...]], row_id: Callable[[Any], int],
                 row_tags: Callable[[Any], tuple[str, ...]] | None = None,
                 on_activate: Callable[[Any], None] | None = None,
                 on_delete: Callable[[], None] | None = None,
                 on_sort: Callable[[str], None] | None = None,
                 on_selection: Callable[[], None] | None = None) -> None:
        super().__init__(master)
        self.columns = list(columns)
        self.fetch, self.count_fn = fetch, count
        self.row_values, self.row_id, self.row_tags = row_values, row_id, row_tags
        self.on_activate, self.on_delete = on_activate, on_delete
        self.on_sort, self.on_selection = on_sort, on_selection
        self.total = 0
        self.offset = 0
        self.visible = 20
        self.cursor: int | None = None         # absolute position of the keyboard cursor
        self.anchor: int | None = None         # where a Shift-selection started
        self.selected: dict[int, None] = {}    # ids, in selection order
        self._pages: OrderedDict[int, Sequence[Any]] = OrderedDict()
        self._slots: list[str] = []
        self._slot_rows: list[Any] = []
        self.pages_loaded = 0                  # for tests and the benchmark

        self.tree = ttk.Treeview(self, columns=[c.key for c in self.columns], show="headings",
                                 selectmode="none", bootstyle="table", height=self.visible)
        for col in self.columns:
            self.tree.heading(col.key, text=col.title, anchor=col.anchor,
                              command=(lambda k=col.key: self._sort(k)) if col.sortable else "")
            self.tree.column(col.key, width=col.width, minwidth=40, anchor=col.anchor,
                             stretch=col.stretch)
        self.vbar = ttk.Scrollbar(self, orient="vertical", command=self._on_scrollbar)
        self.hbar = ttk.Scrollbar(self, orient="horizontal", command=self.tree.xview)
        self.tree.configure(xscrollcommand=self.hbar.set)
        self.tree.grid(row=0, column=0, sticky="nsew")
        self.vbar.grid(row=0, column=1, sticky="ns")
        self.hbar.grid(row=1, column=0, sticky="ew")
        self.rowconfigure(0, weight=1)
        self.columnconfigure(0, weight=1)
        colors = ttk.Style.get_instance().colors
        self.tree.tag_configure("selected", background=colors.selectbg, foreground=colors.selectfg)
        self.tree.tag_configure("cursor", background=colors.active)
        self._bind()

    # --- data ---------------------------------------------------------------------------------
    def reload(self, *, keep_position: bool = False) -> None:
        """Count again and drop the cache (after a filter, a sort, an edit, an import)."""
        self._pages.clear()
        self.total = max(0, int(self.count_fn()))
        if not keep_position:
            self.offset = 0
            self.cursor = 0 if self.total else None
            self.anchor = self.cursor
            self.selected.clear()
        else:
            if self.cursor is not None and self.cursor >= self.total:
                self.cursor = self.total - 1 if self.total else None
        self._clamp()
        self._render()
        self._notify_selection()

    def row_at(self, position: int) -> Any | None:
        if not 0 <= position < self.total:
            return None
        page = position // PAGE
        rows = self._pages.get(page)
        if rows is None:
            rows = list(self.fetch(page * PAGE, PAGE))
            self.pages_loaded += 1
            self._pages[page] = rows
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        index = position - page * PAGE
        return rows[index] if index < len(rows) else None

    def visible_rows(self) -> list[Any]:
        return list(self._slot_rows)

    # --- selection ----------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return list(self.selected)

    def cursor_row(self) -> Any | None:
        return self.row_at(self.cursor) if self.cursor is not None else None

    def select_position(self, position: int, *, extend: bool = False, toggle: bool = False) -> None:
        if not self.total:
            return
        position = max(0, min(self.total - 1, position))
        row = self.row_at(position)
        if row is None:
            return
        rid = self.row_id(row)
        if toggle:
            if rid in self.selected:
                del self.selected[rid]
            else:
                self.selected[rid] = None
            self.anchor = position
        elif extend and self.anchor is not None:
            low, high = sorted((self.anchor, position))
            if high - low > 5000:  # a range that big is not meant; keep the UI snappy
                low = high - 5000
            self.selected = {self.row_id(r): None for r in
                             (self.row_at(p) for p in range(low, high + 1)) if r is not None}
        else:
            self.selected = {rid: None}
            self.anchor = position
        self.cursor = position
        self.see(position)
        self._render()
        self._notify_selection()

    def select_id(self, rid: int) -> bool:
        """Select the row with this id if it is loaded in the window or the cache."""
        for page, rows in self._pages.items():
            for index, row in enumerate(rows):
                if self.row_id(row) == rid:
                    self.select_position(page * PAGE + index)
                    return True
        return False

    def see(self, position: int) -> None:
        if position < self.offset:
            self.offset = position
        elif position >= self.offset + self.visible:
            self.offset = position - self.visible + 1
        self._clamp()

    # --- scrolling ----------------------------------------------------------------------------
    def scroll_to(self, offset: int) -> None:
        self.offset = int(offset)
        self._clamp()
        self._render()

    def _clamp(self) -> None:
        self.offset = max(0, min(self.offset, max(0, self.total - self.visible)))

    def _on_scrollbar(self, action: str, amount: str, unit: str | None = None) -> None:
        if action == "moveto":
            self.scroll_to(round(float(amount) * self.total))
        elif action == "scroll":
            step = self.visible if unit == "pages" else 1
            self.scroll_to(self.offset + int(amount) * step)

    def _on_wheel(self, event: tkinter.Event) -> str:
        if getattr(event, "num", None) == 4:
            delta = -WHEEL_ROWS
        elif getattr(event, "num", None) == 5:
            delta = WHEEL_ROWS
        else:
            delta = -WHEEL_ROWS if event.delta > 0 else WHEEL_ROWS
        self.scroll_to(self.offset + delta)
        return "break"

    # --- rendering ----------------------------------------------------------------------------
    def _render(self) -> None:
        rows = []
        for position in range(self.offset, min(self.total, self.offset + self.visible)):
            row = self.row_at(position)
            if row is None:
                break
            rows.append((position, row))
        while len(self._slots) < len(rows):
            self._slots.append(self.tree.insert("", "end", values=()))
        while len(self._slots) > len(rows):
            self.tree.delete(self._slots.pop())
        self._slot_rows = [row for _, row in rows]
        for slot, (position, row) in zip(self._slots, rows, strict=True):
            tags = list(self.row_tags(row)) if self.row_tags else []
            if self.row_id(row) in self.selected:
                tags.append("selected")
            elif position == self.cursor:
                tags.append("cursor")
            self.tree.item(slot, values=self.row_values(row), tags=tags)
        if self.total:
            first = self.offset / self.total
            last = min(1.0, (self.offset + self.visible) / self.total)
            self.vbar.set(first, last)
        else:
            self.vbar.set(0.0, 1.0)

    def _on_resize(self, event: tkinter.Event) -> None:
        height = event.height
        if self._slots:
            box = self.tree.bbox(self._slots[0])
            top, row_h = (box[1], box[3]) if box else (28, 24)
        else:
            top, row_h = 28, 24
        visible = max(1, (height - top) // max(1, row_h))
        if visible != self.visible:
            self.visible = visible
            self._clamp()
            self._render()

    # --- events -------------------------------------------------------------------------------
    def _bind(self) -> None:
        tree = self.tree
        tree.bind("<Configure>", self._on_resize, add="+")
        tree.bind("<Button-1>", self._on_click)
        tree.bind("<Shift-Button-1>", lambda e: self._on_click(e, extend=True))
        tree.bind("<Control-Button-1>", lambda e: self._on_click(e, toggle=True))
        tree.bind("<Double-Button-1>", self._on_double)
        for sequence in ("<MouseWheel>", "<Button-4>", "<Button-5>"):
            tree.bind(sequence, self._on_wheel)
        moves = {"<Up>": -1, "<Down>": 1, "<Prior>": "-page", "<Next>": "page",
                 "<Home>": "home", "<End>": "end", "<Control-Home>": "home", "<Control-End>": "end"}
        for sequence, move in moves.items():
            tree.bind(sequence, lambda _e, m=move: self._move(m))
            if sequence in ("<Up>", "<Down>", "<Prior>", "<Next>"):
                shifted = sequence.replace("<", "<Shift-")
                tree.bind(shifted, lambda _e, m=move: self._move(m, extend=True))
        tree.bind("<Return>", lambda _e: self._activate())
        tree.bind("<KP_Enter>", lambda _e: self._activate())
        tree.bind("<F2>", lambda _e: self._activate())
        tree.bind("<Delete>", lambda _e: self._delete())
        tree.bind("<Control-a>", lambda _e: self._select_all())

    def _position_of_event(self, event: tkinter.Event) -> int | None:
        item = self.tree.identify_row(event.y)
        if not item or item not in self._slots:
            return None
        return self.offset + self._slots.index(item)

    def _on_click(self, event: tkinter.Event, *, extend: bool = False, toggle: bool = False) -> str | None:
        region = self.tree.identify_region(event.x, event.y)
        if region in ("heading", "separator"):
            return None  # let the Treeview sort (heading command) or resize the column
        self.tree.focus_set()
        position = self._position_of_event(event)
        if position is not None:
            self.select_position(position, extend=extend, toggle=toggle)
        return "break"

    def _on_double(self, event: tkinter.Event) -> str | None:
        if self.tree.identify_region(event.x, event.y) in ("heading", "separator"):
            return None
        position = self._position_of_event(event)
        if position is not None:
            self.select_position(position)
            self._activate()
        return "break"

    def _move(self, move: int | str, *, extend: bool = False) -> str:
        if not self.total:
            return "break"
        current = self.cursor if self.cursor is not None else 0
        if move == "home":
            target = 0
        elif move == "end":
            target = self.total - 1
        elif move == "page":
            target = current + self.visible
        elif move == "-page":
            target = current - self.visible
        else:
            target = current + int(move)
        self.select_position(target, extend=extend)
        return "break"

    def _activate(self) -> str:
        row = self.cursor_row()
        if row is not None and self.on_activate is not None:
            self.on_activate(row)
        return "break"

    def _delete(self) -> str:
        if self.selected and self.on_delete is not None:
            self.on_delete()
        return "break"

    def _select_all(self) -> str:
        if self.total and self.total <= 5001:
            self.anchor = 0
            self.select_position(self.total - 1, extend=True)
        return "break"

    def _sort(self, key: str) -> None:
        if self.on_sort is not None:
            self.on_sort(key)

    def set_sort_indicator(self, key: str, descending: bool) -> None:
        for col in self.columns:
            arrow = (" ▼" if descending else " ▲") if col.key == key else ""
            self.tree.heading(col.key, text=col.title + arrow)

    def _notify_selection(self) -> None:
        if self.on_selection is not None:
            self.on_selection()
