"""The web interface: server-rendered pages on the same services and rules as the API.

Pages live in ``web/pages`` (one module per area), templates in ``web/templates``, assets in ``web/static``
(served by the app itself, no CDN), translations in ``web/locale`` (Swedish by default, English on request).
"""
