"""Slide building blocks for the deck (python-pptx): title, bullets, footer, table, picture."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
TITLE_ONLY = 5


def add_slide(deck: PresentationType, title: str) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    heading = slide.shapes.title
    # The default layouts are drawn for 4:3; place the title for the 16:9 slide.
    heading.left, heading.top = Inches(0.4), Inches(0.25)
    heading.width, heading.height = Inches(12.5), Inches(0.9)
    heading.text = title
    heading.text_frame.paragraphs[0].font.size = Pt(28)
    return slide


def bullets(
    slide: Slide,
    lines: list[str],
    left: float,
    top: float,
    width: float,
    height: float,
    size: int = 14,
) -> None:
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = f"• {line}"
        paragraph.font.size = Pt(size)
        paragraph.space_after = Pt(4)


def footer(slide: Slide, text: str) -> None:
    box = slide.shapes.add_textbox(Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.4))
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    box.text_frame.paragraphs[0].font.size = Pt(9)
    box.text_frame.paragraphs[0].font.italic = True


def table(
    slide: Slide, frame: pd.DataFrame, left: float, top: float, width: float, size: int = 11,
    widths: list[float] | None = None,
) -> None:
    """``widths``: column widths in inches (default: python-pptx's even split)."""
    rows, cols = frame.shape[0] + 1, frame.shape[1]
    shape = slide.shapes.add_table(
        rows, cols, Inches(left), Inches(top), Inches(width), Inches(0.3 * rows)
    )
    grid = shape.table
    for c, inches in enumerate(widths or []):
        grid.columns[c].width = Inches(inches)
    for c, name in enumerate(frame.columns):
        grid.cell(0, c).text = str(name)
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(row):
            grid.cell(r, c).text = fmt(value)
    for r in range(rows):
        for c in range(cols):
            for paragraph in grid.cell(r, c).text_frame.paragraphs:
                paragraph.font.size = Pt(size)


def fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if value is pd.NA or value is pd.NaT:
        return "-"
    return str(value)


def picture(
    slide: Slide, image: Path, left: float, top: float, max_w: float, max_h: float
) -> None:
    picture = slide.shapes.add_picture(str(image), Inches(left), Inches(top))
    scale = min(Inches(max_w) / picture.width, Inches(max_h) / picture.height)
    picture.width, picture.height = (
        Emu(int(picture.width * scale)),
        Emu(int(picture.height * scale)),
    )
    picture.left = Emu(int(Inches(left) + (Inches(max_w) - picture.width) / 2))
