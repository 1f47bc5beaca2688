"""The payslip PDF (lönespecifikation, payroll.md §6), rendered from the payslip's stored snapshot.

The same snapshot and language always give the same bytes. ``render_payslip_pdf`` takes plain values only so
that a process pool can call it (``kooperativet payroll render RUN``).
"""

from __future__ import annotations

import io
import multiprocessing
import zipfile
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

from kooperativet.core.identifiers import mask_account, mask_iban_grouped, mask_personal_identity
from kooperativet.documents.render import country_name, money, quantity, render_pdf

TEMPLATE: Final = "payslip/payslip.html"
#: Documents a pool worker renders before it is replaced. With one font configuration kept per process
#: (``documents.render``) WeasyPrint keeps next to nothing per document (bench/payslip_pdfs.py measures it;
#: a configuration per document left about 0.2 MB each behind); a worker is still replaced, so that anything
#: a native library keeps cannot grow in a process that renders a whole month.
DOCUMENTS_PER_WORKER: Final = 80
CHUNK: Final = 4
#: The longest a pool waits for one document (a payslip takes a tenth of a second): past it, a worker is
#: taken to have died and the batch fails.
DOCUMENT_TIMEOUT_SECONDS: Final = 300.0
ZIP_DATE_TIME: Final = (2000, 1, 1, 0, 0, 0)  # a fixed member time: the same payslips give the same zip
#: A rate's per cent sign after a no-break space, as ``render.percent`` writes it: "31,42 %" never breaks
#: between the number and the sign at the end of a line.
PERCENT: Final = "\N{NO-BREAK SPACE}%"

