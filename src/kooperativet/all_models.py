"""Every ORM model, imported once so that ``Base.metadata`` is complete (Alembic, tests)."""

from kooperativet.api import idempotency
from kooperativet.assignments import models as assignments_models
from kooperativet.auth import models as auth_models
from kooperativet.db import Base
from kooperativet.parameters import models as parameters_models
from kooperativet.parties import models as parties_models

__all__ = ["Base", "idempotency", "assignments_models", "auth_models", "parameters_models", "parties_models"]
