"""Demo step, last: the audit log as JSON, so an outside check holding the demo's public key
(``DEMO_AUDIT_KEY``) can recompute the whole chain."""

from __future__ import annotations

import io
import json

from kooperativet.audit.service import write_log
from kooperativet.demo import DemoContext


def run(context: DemoContext) -> None:
    written = io.StringIO()
    write_log(context.session, written)
    text = written.getvalue() + "\n"
    document = json.loads(text)
    content = text.encode()
    head = document["head"]
    context.write(
        "audit/audit-log.json",
        content,
        kind="audit_log_json",
        document_id=str(document["head_hash"]),
        audit_head=f"{head['entries']}:{head['hash']}",
    )
