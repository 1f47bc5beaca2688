"""Invoice arithmetic: line amounts, the VAT breakdown per category and rate, and the totals (pure).

Rules (invoicing.md; EN 16931 business rules named where they apply):

* line amount = ``round_half_up(quantity × unit price)``; the unit price is excl. VAT;
* VAT is computed per (category, rate) on the **sum** of the line amounts, rounded half up to öre, not per
  line (BR-S-08, BR-CO-17);
* tax exclusive = sum of line amounts (no document-level allowances or charges, so BR-CO-13 reduces to this),
  tax inclusive = tax exclusive + VAT (BR-CO-15), payable = tax inclusive + rounding (BR-CO-16) where the
  rounding is the öresavrundning to whole kronor when the cooperative has it switched on;
* an invoice and a credit note are both calculated with positive quantities and prices: a UBL CreditNote
  states the credited amounts as positive numbers; the document kind gives the sign in the books;
* a credit note's VAT per (category, rate) and its rounding are its share of the invoice's, decided when it
  is issued (:class:`CreditShare`): never öresavrundning of its own, and the credit note that credits what
  is left of the invoice takes what is left of its VAT and rounding (invoicing.md, "Credit notes").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from kooperativet.core.money import ORE, ZERO, round_half_up, round_to_krona
from kooperativet.core.vat import REVERSE_CHARGE_TEXT, VatCategory, VatRuleViolation, check_vat_treatment

#: VATEX exemption reason codes (CEF VATEX code list, as Peppol checks them in PEPPOL-EN16931-P0105/P0107).
REVERSE_CHARGE_REASON_CODE: Final = "VATEX-EU-AE"
OUTSIDE_SCOPE_REASON_CODE: Final = "VATEX-EU-O"
#: Öresavrundning to whole kronor never moves the payable amount by more than 50 öre.
MAX_ROUNDING: Final = Decimal("0.50")

_UNIT_CODE: Final = re.compile(r"[A-Z0-9]{1,3}")


class InvoiceRuleViolation(ValueError):
    """An invoice that breaks a Swedish or EN 16931 rule; ``field`` names the offending input
    (``lines[2].vat_rate``, ``buyer.vat_number``) and ``reason`` says which rule in plain words."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