LABELS: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "title": "Lönespecifikation",
        "number": "Nummer",
        "employer": "Arbetsgivare",
        "employee": "Anställd",
        "org_number": "Organisationsnummer",
        "personal_number": "Personnummer",
        "pay_date": "Utbetalningsdag",
        "period": "Löneperiod",
        "assignment": "Uppdrag",
        "worked": "Arbetad tid",
        "day": "dag",
        "days": "dagar",
        "hour": "timme",
        "hours": "timmar",
        "client": "Uppdragsgivare",
        "invoice": "Faktura",
        "credit_note": "Kreditfaktura",
        "invoiced": "Fakturerat belopp för arbete",
        "invoiced_less_credit": "Fakturerat belopp för arbete, efter kreditering",
        "fee": "Kooperativets avgift",
        "contributions": "Arbetsgivaravgifter",
        "line_taxable": "Lön för uppdraget",
        "of_which_gross": "varav bruttolön",
        "of_which_holiday_pay": "varav semesterersättning",
        "holiday_included": "betalas ut med varje lön",
        "residue": "Öresavrundning (behålls av kooperativet)",  # as the run's page in the web says
        "payout": "Utbetalning",
        "taxable": "Lön för alla uppdrag",
        "tax": "Skatteavdrag",
        "extra_tax": "Extra skatteavdrag, på din begäran",
        "expenses": "Utläggsersättning (skattefri)",
        "net": "Att utbetala",
        "bank_account": "Utbetalas till konto",
        "year_to_date": "Hittills i år, med denna utbetalning",
        "ytd_gross": "Bruttolön inkl. semesterersättning",
        "ytd_taxable": "Skattepliktig lön",
        "ytd_tax": "Skatteavdrag",
        "correction": "Rättelse av lönespecifikation",
        "correction_reason": "Rättelse",
        "signs": "Belopp med minustecken dras av; övriga belopp läggs till. Arbetsgivaravgifterna betalar "
        "kooperativet till Skatteverket; de ingår inte i lönen.",
        "table": "tabell",
        "column": "kolumn",
        "surcharge": "+ 10\N{NO-BREAK SPACE}% (skatteuppgifter saknas)",
        "of_base": "på",
        "full": "full avgift",
        "pension_only": "endast ålderspensionsavgift",
        "youth": "ungdomsnedsättning",
        "none": "ingen avgift",
        "below_threshold": "ingen avgift: årets lön under {threshold} kr",
        "earlier_this_year": "varav {amount} betalt tidigare i år utan avgift",
        "flat": "fast procentsats",
        "sink": "SINK",
        "asink": "A-SINK",
    },
    "en": {
        "title": "Payslip",
        "number": "Number",
        "employer": "Employer",
        "employee": "Employee",
        "org_number": "Organisation number",
        "personal_number": "Personal identity number",
        "pay_date": "Pay date",
        "period": "Pay period",
        "assignment": "Assignment",
        "worked": "Time worked",
        "day": "day",
        "days": "days",
        "hour": "hour",
        "hours": "hours",
        "client": "Client",
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "invoiced": "Invoiced amount for work",
        "invoiced_less_credit": "Invoiced amount for work, less credit notes",
        "fee": "Cooperative's fee",
        "contributions": "Employer contributions",
        "line_taxable": "Pay for the assignment",
        "of_which_gross": "of which gross salary",
        "of_which_holiday_pay": "of which holiday pay",
        "holiday_included": "paid with each salary",
        "residue": "Rounding (kept by the cooperative)",
        "payout": "Payout",
        "taxable": "Pay for all assignments",
        "tax": "Tax withheld",
        "extra_tax": "Extra tax withheld at your request",
        "expenses": "Expense reimbursement (tax-free)",
        "net": "Net pay",
        "bank_account": "Paid to account",
        "year_to_date": "Year to date, including this payout",
        "ytd_gross": "Gross salary incl. holiday pay",
        "ytd_taxable": "Taxable pay",
        "ytd_tax": "Tax withheld",
        "correction": "Correction of payslip",
        "correction_reason": "Correction",
        "signs": "Amounts with a minus sign are deducted; the others are added. The cooperative pays the "
        "employer contributions to the Swedish Tax Agency; they are not part of the pay.",
        "table": "table",
        "column": "column",
        "surcharge": "+ 10\N{NO-BREAK SPACE}% (tax information missing)",
        "of_base": "on",
        "full": "full rate",
        "pension_only": "old-age pension contribution only",
        "youth": "youth reduction",
        "none": "no contributions",
        "below_threshold": "no contributions: the year's pay below {threshold} kr",
        "earlier_this_year": "of which {amount} paid earlier this year without contributions",
        "flat": "flat rate",
        "sink": "SINK",
        "asink": "A-SINK",
    },
}


def _percent(fraction: str, language: str) -> str:
    value = f"{(Decimal(fraction) * 100).normalize():f}"
    return value.replace(".", ",") if language == "sv" else value


def _threshold(snapshot: Mapping[str, Any], language: str) -> str:
    """The yearly contribution threshold the payslip used, as the snapshot's parameters recorded it."""
    for use in snapshot["parameters"]:
        if use["key"] == "employer_contribution_threshold":
            return money(Decimal(use["value"]), language).removesuffix(",00").removesuffix(".00")
    raise ValueError("a payslip without contributions below the threshold records the threshold it used")


