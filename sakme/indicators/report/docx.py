"""The annual report as a Word document (python-docx): A4, the composed blocks in order, charts as PNG."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable

from sakme.indicators.report import Composed, Field, Heading, Items, Note, Paragraph, Picture, Table, Title

# Georgian Windows and Office ship Sylfaen; Word substitutes its own fonts for a missing one, which may lack Georgian.
FONTS = {"ka": "Sylfaen", "en": "Calibri"}
LANGUAGE_TAGS = {"ka": "ka-GE", "en": "en-GB"}
TEXT_WIDTH_CM = 17.0


def _styles(document: DocxDocument, language: str) -> None:
    name = FONTS.get(language, "Calibri")
    for style_name, size in (("Normal", 10.5), ("Title", 16), ("Heading 1", 12.5), ("List Bullet", 10.5)):
        style = document.styles[style_name]
        style.font.name = name
        style.font.size = Pt(size)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), name)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)
        if style_name != "Normal":
            style.font.color.rgb = RGBColor(0x1F, 0x3B, 0x57)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE_TAGS.get(language, language))
    document.styles["Normal"].element.get_or_add_rPr().append(lang)
    document.styles["Normal"].paragraph_format.space_after = Pt(6)


def _page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)


def _repeat_header(table: DocxTable) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document: DocxDocument, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(block.widths)
    widths = [Cm(TEXT_WIDTH_CM * w / total) for w in block.widths]
    for i, text in enumerate(block.header):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(9)
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), "E9ECEF")
        cell._tc.get_or_add_tcPr().append(shading)
    for row in block.rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            paragraph = cells[i].paragraphs[0]
            paragraph.add_run(text).font.size = Pt(9)
            if i in block.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row_ in table.rows:
        for i, cell in enumerate(row_.cells):
            cell.width = widths[i]
    _repeat_header(table)
    document.add_paragraph()


def _picture(document: DocxDocument, block: Picture) -> None:
    shape = document.add_picture(io.BytesIO(block.png), width=Cm(TEXT_WIDTH_CM))
    shape._inline.docPr.set("descr", block.alt)  # what a screen reader says for the chart
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = document.add_paragraph()
    run = caption.add_run(block.caption)
    run.italic = True
    run.font.size = Pt(9)


def write_docx(composed: Composed) -> bytes:
    """The composed report as DOCX bytes."""
    document = Document()
    _styles(document, composed.language)
    _page(document)
    document.core_properties.title = composed.title
    document.core_properties.language = LANGUAGE_TAGS.get(composed.language, composed.language)
    document.core_properties.author = "sakme"
    for block in composed.blocks:
        if isinstance(block, Title):
            document.add_heading(block.text, level=0)
        elif isinstance(block, Heading):
            document.add_heading(block.text, level=1)
        elif isinstance(block, Field):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{block.label}: ").bold = True
            paragraph.add_run(block.text)
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Items):
            for i, item in enumerate(block.items):
                if block.markers:
                    paragraph = document.add_paragraph(f"{block.markers[i]} {item}")
                    paragraph.paragraph_format.left_indent = Cm(0.75)
                    paragraph.paragraph_format.space_after = Pt(2)
                else:
                    document.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Picture):
            _picture(document, block)
        elif isinstance(block, Note):
            run = document.add_paragraph().add_run(block.text)
            run.italic = True
            run.font.size = Pt(8.5)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
