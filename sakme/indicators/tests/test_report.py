"""The annual report on indicator 2.1 (issue 10): the 2019 report of the seed, rebuilt from the reference records in
English and Georgian, as DOCX and PDF; asked for on the dashboard and made by the worker; written by the command."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AuditEvent
from sakme.common.errors import DomainError, PermissionDenied
from sakme.geo.models import Manual, StaffAllocation, TerritorialUnit, Training
from sakme.indicators import reports
from sakme.indicators.models import Definition, Report, Run
from sakme.indicators.services import indicators_compute, reference_load

NEW_IN_DECEMBER = ["KA-AKH", "IM-TSK", "IM-TKI", "IM-SAC", "SZ-MAR", "GU-OZU"]
BASELINE = ["TB-1", "TB-2", "TB-3", "TB-4", "TB-5", "KA-TEL", "KA-SAG", "KA-SIG", "IM-KUT", "IM-SAM", "IM-ZES",
            "IM-KHO", "SZ-ZUG", "SZ-POT", "SZ-SEN"]


@pytest.fixture
def reference(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    reference_load(actor=SYSTEM)


def text_of(data: bytes, format: str) -> str:
    """Every word of a report in reading order, with line breaks and no-break spaces as plain spaces."""
    if format == "docx":
        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    else:
        parts = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    return re.sub(r"\s+", " ", " ".join(parts).replace("\u00a0", " "))


def names(codes: list[str], language: str) -> list[str]:
    units = {u.code: u for u in TerritorialUnit.objects.filter(code__in=codes)}
    return [getattr(units[code], f"name_{language}") for code in codes]


@pytest.mark.django_db
@pytest.mark.parametrize("format", ["docx", "pdf"])
def test_the_2019_report_in_english_says_what_the_records_say(reference, format):
    data = reports.report_build(year=2019, language="en", format=format, actor=SYSTEM)
    text = text_of(data, format)

    assert "Report on implementation of the indicator of 2019" in text
    assert "Indicator 2.1: Distribution of the New Employment Service Model in the territorial units" in text
    assert "at least 30% of SSA / ESS territorial units" in text  # the aim, from the definition
    assert ("Baseline: In 2017, the New Employment Service Model worked in 15 (21 %) of 70 territorial units: "
            "Tbilisi 5, Imereti 4, Kakheti 3, Samegrelo-Zemo Svaneti 3.") in text
    # I: the seven regional centres reinforced in July 2019, from 2 to 4 staff units each
    assert "changed in 7 territorial units, from 14 to 28 staff units in all" in text
    assert "Staff units of the employment component expanded in 7 regional centres" in text
    july = StaffAllocation.objects.filter(date__year=2019).select_related("unit")
    assert len(july) == 7
    for allocation in july:
        assert allocation.unit.name_en in text
    # II: the six trainings and working meetings
    assert "3 trainings and 3 working meetings were held" in text
    for training in Training.objects.filter(date__year=2019):
        assert training.title_en in text
    assert "14 March 2019" in text and "21 November 2019" in text
    # III: the order and its three manuals, lettered
    assert "By order N04-2412/ო of 3 December 2019" in text
    manuals = list(Manual.objects.order_by("pk").values_list("title_en", flat=True))
    assert len(manuals) == 3
    for letter, title in zip("abc", manuals, strict=True):
        assert f"{letter}) {title}" in text
    # IV: the six units of December 2019, by region
    assert "From 1 December 2019, 6 territorial units work under the New Employment Service Model" in text
    assert "Imereti: Sachkhere district department, Tkibuli district department, Tskaltubo district department" in text
    for name in names(NEW_IN_DECEMBER, "en"):
        assert name in text
    # the result against the target, and every unit on the model at the end of the year
    assert "Indicator 2.1 at the end of 2019: 21/70 (30.0 %)" in text
    assert "Target: 30 % by 2019 (21 of 70 territorial units): met." in text
    assert "worked in 21 of the 70 territorial units (Imereti 7, Tbilisi 5, Kakheti 4, Samegrelo-Zemo Svaneti 4, " \
           "Guria 1)" in text
    for name in names(BASELINE + NEW_IN_DECEMBER, "en"):
        assert name in text
    assert "Figure 1." in text and "Figure 2." in text


@pytest.mark.django_db
@pytest.mark.parametrize("format", ["docx", "pdf"])
def test_the_2019_report_in_georgian_names_the_records_in_georgian(reference, format):
    data = reports.report_build(year=2019, language="ka", format=format, actor=SYSTEM)
    text = text_of(data, format)

    definition = Definition.objects.get(code="2.1")
    assert definition.name_ka in text and definition.goal_ka.partition(":")[2].strip() in text
    # the baseline and the result by region, in Georgian
    assert "15 (21 %)" in text and "თბილისი 5, იმერეთი 4, კახეთი 3, სამეგრელო-ზემო სვანეთი 3" in text
    assert "21/70 (30.0 %)" in text
    assert "იმერეთი 7, თბილისი 5, კახეთი 4, სამეგრელო-ზემო სვანეთი 4, გურია 1" in text
    for allocation in StaffAllocation.objects.filter(date__year=2019).select_related("unit"):
        assert allocation.unit.name_ka in text
    assert "დასაქმების კომპონენტის საშტატო ერთეულების გაზრდა 7 რეგიონულ ცენტრში" in text
    for training in Training.objects.filter(date__year=2019):
        assert training.title_ka in text
    assert "14 მარტი" in text
    assert "N04-2412/ო" in text
    for letter, title in zip("აბგ", Manual.objects.order_by("pk").values_list("title_ka", flat=True), strict=True):
        assert f"{letter}) {title}" in text
    for name in names(BASELINE + NEW_IN_DECEMBER, "ka"):
        assert name in text


@pytest.mark.django_db
def test_the_report_computes_the_indicator_when_no_run_holds_its_years(reference):
    only_2019 = indicators_compute(actor=SYSTEM, year_from=2019, year_to=2019)
    reports.report_build(year=2019, language="en", format="docx", actor=SYSTEM)
    latest = Run.objects.exclude(pk=only_2019.pk).get()  # the baseline year was missing: a run from 2017
    assert (latest.year_from, latest.year_to) == (2017, 2019)
    reports.report_build(year=2019, language="ka", format="docx", actor=SYSTEM)
    assert Run.objects.count() == 2  # that run serves the next report


@pytest.mark.django_db
def test_the_command_writes_the_report_and_says_what_is_wrong(reference, tmp_path):
    out = io.StringIO()
    target = tmp_path / "report-2019-en.pdf"
    call_command("report", "annual", "--year", "2019", "--language", "en", "--out", str(target), stdout=out)
    assert target.read_bytes().startswith(b"%PDF") and "annual report 2019, en, pdf" in out.getvalue()
    georgian = tmp_path / "report-2019-ka.docx"
    call_command("report", "annual", "--year", "2019", "--language", "ka", "--format", "docx", "--out",
                 str(georgian), stdout=out)
    assert "N04-2412/ო" in text_of(georgian.read_bytes(), "docx")
    with pytest.raises(CommandError, match="give a year from 2000"):
        call_command("report", "annual", "--year", "1999", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match=r"report_language"):
        call_command("report", "annual", "--year", "2019", "--language", "fr", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="make them agree"):
        call_command("report", "annual", "--year", "2019", "--format", "pdf", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("report", "annual", "--year", "2019", "--out", str(tmp_path / "missing" / "x.docx"))


@pytest.mark.django_db
def test_an_analyst_asks_for_a_report_and_the_worker_makes_it(reference, staff, django_capture_on_commit_callbacks):
    analyst = staff["analyst"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = reports.report_request(actor=analyst, year=2019, language="ka", format="pdf")
    assert len(callbacks) == 1  # the task, enqueued once the request was committed (and run at once in tests)
    report.refresh_from_db()
    assert (report.status, report.progress, report.error_code) == (Report.Status.DONE, 100, "")
    assert report.by == analyst and report.finished_at is not None
    path, name = reports.report_open(actor=analyst, report_id=report.pk)
    assert name == "indicator-report-2019-ka.pdf"
    assert path.parent == reports.report_dir() and path.stat().st_mode & 0o777 == 0o600
    assert "N04-2412/ო" in text_of(path.read_bytes(), "pdf")
    actions = set(AuditEvent.objects.filter(entity_type="indicators.report", entity_id=str(report.pk))
                  .values_list("action", flat=True))
    assert actions == {"indicators.report.request", "indicators.report.make", "indicators.report.download"}
    with pytest.raises(PermissionDenied):  # a unit head sees the indicators, not the analysts' files
        reports.report_open(actor=staff["unit_head"], report_id=report.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["counsellor", "unit_head", "regional_coordinator", "administrator", "data_steward"])
def test_a_role_without_indicator_compute_may_not_make_the_report(reference, staff, role):
    with pytest.raises(PermissionDenied):
        reports.report_request(actor=staff[role], year=2019, language="en", format="docx")
    with pytest.raises(PermissionDenied):
        reports.report_build(year=2019, language="en", format="docx", actor=staff[role])
    assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "language", "format", "code"), [
    (1999, "en", "pdf", "report_year"), (2999, "en", "pdf", "report_year"), ("2019", "en", "pdf", "report_year"),
    (2019, "fr", "pdf", "report_language"), (2019, "en", "odt", "report_format"),
])
def test_a_request_says_which_year_language_or_format_would_do(reference, staff, year, language, format, code):
    with pytest.raises(DomainError) as refused:
        reports.report_request(actor=staff["analyst"], year=year, language=language, format=format)
    assert refused.value.code == code and not Report.objects.exists()


@pytest.mark.django_db
def test_a_refusal_in_the_worker_ends_the_report_failed_with_its_code(reference, staff,
                                                                      django_capture_on_commit_callbacks):
    Definition.objects.filter(code="2.1").update(measure="delay")  # as if the indicator were not defined
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_request(actor=staff["analyst"], year=2019, language="en", format="docx")
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and report.error_code == "no_figures"
    assert report.error_params["year"] == 2019 and report.error_params["reason"] == "report_no_indicator"
    assert report.error_text == "no figures could be computed for 2019" and report.file_name == ""
    assert not list(Path(reports.report_dir()).iterdir())
    with pytest.raises(DomainError) as not_ready:
        reports.report_open(actor=staff["analyst"], report_id=report.pk)
    assert not_ready.value.code == "report_not_ready"


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_report_and_reaches_the_worker(reference, staff, monkeypatch):
    def broken(composed):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(reports.WRITERS, Report.Format.DOCX, broken)
    report = Report.objects.create(year=2019, language="en", format="docx", by=staff["analyst"])
    with pytest.raises(RuntimeError):  # the worker logs it as a failed task too
        reports.report_execute(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.error_code, report.error_params["error"]) == (Report.Status.FAILED, "failed",
                                                                                "RuntimeError")
    assert report.progress == 40 and not list(Path(reports.report_dir()).iterdir())
    with pytest.raises(DomainError) as again:  # a report is made once
        reports.report_execute(report_id=report.pk)
    assert again.value.code == "report_started"
