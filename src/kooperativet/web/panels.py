"""The start page's panels: what needs the signed-in person's attention, one provider per area.

A provider takes the session, the user and today, and returns a ``Panel`` (a template under
``templates/panels/`` and its values) or ``None`` when it has nothing for this person. Areas add theirs to
``PROVIDERS``; each provider reads with a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kooperativet.auth.models import User
from kooperativet.web.reads.commissions import commissions_panel


@dataclass(frozen=True, slots=True)
class Panel:
    template: str
    values: Mapping[str, Any] = field(default_factory=dict)


Provider = Callable[..., Panel | None]

PROVIDERS: tuple[Provider, ...] = (commissions_panel,)


def panels_for(session: Session, *, user: User, today: date) -> list[Panel]:
    found = (provider(session=session, user=user, today=today) for provider in PROVIDERS)
    return [panel for panel in found if panel is not None]
