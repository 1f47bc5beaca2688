"""The demo shows each document kind, and every PDF it writes draws only glyphs its embedded fonts have."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kooperativet.cli import app
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
        "payslip_pdf_en",
        "employment_certificate_pdf",
        "minutes_pdf",
    } <= kinds


def test_every_pdf_the_demo_writes_passes_the_glyph_check(demo) -> None:
    out, files = demo
    problems = {
        entry["path"]: glyph_problems((out / entry["path"]).read_bytes())
        for entry in files
        if entry["path"].endswith(".pdf")
    }
    assert {path: found for path, found in problems.items() if found} == {}


def test_the_five_month_employment_states_paid_holiday(demo) -> None:
    out, files = demo
    [season] = [e["path"] for e in files if e["path"].startswith("employments/anstallningsbevis-2027-01-11")]
    text = text_of((out / season).read_bytes())
    assert "Anställningen varar längre än tre månader" in text
    assert "Utfärdat i Stockholm den 20 november 2026." in text


def test_the_demo_minutes_are_approved_by_both_adjusters_and_locked(demo) -> None:
    out, files = demo
    [minutes] = [e["path"] for e in files if e["kind"] == "minutes_pdf"]
    text = text_of((out / minutes).read_bytes())
    assert "UTKAST" not in text
    for expected in (
        "Justerat protokoll",
        "Ordinarie föreningsstämma (årsmöte) den 20 november 2026, Kulturgatan 7, Stockholm. Version 1.",
        "§ 1 Mötets öppnande och val av funktionärer",
        "Beslut: Stämman beslutade att bifalla förslaget: avgiften 5,5 % från den 1 januari 2027.",
        "§ 4 Gemensam replokal (motion av Dagny Ek)",
        "Beslut: Stämman beslutade att bifalla motionen.",
        "§ 5 Val av två revisorer",
        "Protokollet justerades av Bertil Holm den 26 november 2026 och Dagny Ek den 27 november 2026, "
        "som båda godkände samma utkast.",
    ):
        assert expected in text
