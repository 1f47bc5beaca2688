"""The demo shows each document kind, and every PDF it writes draws only glyphs its embedded fonts have."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kooperativet.cli import app
from tests.date_styles import assert_one_date_style
from tests.documents.glyphs import glyph_problems
from tests.employments.test_employments_api import text_of


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def test_the_demo_shows_each_document_kind(demo) -> None:
    _, files = demo
    kinds = {entry["kind"] for entry in files if entry["path"].endswith(".pdf")}
    assert {
        "invoice_pdf",
        "credit_note_pdf",
        "payslip_pdf",
        "employment_certificate_pdf",
        "minutes_pdf",
    } <= kinds


#: The kinds docs/demo.md lets the manifest use: the cooperative's own documents.
DOCUMENTED_KINDS = {
    "invoice_pdf", "invoice_ubl", "credit_note_pdf", "credit_note_ubl", "employment_certificate_pdf",
    "payslip_pdf", "payroll_summary_csv", "payroll_summary_xlsx", "agi_xml", "sie", "pain001", "minutes_pdf",
    "ballots_json", "audit_log_json",
}  # fmt: skip


def test_every_kind_in_the_manifest_is_one_the_documentation_lists(demo) -> None:
    _, files = demo
    assert {entry["kind"] for entry in files} - DOCUMENTED_KINDS == set()


def test_the_english_payslip_and_the_swedish_csv_are_listed_as_their_documents_kinds(demo) -> None:
    _, files = demo
    kinds = {entry["path"]: entry["kind"] for entry in files}
    english = [path for path in kinds if path.startswith("payslips/") and path.endswith("-en.pdf")]
    assert len(english) == 1
    assert kinds[english[0]] == "payslip_pdf"
    summaries = sorted((path, kind) for path, kind in kinds.items() if path.startswith("payroll/"))
    assert [kind for _, kind in summaries].count("payroll_summary_csv") == 2, summaries
    assert [kind for _, kind in summaries].count("payroll_summary_xlsx") == 1, summaries


def test_every_pdf_the_demo_writes_passes_the_glyph_check(demo) -> None:
    out, files = demo
    problems = {
        entry["path"]: glyph_problems((out / entry["path"]).read_bytes())
        for entry in files
        if entry["path"].endswith(".pdf")
    }
    assert {path: found for path, found in problems.items() if found} == {}


#: How each kind of document writes its dates (docs/web.md, "Dates and times"): the forms as ISO dates, the
#: minutes, which are prose, written out.
DATE_STYLES = {
    "invoice_pdf": "iso", "credit_note_pdf": "iso", "payslip_pdf": "iso", "employment_certificate_pdf": "iso",
    "minutes_pdf": "written",
}  # fmt: skip


def test_every_pdf_the_demo_writes_its_dates_in_one_style(demo) -> None:
    out, files = demo
    pdfs = [entry for entry in files if entry["path"].endswith(".pdf")]
    assert {entry["kind"] for entry in pdfs} <= set(DATE_STYLES)
    for entry in pdfs:
        text = " ".join(text_of((out / entry["path"]).read_bytes()).split())
        assert_one_date_style(text, DATE_STYLES[entry["kind"]])


def test_the_five_month_employment_states_paid_holiday(demo) -> None:
    out, files = demo
    [season] = [e["path"] for e in files if e["path"].startswith("employments/anstallningsbevis-2027-01-11")]
    text = text_of((out / season).read_bytes())
    assert "Anställningen varar längre än tre månader" in text
    assert "Utfärdat i Stockholm 2026-11-20." in text


def test_the_demo_minutes_are_approved_by_both_adjusters_and_locked(demo) -> None:
    out, files = demo
    [minutes] = [e["path"] for e in files if e["kind"] == "minutes_pdf"]
    text = text_of((out / minutes).read_bytes())
    assert "UTKAST" not in text
    for expected in (
        "Justerat protokoll",
        "Ordinarie föreningsstämma (årsmöte) den 20 november 2026 kl. 18.30, Kulturgatan 7, Stockholm. "
        "Version 1.",
        "§ 1 Mötets öppnande och val av funktionärer",
        "Beslut: Stämman beslutade att bifalla förslaget: avgiften 5,5 % från den 1 januari 2027.",
        "§ 4 Gemensam replokal (motion av Dagny Ek)",
        "Beslut: Stämman beslutade att bifalla motionen.",
        "§ 5 Val av två revisorer",
        "Protokollet justerades av Bertil Holm den 26 november 2026 och Dagny Ek den 27 november 2026, "
        "som båda godkände samma utkast.",
    ):
        assert expected in text


def test_the_pdf_benchmark_reads_the_demos_payslips_under_the_demos_own_keys(demo) -> None:
    """``make bench`` (P2) renders the demo's payslip snapshots again: they are encrypted under the keys the
    demo keeps in its folder, not this process's, and the benchmark once stopped on them."""
    from bench.payslip_pdfs import demo_snapshots

    out, files = demo
    snapshots = demo_snapshots(out)
    numbers = sorted(number for _, number, _, _ in snapshots)
    shown = sorted(Path(entry["path"]).stem for entry in files if entry["kind"] == "payslip_pdf")
    assert numbers == [name for name in shown if not name.endswith("-en")]
    assert all(snapshot["employee"]["name"] for _, _, snapshot, _ in snapshots)
