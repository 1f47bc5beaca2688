"""The HTTP edge: who the client is behind a reverse proxy, and what every response tells caches.

The client address is the direct peer unless that peer is one of ``KOOPERATIVET_TRUSTED_PROXIES``; only
then is ``X-Forwarded-For`` read, from the right, skipping trusted proxies, so a client cannot pick its own
address by sending the header. The app is the one place that decides this: ``kooperativet serve`` turns
uvicorn's own proxy handling off (which otherwise believes 127.0.0.1 or ``FORWARDED_ALLOW_IPS``).

Every response says ``Cache-Control: no-store``: member records, payslips and problem details carry
personal data, and no shared or browser cache should keep them (GDPR art. 32, security of processing).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from kooperativet.config import Settings

NO_STORE = (b"cache-control", b"no-store")


class NoStore:
    """Add ``Cache-Control: no-store`` to every HTTP response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == NO_STORE[0] for name, _ in headers):
                    message["headers"] = [*headers, NO_STORE]
            await send(message)

        await self.app(scope, receive, send_no_store)


def install_edge(app: FastAPI, *, settings: Settings) -> None:
    """Wrap the app: cache headers outermost, so that every response gets them, even a 413."""
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    app.add_middleware(NoStore)
