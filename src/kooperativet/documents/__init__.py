"""PDF documents: the only package that imports WeasyPrint.

``render_pdf(template, context)`` renders a Jinja2 template from ``templates/`` (autoescaped) to PDF/A.
WeasyPrint may fetch only files inside ``templates/`` — never the network, never other local files — so a
client named ``<img src="file:///etc/passwd">`` is text, and a stylesheet cannot leak files either.
"""
