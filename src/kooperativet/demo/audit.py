"""Demo step, last: the audit log as JSON, so an outside check holding the demo's public key
(``DEMO_AUDIT_KEY``) can recompute the whole chain."""

from __future__ import annotations

import json

from kooperativet.audit.service import export_log
from kooperativet.demo import DemoContext


def run(context: DemoContext) -> None:
    document = export_log(context.session)
    content = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    head = document["head"]
    context.write(
        "audit/audit-log.json",
        content,
        kind="audit_log_json",
        document_id=str(document["head_hash"]),
        audit_head=f"{head['entries']}:{head['hash']}",
    )
