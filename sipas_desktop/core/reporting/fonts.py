"""The bundled Vietnamese-complete font, registered once with reportlab.

reportlab's built-in fonts print ư, ơ, ạ, ế … as black squares, so every PDF uses the bundled
Liberation Serif 2.x (metrics of Times New Roman, SIL OFL) under the family name "SipasSerif".
"""

from __future__ import annotations

from sipas_desktop.core import paths

FAMILY = "SipasSerif"
REGULAR, BOLD, ITALIC, BOLD_ITALIC = FAMILY, f"{FAMILY}-Bold", f"{FAMILY}-Italic", f"{FAMILY}-BoldItalic"
_registered = False


def register_fonts() -> str:
    """Register the family with reportlab (idempotent) and return the regular font's name."""
    global _registered
    if _registered:
        return REGULAR
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, style in ((REGULAR, "Regular"), (BOLD, "Bold"), (ITALIC, "Italic"),
                        (BOLD_ITALIC, "BoldItalic")):
        pdfmetrics.registerFont(TTFont(name, str(paths.font_path(style))))
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD_ITALIC)
    _registered = True
    return REGULAR
