"""A report Document as .docx in the usual official-document look: 小标宋 title, 仿宋 body,
黑体 and 楷体 headings, first-line indent of two characters, bordered tables."""
from __future__ import annotations

from docx import Document as Docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from bot.reporting.document import Document, Heading, Para, Table

TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
BODY_SIZE, TABLE_SIZE = Pt(16), Pt(10.5)     # 三号 body, 五号 tables
ALIGN = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "center": WD_ALIGN_PARAGRAPH.CENTER}


def _font(run, name: str, size, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    # Word picks the East Asian font from w:eastAsia, which python-docx's font.name does not set
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(d, text: str, font: str, size, align="justify", indent=False, bold=False):
    p = d.add_paragraph()
    p.alignment = ALIGN[align]
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    _font(p.add_run(text), font, size, bold)
    return p


def _table(d, t: Table) -> None:
    table = d.add_table(rows=1, cols=len(t.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, t.headers):
        _cell(cell, text, bold=True)
    for row in t.rows:
        for cell, value in zip(table.add_row().cells, row):
            _cell(cell, str(value))
    if t.note:
        _paragraph(d, t.note, BODY_FONT, TABLE_SIZE, indent=False)


def _cell(cell, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if bold or len(text) < 12 else WD_ALIGN_PARAGRAPH.LEFT
    _font(p.add_run(text), BODY_FONT, TABLE_SIZE, bold)


def _block(d, b) -> None:
    if isinstance(b, Heading):
        _paragraph(d, b.text, H1_FONT if b.level == 1 else H2_FONT, BODY_SIZE, indent=True)
    elif isinstance(b, Table):
        _table(d, b)
    elif isinstance(b, Para):
        _paragraph(d, b.text, BODY_FONT, BODY_SIZE, align=b.align, indent=b.indent)


def render(doc: Document, path) -> None:
    d = Docx()
    for s in d.sections:      # A4 with GB/T 9704 margins: 3.7 top, 3.5 bottom, 2.8 left, 2.6 right
        s.page_width, s.page_height = Cm(21), Cm(29.7)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    _paragraph(d, doc.title, TITLE_FONT, Pt(22), align="center")
    _paragraph(d, "", BODY_FONT, BODY_SIZE)
    for b in doc.blocks:
        _block(d, b)
    d.core_properties.title = doc.title
    d.save(path)
