"""``kooperativet demo``: a whole demo cooperative built through the same services the API uses.

The demo's data is fixed (its "today" is a parameter), so two runs into two new folders give the same
documents. Each feature adds one step module here (``people``, ``invoicing``, ``payroll`` …) with a
``run(context)`` function, and lists the documents it writes in ``manifest.json``
(``docs/demo.md``). Each step runs in its own transaction, committed before the next; the documents it
issues are rendered from their committed snapshots after that commit by the jobs the step recorded
(``documents.pipeline``), as a worker does in production, and written then
(``DemoContext.write_after_commit``).

Everything the demo makes is in its output folder: the database (unless one is given), the documents and its
keys. Its data key and blind-index key are generated there once (``data_key``, ``blind_index_key``), never
taken from the environment or ./data, and its public audit key is written beside them (``audit_key``), so
``KOOPERATIVET_DATA_DIR=DIR`` serves the demo's database with the keys it was written with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from kooperativet import __version__, all_jobs, encryption, migrate
from kooperativet.config import AUDIT_KEY_FILE, Settings
from kooperativet.db import after_commit, commit_now, make_engine, make_session_factory, transaction
from kooperativet.jobs.runner import run_due

#: The kinds of document the manifest lists (docs/demo.md): the cooperative's own documents, and no input.
MANIFEST_KINDS: Final = frozenset(
    {
        "invoice_pdf",
        "invoice_ubl",
        "credit_note_pdf",
        "credit_note_ubl",
        "employment_certificate_pdf",
        "payslip_pdf",
        "payroll_summary_csv",
        "payroll_summary_xlsx",
        "agi_xml",
        "sie",
        "pain001",
        "minutes_pdf",
        "ballots_json",
        "audit_log_json",
    }
)

#: The demo's audit key is fixed and public, so that two runs chain to the same hashes; never use it live.
DEMO_AUDIT_KEY = b"kooperativet demo audit key - public, not a secret"


def job_settings(out: Path) -> Settings:
    """The settings the demo's jobs run with: the defaults, read from no environment, so no SMTP server (an
    e-mail the demo queues stays queued rather than reaching a real server configured for this machine), and
    the output folder as the data folder, so that nothing is generated into ./data."""
    return Settings.model_construct(data_dir=out)


def demo_keyring(out: Path) -> encryption.Keyring:
    """The demo's own keys, generated once into ``out`` (0600), and its public audit key beside them."""
    audit_key = out / AUDIT_KEY_FILE
    if not audit_key.exists():
        audit_key.touch(mode=0o600)
        audit_key.write_text(DEMO_AUDIT_KEY.decode() + "\n", encoding="utf-8")
    return encryption.keyring_from(job_settings(out))


@dataclass
class Manifest:
    cooperative_name: str = ""
    organisation_number: str = ""
    files: list[dict[str, str]] = field(default_factory=list)

    def add(self, *, out: Path, path: Path, kind: str, document_id: str, audit_head: str | None) -> None:
        if kind not in MANIFEST_KINDS:
            raise ValueError(f"{kind!r} is not a kind the manifest lists (docs/demo.md)")
        entry = {
            "path": path.relative_to(out).as_posix(),
            "kind": kind,
            "document_id": document_id,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
        if audit_head is not None:  # export batches: the audit chain's head they were made on (N:HASH)
            entry["audit_head"] = audit_head
        self.files.append(entry)

    def write(self, out: Path) -> Path:
        body = {
            "generator": f"kooperativet {__version__}",
            "cooperative": {"name": self.cooperative_name, "organisation_number": self.organisation_number},
            "files": self.files,
        }
        path = out / "manifest.json"
        path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


@dataclass
class DemoContext:
    """What the steps share: the output folder, the fixed 'today', the manifest and named records' ids."""

    out: Path
    today: date
    manifest: Manifest
    session: Session = field(init=False)
    ids: dict[str, Any] = field(default_factory=dict)

    @property
    def now(self) -> datetime:
        """The demo's fixed moment: noon UTC on its "today", so two runs record the same events."""
        return datetime.combine(self.today, time(12, 0), tzinfo=UTC)

    def write(
        self, relative: str, content: bytes, *, kind: str, document_id: str, audit_head: str | None = None
    ) -> Path:
        """Write a document under ``out`` and list it in the manifest (with the audit head it anchors)."""
        path = self.write_input(relative, content)
        self.manifest.add(out=self.out, path=path, kind=kind, document_id=document_id, audit_head=audit_head)
        return path

    def write_input(self, relative: str, content: bytes) -> Path:
        """Write a file the demo feeds in (the bank's camt.054) under ``out``, not listed in the manifest."""
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path

    def commit_and_run_jobs(self) -> None:
        """Commit the step's work so far and do the jobs it recorded (render its documents), as a request
        followed by the worker would: the next part of the step reads what they made."""
        commit_now(self.session)
        run_due(self.session, job_settings(self.out), "demo")

    def write_after_commit(
        self, relative: str, content: Callable[[], bytes | None], *, kind: str, document_id: str
    ) -> None:
        """Write a document the step issued once the step has committed and the document pipeline has
        rendered it (``content`` reads the stored bytes then): the demo is its own worker, and runs the jobs
        the step recorded first."""

        def write(committed: Session) -> None:
            assert all_jobs  # the render_documents handler and every document kind are registered
            run_due(committed, job_settings(self.out), "demo")
            stored = content()
            if stored is None:
                raise RuntimeError(f"{document_id} was not rendered after the commit")
            self.write(relative, stored, kind=kind, document_id=document_id)

        after_commit(self.session, write)


def _steps() -> list[Callable[[DemoContext], None]]:
    from kooperativet.demo import assignments, audit, exports, governance, invoicing, payroll, people

    return [
        people.run,
        assignments.run,
        invoicing.run,
        payroll.run,
        payroll.write,
        governance.run,
        exports.run,
        audit.run,
    ]


#: The demo's own SQLite database in its folder, unless ``--database-url`` names another.
DEMO_DATABASE = "demo.sqlite3"


def run_demo(
    *, out: Path, today: date, database_url: str | None = None, keyring: encryption.Keyring | None = None
) -> Path:
    """Build the demo cooperative in ``out`` and return the path of its manifest. Personal data is encrypted
    under ``keyring``, by default the demo's own keys in ``out`` (:func:`demo_keyring`)."""
    out.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        (out / DEMO_DATABASE).unlink(missing_ok=True)
    url = database_url or f"sqlite:///{(out / DEMO_DATABASE).resolve()}"
    with encryption.using(keyring or demo_keyring(out)):
        migrate.upgrade(url)
        engine = make_engine(url)
        context = DemoContext(out=out, today=today, manifest=Manifest())
        try:
            # The documents rendered after each commit are recorded at the demo's fixed moment too.
            factory = make_session_factory(engine, audit_key=DEMO_AUDIT_KEY, clock=lambda: context.now)
            for step in _steps():
                with transaction(factory) as session:
                    context.session = session
                    step(context)
        finally:
            engine.dispose()
    return context.manifest.write(out)
