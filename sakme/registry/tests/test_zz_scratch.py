import io, zipfile, openpyxl
from pathlib import Path
import pytest
from sakme.registry import services
from sakme.registry.importing.mapping import load_mapping_file
from sakme.registry.models import Person
M = load_mapping_file(Path("sakme/registry/mappings/ssa.toml"))
H = "chanaceris_id;piradi_nomeri;saxeli;gvari;dabadebis_tarigi\n"
R = "SSA1;01001012345;ნინო;ბერიძე;17.05.1990\n"

def go(p):
    try:
        b = services.import_file(actor=None, source_code="ssa", path=p, mapping=M)
        print("\nRESULT", p.name, b.status, repr(b.message), list(b.problems.values_list("row", "column", "value", "message")))
    except Exception as e:
        print("\nRAISED", p.name, type(e), e)

def test_a(territory, tmp_path):
    (tmp_path / "u16.csv").write_bytes((H + R).encode("utf-16-le"))
    go(tmp_path / "u16.csv")
    (tmp_path / "nul.csv").write_bytes((H + "SSA1;01001012345;ნი\x00ნო;ბერიძე;17.05.1990\n").encode())
    go(tmp_path / "nul.csv")
    (tmp_path / "nul2.csv").write_bytes((H + "SSA1;01001012345;ნინო;ბერიძე;17.05.1990\n").replace("misamarti", "x").encode().replace(b"17.05.1990", b"17.05.1990\x00"))
    go(tmp_path / "nul2.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04garbage" * 10)
    go(tmp_path / "bad.xlsx")
    (tmp_path / "text.xlsx").write_bytes(b"not a workbook at all")
    go(tmp_path / "text.xlsx")
    b = openpyxl.Workbook(); s = b.active
    for line in (H + R * 1).splitlines(): s.append(line.split(";"))
    b.save(tmp_path / "ok.xlsx")
    data = (tmp_path / "ok.xlsx").read_bytes()
    (tmp_path / "trunc.xlsx").write_bytes(data[: len(data) // 2])
    go(tmp_path / "trunc.xlsx")
    zin = zipfile.ZipFile(tmp_path / "ok.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) - 40]
            zout.writestr(item, content)
    (tmp_path / "brokensheet.xlsx").write_bytes(out.getvalue())
    go(tmp_path / "brokensheet.xlsx")
    (tmp_path / "long.csv").write_text(H + "SSA1;01001012345;" + "ნ" * 120 + ";ბერიძე;17.05.1990\n")
    go(tmp_path / "long.csv")
    (tmp_path / "dash.csv").write_text(H + "SSA1;01001012345;-;ბერიძე;17.05.1990\n")
    go(tmp_path / "dash.csv")
    (tmp_path / "sk.csv").write_text(H + "S" * 70 + ";01001012345;ნინო;ბერიძე;17.05.1990\n")
    go(tmp_path / "sk.csv")
    (tmp_path / "hh.csv").write_text("chanaceris_id;saxeli;gvari;ojaxis_kodi\nSSA9;ნინო;ბერიძე;" + "H" * 50 + "\n")
    go(tmp_path / "hh.csv")
    print(Person.objects.count())
