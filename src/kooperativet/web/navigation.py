"""The menu: each area of the interface, who it is for, and where it starts."""

from __future__ import annotations

from dataclasses import dataclass

from kooperativet.auth import policy
from kooperativet.auth.models import Role, User
from kooperativet.web.i18n import N_


@dataclass(frozen=True, slots=True)
class Area:
    path: str
    label: str  # an English message id; the template translates it
    roles: frozenset[Role]


EVERYONE = frozenset(Role)
AREAS = (
    Area("/", N_("Start"), EVERYONE),
    Area("/commissions", N_("Commissions"), frozenset({Role.member})),
    Area("/pay", N_("Pay"), frozenset({Role.member})),
    Area("/calculator", N_("What will I get?"), frozenset({Role.member})),
    Area("/meetings", N_("Meetings and votes"), EVERYONE),
    Area("/kb", N_("Guides"), EVERYONE),
    Area("/office", N_("Office"), frozenset(policy.OFFICE)),
    Area("/admin", N_("Administration"), frozenset({Role.admin})),
)


def areas_for(user: User | None) -> list[Area]:
    if user is None:
        return []
    return [area for area in AREAS if user.has_any_role(*area.roles)]


def current_area(path: str) -> str:
    """The menu entry a page belongs to: the longest area path that starts the page's path."""
    matches = [a.path for a in AREAS if path == a.path or (a.path != "/" and path.startswith(a.path + "/"))]
    return max(matches, key=len, default="/")
