"""The request body limit, counted as the bytes arrive.

A ``Content-Length`` over the limit is refused before anything is read. A body without one (chunked
transfer encoding) is counted chunk by chunk and refused as soon as it passes the limit, so a client cannot
make the server hold more than the limit in memory — not even before authentication, because FastAPI reads
the body before it resolves the dependencies that authenticate.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` at the limit; the problem handler renders it as a 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=f"the request body is over {max_bytes} bytes")


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether their size is declared or not."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            # Raised where no exception handler sits (e.g. a body read by a middleware).
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = {
            "type": "urn:kooperativet:problem:payload_too_large",
            "title": "Payload too large",
            "status": 413,
            "detail": f"the request body is over {self.max_bytes} bytes",
            "code": "payload_too_large",
            "instance": scope.get("path"),
        }
        response = JSONResponse(body, status_code=413, media_type="application/problem+json")
        await response(scope, receive, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length" and value.isdigit():
            return int(value)
    return 0
