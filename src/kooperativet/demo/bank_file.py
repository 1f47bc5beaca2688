"""The demo's bank file: a camt.054.001.08 notification from the cooperative's bank, which the demo imports.

It holds what a Swedish bank reports for a bankgiro with OCR: a booked credit per payment, the OCR reference
in ``RmtInf/Strd/CdtrRefInf/Ref``. The demo file pays part of the lecture invoice and holds one payment whose
reference names no invoice, which the import stores as an unmatched entry for the treasurer
(invoicing.md, "Bank files"). Written as ``bank/camt054-<day>.xml``; an input, so not in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final
from xml.sax.saxutils import escape

_ENTRY: Final = """      <Ntry>
        <NtryRef>{number}</NtryRef>
        <Amt Ccy="SEK">{amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <ValDt><Dt>{day}</Dt></ValDt>
        <AcctSvcrRef>DEMO-{day}-{number}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>DEMO-{day}-{number}</AcctSvcrRef></Refs>
          <Amt Ccy="SEK">{amount}</Amt>
          <CdtDbtInd>CRDT</CdtDbtInd>
          <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{reference}</Ref>\
</CdtrRefInf></Strd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
"""

_DOCUMENT: Final = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>DEMO-{day}</MsgId><CreDtTm>{day}T06:00:00+01:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>DEMO-{day}</Id>
      <CreDtTm>{day}T06:00:00+01:00</CreDtTm>
      <Acct><Id><Othr><Id>{bankgiro}</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id></Acct>
{entries}    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""


@dataclass(frozen=True, slots=True)
class Credit:
    """One incoming payment: its amount and the OCR reference the payer gave."""

    amount: Decimal
    reference: str


def camt054(*, day: date, bankgiro: str, credits: list[Credit]) -> bytes:
    """A camt.054.001.08 notification of ``credits`` booked on ``day`` to ``bankgiro`` (digits only)."""
    entries = "".join(
        _ENTRY.format(
            number=f"{n:04d}", amount=credit.amount, day=day.isoformat(), reference=escape(credit.reference)
        )
        for n, credit in enumerate(credits, start=1)
    )
    return _DOCUMENT.format(day=day.isoformat(), bankgiro=escape(bankgiro), entries=entries).encode()