def payslip_context(*, number: str, snapshot: Mapping[str, Any], language: str) -> dict[str, Any]:
    """What the template shows, from the stored snapshot only (payroll.md §6)."""
    labels = LABELS[language]
    employee = snapshot["employee"]
    setting = snapshot["tax_setting"]
    lines = []
    for line in snapshot["lines"]:
        parts = [
            f"{_percent(part['rate'], language)}{PERCENT} {labels['of_base']} "
            f"{money(Decimal(part['base']), language)}"
            for part in line["contribution_parts"]
            if Decimal(part["base"])  # a rate that applied to nothing this month says nothing
        ]
        category = labels[line["contribution_category"]]
        base = sum((Decimal(part["base"]) for part in line["contribution_parts"]), Decimal(0))
        if not line["contribution_parts"]:  # the year's pay below the threshold (payroll.md §2)
            category = labels["below_threshold"].format(threshold=_threshold(snapshot, language))
        elif base > Decimal(line["taxable_pay"]):  # the payout that reached it carries the year's earlier pay
            earlier = money(base - Decimal(line["taxable_pay"]), language)
            parts.append(labels["earlier_this_year"].format(amount=earlier))
        if line["tax_mode"] == "table":
            tax_text = (
                f"{labels['table']} {line['tax_table_number']}, {labels['column']} {line['tax_column']}"
            )
            if setting.get("tax_information_missing"):
                tax_text += f" {labels['surcharge']}"
        else:
            percent = _percent(str(Decimal(line["tax_percent"]) / 100), language)
            tax_text = f"{labels[line['tax_mode']]} {percent}{PERCENT}"
        lines.append(
            {
                "worked": _worked(line, labels=labels, language=language),
                "correction": _correction(line, labels=labels),
                **{key: Decimal(line[key]) for key in _AMOUNTS},
                "client_name": line["client_name"],
                **_documents(line),
                "fee_percent": _percent(line["fee_rate"], language),
                "holiday_percent": _percent(line["holiday_pay_rate"], language),
                "category": category,
                "contribution_parts": parts,
                "tax_text": tax_text,
            }
        )
    return {
        "language": language,
        "labels": labels,
        "number": number,
        "employer": snapshot["employer"],
        "employee_name": employee["name"],
        "address": _address(employee, language),
        "personal_number": mask_personal_identity(employee["personal_identity_number"]),
        "bank_account": _paid_to(employee),
        "pay_date": date.fromisoformat(snapshot["pay_date"]),
        # The month as an ISO date writes it (``2026-11``), like every other date on the payslip: a form
        # writes its dates in one style (docs/web.md, "Dates and times").
        "period": snapshot["period"],
        "lines": lines,
        "tax_text": "; ".join(dict.fromkeys(line["tax_text"] for line in lines)),
        "totals": _totals(snapshot["totals"]),
        "year_to_date": {key: Decimal(value) for key, value in snapshot["year_to_date"].items()},
    }


def _totals(stored: Mapping[str, str]) -> dict[str, Decimal]:
    """The payslip's totals, and its tax split into the preliminary tax and the extra tax the member asked
    for (payroll.md §3), shown on lines of their own; snapshots from before extra tax existed have none."""
    totals = {key: Decimal(value) for key, value in stored.items()}
    totals.setdefault("extra_tax", Decimal(0))
    totals["preliminary_tax"] = totals["tax"] - totals["extra_tax"]
    return totals


def _paid_to(employee: Mapping[str, Any]) -> str:
    """The masked account the net pay was sent to: the IBAN in groups of four when the member was paid to
    one, else clearing-account (snapshots from before IBANs have no ``bank_iban``)."""
    if employee.get("bank_iban"):
        return mask_iban_grouped(employee["bank_iban"])
    return f"{employee['bank_clearing_number']}-{mask_account(employee['bank_account_number'])}"


def _address(employee: Mapping[str, Any], language: str) -> list[str]:
    """The member's postal address lines (snapshots from before the address was stored have none), with the
    country's name when the member lives abroad (snapshots from before the country was stored have none)."""
    postal = " ".join(part for part in (employee.get("postal_code"), employee.get("city")) if part)
    country = employee.get("country")
    abroad = country_name(country, language) if country and country.upper() != "SE" else None
    return [line for line in (employee.get("street"), postal, abroad) if line]


def _documents(line: Mapping[str, Any]) -> dict[str, str]:
    """The invoices and, named as such, the credit notes a payslip line was paid from (a line's snapshot
    names its credit notes since 2026-12-05; older ones list them with the invoices)."""
    credited = line.get("credit_note_numbers", [])
    return {
        "invoice_numbers": ", ".join(number for number in line["invoice_numbers"] if number not in credited),
        "credit_note_numbers": ", ".join(credited),
    }


