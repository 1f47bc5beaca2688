"""The HTTP edge: who the client is behind a reverse proxy, and what every response tells caches.

The client address is the direct peer unless that peer is one of ``KOOPERATIVET_TRUSTED_PROXIES``; only
then is ``X-Forwarded-For`` read, from the right, skipping trusted proxies, so a client cannot pick its own
address by sending the header. The app is the one place that decides this: ``kooperativet serve`` turns
uvicorn's own proxy handling off (which otherwise believes 127.0.0.1 or ``FORWARDED_ALLOW_IPS``).

Every response says ``Cache-Control: no-store``: member records, payslips and problem details carry
personal data, and no shared or browser cache should keep them (GDPR art. 32, security of processing).
Every response also forbids the browser to guess another type than the one it names (``nosniff``) and to
send the address of a page, which can name a member or a document, to another site (``Referrer-Policy``).
Every page (HTML) may be shown in no other site's frame (``frame-ancestors``, ``X-Frame-Options``), so that
no page can lay a button of ours under a click meant for its own (clickjacking), and runs only the
scripts and style sheets this site serves (``Content-Security-Policy``): text a member typed that slipped
through escaping still could not run. The API's interactive documentation (``/docs``, ``/redoc``) starts
its viewers with inline scripts, so it keeps only the rule on frames. A header a response sets itself
(the set-password page's stricter referrer rule) is left as it is.

Where the sign-in cookie is sent only over HTTPS (production, ``cookies_are_secure``), the site is one that
works only over HTTPS, and every response says so for a year (``Strict-Transport-Security``): a browser that
has seen it never again asks for the site over plain HTTP, where the first request could be diverted. A
browser heeds the header only when it came over HTTPS, so a test server over HTTP is not bound by it.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from kooperativet.config import Settings

NO_STORE = (b"cache-control", b"no-store")
#: What every response says.
EVERY_RESPONSE = (
    NO_STORE,
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
#: What a page says besides: its own scripts, styles and images only, in no other site's frame.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
DOCS = ("/docs", "/redoc")
HTTPS_ONLY = (b"strict-transport-security", b"max-age=31536000")


def page_headers(path: str) -> tuple[tuple[bytes, bytes], ...]:
    policy = DOCS_POLICY if path.startswith(DOCS) else PAGE_POLICY
    return ((b"content-security-policy", policy.encode()), (b"x-frame-options", b"DENY"))


def _is_a_page(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(
        name.lower() == b"content-type" and value.lower().startswith(b"text/html") for name, value in headers
    )


class EdgeHeaders:
    """Add the headers every response and every page carries (the module's docstring says why) to an HTTP
    response that does not set them itself."""

    def __init__(self, app: ASGIApp, *, https_only: bool = False) -> None:
        self.app = app
        self.every_response = (*EVERY_RESPONSE, HTTPS_ONLY) if https_only else EVERY_RESPONSE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                wanted = self.every_response + (page_headers(scope["path"]) if _is_a_page(headers) else ())
                present = {name.lower() for name, _ in headers}
                message["headers"] = [*headers, *(pair for pair in wanted if pair[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_edge(app: FastAPI, *, settings: Settings) -> None:
    """Wrap the app: the edge's headers outermost, so that every response gets them, even a 413."""
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    app.add_middleware(EdgeHeaders, https_only=settings.cookies_are_secure)
