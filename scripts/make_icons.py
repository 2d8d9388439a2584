"""Draw the installable app's icons (elearning/static/elearning/icons/): a white shield with a
house on the site's brand blue, drawn large and scaled down so that the edges stay smooth.
The PNGs are committed; run again only to change the mark: `.venv/bin/python scripts/make_icons.py`.

- icon-192.png, icon-512.png: the mark on a rounded blue square ("any" purpose);
- icon-maskable-512.png: the mark inside the central 80 % safe zone of a full-bleed blue square,
  so that a launcher's circle or squircle crop never cuts it;
- apple-touch-icon.png (180 px) for iOS home screens."""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (11, 79, 138)  # --brand in site.css: 8.4:1 against white
WHITE = (255, 255, 255)
SCALE = 4  # drawn at 4x, then reduced with a good filter
OUT = Path(__file__).resolve().parent.parent / "elearning" / "static" / "elearning" / "icons"


def _mark(draw: ImageDraw.ImageDraw, size: int, extent: float) -> None:
    """The shield (white) with a house cut out of it (blue), centred, `extent` of `size` tall."""
    h = size * extent
    w = h * 0.84
    cx, top = size / 2, (size - h) / 2
    left, right = cx - w / 2, cx + w / 2
    shoulder = top + h * 0.52
    shield = [
        (cx, top),
        (right, top + h * 0.14),
        (right, shoulder),
        (cx + w * 0.30, top + h * 0.84),
        (cx, top + h),
        (cx - w * 0.30, top + h * 0.84),
        (left, shoulder),
        (left, top + h * 0.14),
    ]
    draw.polygon(shield, fill=WHITE)
    # The house: a roof and a body, bold enough to read at 48 px.
    hw = w * 0.56
    roof_top = top + h * 0.26
    eaves = top + h * 0.50
    base = top + h * 0.76
    draw.polygon([(cx, roof_top), (cx + hw / 2 + w * 0.06, eaves), (cx - hw / 2 - w * 0.06, eaves)], fill=BRAND)
    draw.rectangle([cx - hw / 2, eaves - 1, cx + hw / 2, base], fill=BRAND)
    # The door, white again.
    dw = hw * 0.30
    draw.rectangle([cx - dw / 2, base - h * 0.15, cx + dw / 2, base + 1], fill=WHITE)


def icon(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=BRAND)
        _mark(draw, big, extent=0.56)  # well inside the 80 % safe circle
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.18, fill=BRAND)
        _mark(draw, big, extent=0.76)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ]:
        image = icon(size, maskable=maskable)
        if maskable:  # opaque: iOS and launchers fill transparency with black
            image = image.convert("RGB")
        image.save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
