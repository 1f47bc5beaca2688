"""The document pipeline on the anställningsbevis: approval stores its text (the snapshot) and the PDF is
rendered from that text after the commit; a failed rendering leaves it pending until it is downloaded."""

from __future__ import annotations

import hashlib

import weasyprint
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.documents.render import html_to_pdf
from kooperativet.employments.models import Employment
from tests.assignments.factories import approve, assignment_body, register, submit


def _approve(api: TestClient, make_member, make_user, client_record):
    member = make_member()
    treasurer = make_user(Role.treasurer)
    approved = approve(
        api,
        treasurer.headers,
        submit(api, member.headers, register(api, member.headers, assignment_body(client_record.id))),
    )
    return member, approved


def test_the_certificate_is_rendered_from_its_stored_text_after_the_approval(
    api: TestClient, session: Session, make_member, make_user, cooperative, client_record
) -> None:
    member, _ = _approve(api, make_member, make_user, client_record)

    [employment_read] = api.get("/api/v1/employments", headers=member.headers).json()["items"]

    employment = session.get_one(Employment, employment_read["id"])
    session.refresh(employment)
    assert employment.certificate_html is not None
    assert "Särskild visstidsanställning" in employment.certificate_html
    assert employment.certificate_pdf == html_to_pdf(employment.certificate_html)
    assert hashlib.sha256(employment.certificate_pdf).hexdigest() == employment_read["certificate_sha256"]


def test_a_failed_rendering_leaves_the_certificate_pending_until_its_download(
    api: TestClient, session: Session, make_member, make_user, cooperative, client_record, monkeypatch
) -> None:
    real_write_pdf = weasyprint.HTML.write_pdf

    def broken(*_args, **_kwargs):
        raise RuntimeError("the renderer is down")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    member, approved = _approve(api, make_member, make_user, client_record)
    assert approved["status"] == "approved"
    [employment_read] = api.get("/api/v1/employments", headers=member.headers).json()["items"]
    assert employment_read["certificate_sha256"] is None

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", real_write_pdf)
    path = f"/api/v1/employments/{employment_read['id']}/certificate.pdf"
    first = api.get(path, headers=member.headers)

    assert first.status_code == 200, first.text
    [after] = api.get("/api/v1/employments", headers=member.headers).json()["items"]
    assert after["certificate_sha256"] == hashlib.sha256(first.content).hexdigest()
    assert api.get(path, headers=member.headers).content == first.content