_CATEGORY_ORDER: Final = {category: index for index, category in enumerate(VatCategory)}


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line as entered: what was supplied, how much, at what price excl. VAT, and its VAT treatment.

    ``unit`` is a UN/ECE Recommendation 20 unit code as Peppol requires (``HUR`` hour, ``DAY`` day,
    ``C62`` piece, ``LS`` lump sum). ``exemption_reason`` is the legal reference or words for category E
    (required, mervärdesskattelagen 17 kap.) and optionally for O; it is not used for S and AE.
    """

    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_category: VatCategory
    vat_rate: Decimal
    exemption_reason: str | None = None


@dataclass(frozen=True, slots=True)
class CalculatedLine:
    """A line with its amount excl. VAT (``round_half_up(quantity × unit_price)``, EN 16931 BT-131)."""

    line: InvoiceLine
    amount: Decimal


@dataclass(frozen=True, slots=True)
class VatSubtotal:
    """One row of the VAT breakdown (EN 16931 BG-23): per category and rate, the taxable amount, the VAT on
    it, and for E, AE and O the exemption reason text and/or code (BR-E-10, BR-AE-10, BR-O-10)."""

    category: VatCategory
    rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    exemption_reason: str | None
    exemption_reason_code: str | None


@dataclass(frozen=True, slots=True)
class TaxedTotals:
    """Net, VAT and gross that cannot exist unless net + VAT = gross, all in whole öre (pretix's taxed
    price; BR-CO-15)."""

    net: Decimal
    tax: Decimal
    gross: Decimal

    def __post_init__(self) -> None:
        for name in ("net", "tax", "gross"):
            _require_money(getattr(self, name), field=f"totals.{name}")
        if self.net + self.tax != self.gross:
            raise InvoiceRuleViolation(
                "totals.gross", f"net {self.net} + VAT {self.tax} is not gross {self.gross} (BR-CO-15)"
            )


@dataclass(frozen=True, slots=True)
class InvoiceTotals:
    """The document totals (EN 16931 BG-22) with their invariants checked on construction:
    line extension = tax exclusive (BR-CO-13 without document allowances/charges), payable = tax inclusive +
    rounding (BR-CO-16) and |rounding| ≤ ``max_rounding`` (0.50, the most öresavrundning moves an amount;
    None for a credit note's share of its invoice's rounding, which :class:`CreditShare` decides)."""

    line_extension_amount: Decimal
    taxed: TaxedTotals
    rounding_amount: Decimal
    payable_amount: Decimal
    max_rounding: Decimal | None = MAX_ROUNDING

    def __post_init__(self) -> None:
        _require_money(self.line_extension_amount, field="totals.line_extension_amount")
        _require_money(self.rounding_amount, field="totals.rounding_amount")
        _require_money(self.payable_amount, field="totals.payable_amount")
        if self.line_extension_amount != self.taxed.net:
            raise InvoiceRuleViolation(
                "totals.line_extension_amount", "the sum of the lines must equal the amount excl. VAT"
            )
        if self.max_rounding is not None and abs(self.rounding_amount) > self.max_rounding:
            raise InvoiceRuleViolation(
                "totals.rounding_amount", f"öresavrundning moves the amount at most {self.max_rounding}"
            )
        if self.taxed.gross + self.rounding_amount != self.payable_amount:
            raise InvoiceRuleViolation(
                "totals.payable_amount", "payable must be the amount incl. VAT plus the rounding (BR-CO-16)"
            )

    @property
    def tax_exclusive_amount(self) -> Decimal:
        """Invoice total amount without VAT (BT-109)."""
        return self.taxed.net

    @property
    def tax_amount(self) -> Decimal:
        """Invoice total VAT amount (BT-110)."""
        return self.taxed.tax

    @property
    def tax_inclusive_amount(self) -> Decimal:
        """Invoice total amount with VAT (BT-112)."""
        return self.taxed.gross


@dataclass(frozen=True, slots=True)
class CreditedVat:
    """The VAT a credit note credits for one VAT category and rate."""

    category: VatCategory
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CreditShare:
    """A credit note's share of its invoice's VAT and rounding, decided when it is issued from what the
    earlier credit notes took (``service.credit_note``) and kept in its snapshot, so that the documents say
    the same every time: the VAT per category and rate, and the rounding (zero unless it credits what is left
    of the invoice, which then takes what is left of the invoice's rounding)."""

    vat: tuple[CreditedVat, ...]
    rounding: Decimal

    def vat_of(self, category: VatCategory, rate: Decimal) -> Decimal:
        for row in self.vat:
            if row.category is category and row.rate == rate:
                return row.amount
        raise InvoiceRuleViolation("lines", f"the credit note states no VAT for {category.value} {rate} %")


@dataclass(frozen=True, slots=True)
class InvoiceCalculation:
    """Everything an invoice shows in numbers: the lines with amounts, the VAT breakdown and the totals."""

    lines: tuple[CalculatedLine, ...]
    vat_breakdown: tuple[VatSubtotal, ...]
    totals: InvoiceTotals


def calculate_invoice(
    *,
    lines: Sequence[InvoiceLine],
    buyer_vat_number: str | None,
    round_payable_to_krona: bool,
    buyer_country: str | None = None,
    credit_share: CreditShare | None = None,
) -> InvoiceCalculation:
    """Validate the lines and compute line amounts, the VAT breakdown and the totals.

    VAT per (category, rate) is ``round_half_up(sum of line amounts × rate / 100)`` (invoicing.md: "VAT is
    computed per rate on the sum of lines, not per line"). With ``round_payable_to_krona`` (the cooperative's
    öresavrundning setting) the payable amount is rounded half up to whole kronor and the difference is the
    rounding amount (booked on 3740). A credit note's ``credit_share`` gives its VAT per rate and its
    rounding instead. ``buyer_country`` checks the categories against where the buyer is (``core.vat``).
    Raises :class:`InvoiceRuleViolation` on the first broken rule.
    """
    validate_lines(lines=lines, buyer_vat_number=buyer_vat_number, buyer_country=buyer_country)
    calculated = tuple(
        CalculatedLine(line=line, amount=round_half_up(line.quantity * line.unit_price)) for line in lines
    )

    groups: dict[tuple[VatCategory, Decimal], list[CalculatedLine]] = {}
    for item in calculated:
        # Normalised so that 25 and 25.00 are one rate, and the key sorts the same way every time.
        key = (item.line.vat_category, item.line.vat_rate.normalize())
        groups.setdefault(key, []).append(item)
    breakdown = tuple(
        _vat_subtotal(category=category, rate=rate, items=groups[(category, rate)], share=credit_share)
        for category, rate in sorted(groups, key=lambda key: (_CATEGORY_ORDER[key[0]], -key[1]))
    )

    net = sum((item.amount for item in calculated), ZERO)
    tax = sum((subtotal.tax_amount for subtotal in breakdown), ZERO)
    taxed = TaxedTotals(net=net, tax=tax, gross=net + tax)
    if credit_share is not None:
        _require_money(credit_share.rounding, field="totals.rounding_amount")
        totals = InvoiceTotals(
            line_extension_amount=net,
            taxed=taxed,
            rounding_amount=credit_share.rounding,
            payable_amount=taxed.gross + credit_share.rounding,
            max_rounding=None,
        )
        return InvoiceCalculation(lines=calculated, vat_breakdown=breakdown, totals=totals)
    payable = round_to_krona(taxed.gross) if round_payable_to_krona else taxed.gross
    totals = InvoiceTotals(
        line_extension_amount=net, taxed=taxed, rounding_amount=payable - taxed.gross, payable_amount=payable
    )
    return InvoiceCalculation(lines=calculated, vat_breakdown=breakdown, totals=totals)


def validate_lines(
    *, lines: Sequence[InvoiceLine], buyer_vat_number: str | None, buyer_country: str | None = None
) -> None:
    """Check the lines against the Swedish and EN 16931 rules; raise :class:`InvoiceRuleViolation`.

    * at least one line (BR-16); a description (BT-153); a UN/ECE unit code (BT-130);
    * quantity and unit price are decimals above zero, the price in whole öre (BR-27, BR-DEC);
    * S: rate 25, 12 or 6 (SE-R-006) and no exemption reason (BR-S-10);
    * E: rate 0 (BR-E-05) and an exemption reason (BR-E-10, mervärdesskattelagen 17 kap.);
    * AE: rate 0 (BR-AE-05) and the buyer's VAT number (BR-AE-02, mervärdesskattelagen 17 kap.), of another
      EU country when ``buyer_country`` is given;
    * O: rate 0, and no other category on the same invoice (BR-O-11); a buyer outside the EU when
      ``buyer_country`` is given.

    ``buyer_country`` is given when an invoice is issued; a credit note reverses its invoice as it was.
    """
    if not lines:
        raise InvoiceRuleViolation("lines", "an invoice needs at least one line (BR-16)")
    categories = {line.vat_category for line in lines}
    for index, line in enumerate(lines):
        field = f"lines[{index}]"
        if not line.description.strip():
            raise InvoiceRuleViolation(f"{field}.description", "say what was supplied")
        if not _UNIT_CODE.fullmatch(line.unit):
            raise InvoiceRuleViolation(f"{field}.unit", "use a UN/ECE Rec. 20 unit code such as HUR or C62")
        _require_positive(line.quantity, field=f"{field}.quantity")
        _require_positive(line.unit_price, field=f"{field}.unit_price")
        _require_money(line.unit_price, field=f"{field}.unit_price")
        _check_vat(line, field=field, buyer_vat_number=buyer_vat_number, buyer_country=buyer_country)
        if line.vat_category is VatCategory.OUTSIDE_SCOPE and len(categories) > 1:
            raise InvoiceRuleViolation(
                f"{field}.vat_category",
                "a line outside the scope of VAT (O) cannot share an invoice with other categories (BR-O-11)",
            )


def _check_vat(
    line: InvoiceLine, *, field: str, buyer_vat_number: str | None, buyer_country: str | None
) -> None:
    try:
        check_vat_treatment(
            category=line.vat_category,
            rate=line.vat_rate,
            exemption_reason=line.exemption_reason,
            buyer_vat_number=buyer_vat_number,
            field=field,
            buyer_field="buyer.vat_number",
            buyer_country=buyer_country,
        )
    except VatRuleViolation as exc:
        raise InvoiceRuleViolation(exc.field, exc.reason) from exc


def _require_positive(value: Decimal, *, field: str) -> None:
    # Floats are refused: they have already lost the öre (docs/overview.md, "Money": no floats for money).
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvoiceRuleViolation(field, "must be a finite Decimal, never a float")
    if value <= 0:
        raise InvoiceRuleViolation(field, "must be above zero; credit notes also state positive amounts")


def _require_money(value: Decimal, *, field: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvoiceRuleViolation(field, "must be a finite Decimal, never a float")
    if value != value.quantize(ORE):
        raise InvoiceRuleViolation(field, "money has at most two decimals (BR-DEC)")


def _vat_subtotal(
    *, category: VatCategory, rate: Decimal, items: Sequence[CalculatedLine], share: CreditShare | None
) -> VatSubtotal:
    taxable = sum((item.amount for item in items), ZERO)
    tax = round_half_up(taxable * rate / 100) if share is None else share.vat_of(category, rate)
    reason: str | None = None
    code: str | None = None
    match category:
        case VatCategory.EXEMPT | VatCategory.OUTSIDE_SCOPE:
            # One breakdown row per category and rate (BR-E-08, BR-O-08): distinct reasons are joined in the
            # order the lines give them.
            reasons = dict.fromkeys(
                (item.line.exemption_reason or "").strip() for item in items if item.line.exemption_reason
            )
            reason = "; ".join(text for text in reasons if text) or None
            if category is VatCategory.OUTSIDE_SCOPE:
                code = OUTSIDE_SCOPE_REASON_CODE
        case VatCategory.REVERSE_CHARGE:
            reason = REVERSE_CHARGE_TEXT
            code = REVERSE_CHARGE_REASON_CODE
        case VatCategory.STANDARD:
            pass
    return VatSubtotal(
        category=category,
        rate=rate,
        taxable_amount=taxable,
        tax_amount=tax,
        exemption_reason=reason,
        exemption_reason_code=code,
    )


def amounts_including_vat(calculation: InvoiceCalculation) -> tuple[Decimal, ...]:
    """Each line's amount including VAT, for a private person's invoice (consumers are shown prices
    including VAT, prisinformationslagen (2004:347)).

    VAT is computed on the sum per rate, not per line, so rounding each line on its own could miss the total
    by an öre. Instead each line takes the rounded running total of its rate less the running total before
    it: the lines of a rate add up exactly to that rate's taxable amount plus its VAT.
    """
    running: dict[tuple[VatCategory, Decimal], Decimal] = {}
    result = []
    for item in calculation.lines:
        rate = item.line.vat_rate.normalize()
        key = (item.line.vat_category, rate)
        before = running.get(key, ZERO)
        running[key] = before + item.amount
        result.append(_gross(running[key], rate) - _gross(before, rate))
    return tuple(result)


def _gross(net: Decimal, rate: Decimal) -> Decimal:
    return net + round_half_up(net * rate / 100)
