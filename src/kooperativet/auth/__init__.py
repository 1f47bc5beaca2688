"""Users, roles, passwords and tokens. ``tokens`` is the only module that imports python-jose."""
