"""The minutes print the audit chain's head (event count and full hash) in Swedish words; it is the anchor
for ``kooperativet audit verify --anchor N:HASH`` (docs/audit.md), which the minutes do not print."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from kooperativet.audit.service import Anchor, chain_head, verify
from tests.governance.conftest import Assembly
from tests.governance.test_meetings_api import API, open_meeting_with_everyone


def test_the_minutes_print_the_audit_head_they_were_drawn_up_on(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    head = chain_head(session)
    minutes = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    assert minutes["audit_head_hash"] == head.hash
    pdf = api.get(f"{API}/minutes/{minutes['id']}/pdf", headers=headers).content
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = "".join(text.split())  # the hash wraps across lines
    assert "Händelseloggens huvud när protokollet upprättades:" in " ".join(text.split())
    assert f"{head.entries}händelser,{head.hash}" in flat
    assert "audit verify" not in text  # the command is in docs/audit.md, not in a Swedish document
    assert verify(session, anchor=Anchor.parse(f"{head.entries}:{head.hash}")).ok
