"""File downloads: one way to send stored bytes with a safe file name and an ETag."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Literal
from urllib.parse import quote

from fastapi import Response


def file_response(
    content: bytes,
    *,
    media_type: str,
    filename: str,
    disposition: Literal["attachment", "inline"] = "attachment",
    sha256: str | None = None,
) -> Response:
    """The bytes as a download. The name goes as an ASCII fallback plus its UTF-8 form (RFC 6266), so a
    user's file name (``kvitto "åäö".pdf``) can neither break the header nor fail to encode; the ETag is the
    content's SHA-256, the value stored beside every issued document."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("_") or "download"
    digest = sha256 or hashlib.sha256(content).hexdigest()
    disposition_header = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": disposition_header,
            "ETag": f'"{digest}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
