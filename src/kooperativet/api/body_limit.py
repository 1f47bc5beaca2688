"""The request body limit, counted as the bytes arrive.

A ``Content-Length`` over the limit is refused before anything is read. A body without one (chunked
transfer encoding) is counted chunk by chunk and refused as soon as it passes the limit, so a client cannot
make the server hold more than the limit in memory — not even before authentication, because FastAPI reads
the body before it resolves the dependencies that authenticate.

The API is refused with its RFC 9457 problem. A page's form (any path outside ``/api/``, or a request that
asks for HTML) is refused with a page a person can read: a member who saved a draft with three photographed
receipts, too large together, was shown a bare JSON error. The page says it in both languages, the one the
person chose first: the language is the web's (``web.i18n``), a layer above this one, so the application
hands this one the name of the cookie the web keeps it in (``language_cookie``); without it, or without
the cookie, Swedish comes first. The web's forms check the sizes before they send (``static/app.js``), so
the page is for a browser without scripts, or a form the check did not cover.
"""

from __future__ import annotations

from html import escape

from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` at the limit; the problem handler renders it as a 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=f"the request body is over {max_bytes} bytes")


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether their size is declared or not."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, language_cookie: str | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.language_cookie = language_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        over = False
        started = False
        replaced = False

        async def counting_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    over = True
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started, replaced
            if message["type"] == "http.response.start" and not started:
                started = True
                # Whatever the web's error handler made of the refusal ("no such page"), a person is told
                # what happened and what to do, as when the length was declared.
                replaced = over and _wants_a_page(scope)
                if replaced:
                    await self._refuse(scope, receive, send)
            if not replaced:
                await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            # Raised where no exception handler sits (e.g. a body read by a middleware).
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self._page(scope) if _wants_a_page(scope) else self._problem(scope)
        await response(scope, receive, send)

    def _problem(self, scope: Scope) -> Response:
        body = {
            "type": "urn:kooperativet:problem:payload_too_large",
            "title": "Payload too large",
            "status": 413,
            "detail": f"the request body is over {self.max_bytes} bytes",
            "code": "payload_too_large",
            "instance": scope.get("path"),
        }
        return JSONResponse(body, status_code=413, media_type="application/problem+json")

    def _page(self, scope: Scope) -> Response:
        return HTMLResponse(refusal_page(self.max_bytes, language=self._language(scope)), status_code=413)

    def _language(self, scope: Scope) -> str:
        if self.language_cookie is None:
            return "sv"
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                chosen = cookie_parser(value.decode("latin-1")).get(self.language_cookie)
                if chosen in _SECTIONS:
                    return chosen
        return "sv"


def refusal_page(max_bytes: int, *, language: str = "sv") -> str:
    """What a person reads when her form was too large: nothing saved, how to get her typing back and how
    to save the receipts, in ``language`` first and the other language below. The limit is said in MB as
    she writes it (12 MB, 7,5 MB), never rounded up."""
    first, *rest = sorted(_SECTIONS, key=lambda each: each != language)
    sections = [
        _SECTIONS[each].format(size=escape(megabytes(max_bytes, _DECIMAL_MARKS[each])), heading=heading)
        for each, heading in zip((first, *rest), ("h1", "h2"), strict=True)
    ]
    return _PAGE.format(language=first, title=_TITLES[first], sections="\n".join(sections))


def megabytes(size: int, decimal_mark: str) -> str:
    """``size`` in MB (of 1 048 576 bytes, as a phone counts a photo's) with at most one decimal, cut off."""
    tenths = size * 10 // (1024 * 1024)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}{decimal_mark}{tenth}" if tenth else str(whole)


def _wants_a_page(scope: Scope) -> bool:
    if not str(scope.get("path", "")).startswith("/api/"):
        return True
    headers = scope.get("headers", [])
    return any(name == b"accept" and b"text/html" in value.lower() for name, value in headers)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length" and value.isdigit():
            return int(value)
    return 0


_PAGE = """<!doctype html>
<html lang="{language}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} – kooperativet</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
  <header class="top"><a class="brand" href="/">kooperativet</a></header>
  <main id="main">
{sections}
  </main>
</body>
</html>
"""

_TITLES = {"sv": "För stort att skicka", "en": "Too large to send"}
_DECIMAL_MARKS = {"sv": ",", "en": "."}
_SECTIONS = {
    "sv": """    <section class="narrow" lang="sv">
      <{heading}>Det du skickade var för stort</{heading}>
      <p>Inget är sparat. Högst {size} MB kan skickas på en gång, och det du skickade var större,
      oftast för att flera kvitton eller foton skickades tillsammans.</p>
      <p>Gå tillbaka med webbläsarens bakåtknapp. Det du skrev brukar finnas kvar, men välj filerna igen.
      Spara med färre kvitton åt gången, ett eller två, och lägg till resten när du har sparat.</p>
    </section>""",
    "en": """    <section class="narrow" lang="en">
      <{heading}>What you sent was too large</{heading}>
      <p>Nothing is saved. At most {size} MB can be sent at once, and what you sent was larger, usually
      because several receipts or photos were sent together.</p>
      <p>Go back with your browser's back button. What you typed is usually still there, but choose the files
      again. Save with fewer receipts at a time, one or two, and add the rest once you have saved.</p>
    </section>""",
}
