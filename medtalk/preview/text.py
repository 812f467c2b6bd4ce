"""Labels for preview panels: Pillow's bundled font, so no system font is needed."""

from __future__ import annotations

from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

LABEL_INK, LABEL_PAPER, LABEL_MUTED = (40, 44, 52), (246, 247, 249), (110, 116, 128)


@lru_cache(maxsize=16)
def font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The bundled sans-serif font at ``px`` pixels."""
    return ImageFont.load_default(size=max(6, px))


def label_band(text: str, width: int, height: int) -> Image.Image:
    """A ``width`` x ``height`` band with ``text`` centred; a second line is drawn smaller and muted."""
    band = Image.new("RGB", (width, height), LABEL_PAPER)
    d = ImageDraw.Draw(band)
    title, _, detail = text.partition("\n")
    big, small = font(int(height * 0.42)), font(int(height * 0.24))
    if detail:
        detail = _fit(d, detail, small, width - height // 2)
        d.text((width / 2, height * 0.36), title, font=big, fill=LABEL_INK, anchor="mm")
        d.text((width / 2, height * 0.76), detail, font=small, fill=LABEL_MUTED, anchor="mm")
    else:
        d.text((width / 2, height / 2), _fit(d, title, big, width - height // 2), font=big, fill=LABEL_INK, anchor="mm")
    return band


def _fit(d: ImageDraw.ImageDraw, text: str, fnt, width: int) -> str:
    """``text`` shortened with an ellipsis until it fits in ``width`` pixels."""
    if d.textlength(text, font=fnt) <= width:
        return text
    while text and d.textlength(text + "…", font=fnt) > width:
        text = text[:-1]
    return text.rstrip() + "…"
