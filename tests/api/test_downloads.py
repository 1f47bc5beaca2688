from __future__ import annotations

import hashlib

import pytest

from kooperativet.api.downloads import file_response


@pytest.mark.parametrize(
    ("name", "fallback", "encoded"),
    [
        ("2026-0001.pdf", "2026-0001.pdf", "2026-0001.pdf"),
        ('kvitto "åäö".pdf', "kvitto_aao_.pdf", "kvitto%20%22%C3%A5%C3%A4%C3%B6%22.pdf"),
        ("taxi 🚕\r\nX-Evil: 1.png", "taxi_X-Evil_1.png", "taxi%20%F0%9F%9A%95%0D%0AX-Evil%3A%201.png"),
    ],
)
def test_a_file_name_cannot_break_the_header(name: str, fallback: str, encoded: str) -> None:
    response = file_response(b"%PDF-1.7", media_type="application/pdf", filename=name)
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    )


def test_the_etag_is_the_stored_digest_or_the_contents_own() -> None:
    content = b"<Invoice/>"
    assert file_response(content, media_type="application/xml", filename="a.xml").headers["etag"] == (
        f'"{hashlib.sha256(content).hexdigest()}"'
    )
    stored = file_response(content, media_type="application/xml", filename="a.xml", sha256="ab" * 32)
    assert stored.headers["etag"] == f'"{"ab" * 32}"'
    assert stored.headers["x-content-type-options"] == "nosniff"
