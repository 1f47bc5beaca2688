"""Where an attachment's bytes come from. Each domain registers its documents (``@attachment_source``);
the mail worker asks for them when it sends, so a PDF still rendering is rendered first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class AttachmentFile:
    filename: str
    content_type: str  # "application/pdf"
    content: bytes


Source = Callable[[Session, int], AttachmentFile]
_SOURCES: dict[str, Source] = {}


def attachment_source(name: str) -> Callable[[Source], Source]:
    def register(function: Source) -> Source:
        _SOURCES[name] = function
        return function

    return register


def attachment(name: str, row_id: int) -> dict[str, object]:
    """A reference to store on an outgoing message: ``attachment("invoice_pdf", invoice.id)``."""
    if name not in _SOURCES:
        raise LookupError(f"no attachment source {name!r}")
    return {"source": name, "id": row_id}


def resolve(session: Session, reference: dict[str, object]) -> AttachmentFile:
    name = str(reference["source"])
    source = _SOURCES.get(name)
    if source is None:
        raise LookupError(f"no attachment source {name!r}")
    row_id = reference["id"]
    assert isinstance(row_id, int)
    return source(session, row_id)
