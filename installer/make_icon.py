"""Draw the program icon (installer/sipas.ico, installer/sipas.png) from code, reproducibly.

Run `python -m installer.make_icon` after changing the design; both files are committed so a
build needs no drawing. A blue rounded square with a white “S” (bundled Liberation Serif Bold)
and a yellow tick: readable at 16 px in the Start menu, distinct at 256 px on the desktop.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "reports" / "fonts" / "LiberationSerif-Bold.ttf"
SIZES = [16, 24, 32, 48, 64, 128, 256]
BLUE, WHITE, YELLOW = (24, 86, 160, 255), (255, 255, 255, 255), (255, 205, 40, 255)


def draw(size: int = 256) -> Image.Image:
    scale = 4  # draw large, then shrink: smooth edges without an antialiasing library
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
    font = ImageFont.truetype(str(FONT), int(big * 0.78))
    pen.text((big * 0.44, big * 0.47), "S", font=font, fill=WHITE, anchor="mm")
    width = max(scale, big // 14)
    pen.line([(big * 0.60, big * 0.74), (big * 0.71, big * 0.85), (big * 0.90, big * 0.58)],
             fill=YELLOW, width=width, joint="curve")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    icon = draw(256)
    icon.save(HERE / "sipas.png")
    icon.save(HERE / "sipas.ico", sizes=[(s, s) for s in SIZES])
    print(f"Wrote {HERE / 'sipas.ico'} and {HERE / 'sipas.png'}")


if __name__ == "__main__":
    main()