def _worked(line: Mapping[str, Any], *, labels: Mapping[str, str], language: str) -> str | None:
    """``5 dagar, 2026-10-05 – 2026-10-09``: the extent and period of the work a payout pays for."""
    if "work_start" not in line:
        return None
    amount = Decimal(line["extent_quantity"])
    unit = line["extent_unit"].removesuffix("s") if amount == 1 else line["extent_unit"]
    return f"{quantity(amount, language)} {labels[unit]}, {line['work_start']} – {line['work_end']}"


def _correction(line: Mapping[str, Any], *, labels: Mapping[str, str]) -> str | None:
    """What a correction line corrects, by the corrected payslip's number (never its database id)."""
    if not line.get("corrects_payslip_id"):
        return None
    number = line.get("corrects_payslip_number")
    heading = f"{labels['correction']} {number}" if number else labels["correction_reason"]
    return ": ".join(part for part in (heading, line.get("correction_reason")) if part)


_AMOUNTS = (
    "invoiced_amount", "fee", "employer_contributions", "holiday_pay", "gross_salary", "residue",
    "taxable_pay", "tax", "expense_reimbursement", "net_pay",
)  # fmt: skip


def render_payslip_pdf(*, number: str, snapshot: Mapping[str, Any], language: str) -> bytes:
    """The payslip PDF/A for a snapshot, in Swedish (``sv``) or English (``en``)."""
    if language not in LABELS:
        raise ValueError(f"payslips are rendered in {', '.join(LABELS)}, not {language!r}")
    return render_pdf(TEMPLATE, payslip_context(number=number, snapshot=snapshot, language=language))


def _render_jobs(jobs: list[tuple[int, str, dict[str, Any], str]]) -> list[tuple[int, bytes]]:
    return [
        (payslip_id, render_payslip_pdf(number=number, snapshot=snapshot, language=language))
        for payslip_id, number, snapshot, language in jobs
    ]


def render_in_pool(
    jobs: Iterable[tuple[int, str, dict[str, Any], str]],
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    documents_per_worker: int = DOCUMENTS_PER_WORKER,
) -> dict[int, bytes]:
    """Render many payslips on a process pool (one worker per core by default): payslip id → PDF bytes.

    ``progress(done, total)`` is called after each finished document. Each worker is replaced by a fresh
    process after ``documents_per_worker`` documents, while the others go on.

    The pool is ``multiprocessing``'s, not ``concurrent.futures``': on Python 3.11 to 3.13 a
    ``ProcessPoolExecutor`` with ``max_tasks_per_child`` stops replacing its workers once one has reached
    its limit while documents are still queued, and waits for ever (CPython issue gh-115634). A worker that
    dies without answering (killed for its memory) would leave its documents unanswered here too: a chunk
    of ``CHUNK`` documents is waited for ``DOCUMENT_TIMEOUT_SECONDS`` each at most, then the batch fails
    instead of hanging.
    """
    job_list = list(jobs)
    results: dict[int, bytes] = {}
    if not job_list:
        return results
    # Recycling workers needs a fresh interpreter per worker ("spawn"), not a fork of this process.
    context = multiprocessing.get_context("spawn")
    chunks = [job_list[start : start + CHUNK] for start in range(0, len(job_list), CHUNK)]
    with context.Pool(processes=workers, maxtasksperchild=max(1, documents_per_worker // CHUNK)) as pool:
        # Each chunk is one task: chunks made by ``imap`` itself would come back through a generator, which
        # cannot be waited for with a timeout.
        rendered = pool.imap(_render_jobs, chunks)
        for _ in chunks:
            for payslip_id, pdf in rendered.next(timeout=DOCUMENT_TIMEOUT_SECONDS * CHUNK):
                results[payslip_id] = pdf
                if progress is not None:
                    progress(len(results), len(job_list))
    return results


def zip_documents(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of named documents with fixed timestamps, so the same documents give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()
