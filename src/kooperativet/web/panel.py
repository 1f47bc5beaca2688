"""What a start-page panel is: a template under ``templates/panels/`` and the values it shows.

Kept apart from ``panels`` (which lists the providers) so that a provider can import it at the top."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Panel:
    template: str
    values: Mapping[str, Any] = field(default_factory=dict)


Provider = Callable[..., Panel | None]
