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
    Area("/office", N_("Office"), frozenset(policy.OFFICE_READERS)),
    Area("/admin", N_("Administration"), frozenset({Role.admin})),
)


def areas_for(user: User | None) -> list[Area]:
    if user is None:
        return []
    return [area for area in AREAS if user.has_any_role(*area.roles)]


#: The header's own links beside the menu (her details, her password): their pages belong to them, not to
#: "Start", which is marked only on the start page itself.
OWN_PAGES = ("/me", "/account/password")


def current_area(path: str) -> str:
    """The menu entry or header link a page belongs to: the longest path that starts the page's path, or
    none ("")."""
    paths = [a.path for a in AREAS] + list(OWN_PAGES)
    matches = [p for p in paths if path == p or (p != "/" and path.startswith(p + "/"))]
    return max(matches, key=len, default="")
