"""The app hashes passwords with argon2id at pwdlib's recommended cost (OWASP's advice for argon2id is at
least 19 MiB and two passes; pwdlib's is 64 MiB, three passes, four lanes). The rest of the suite uses the
lowest cost for its own logins (``tests/conftest.py``, ``QUICK_HASHER``); this holds the app's own hasher."""

from __future__ import annotations

from kooperativet.auth.passwords import _hasher as the_apps_hasher  # bound before the suite swaps it

PASSWORD = "correct horse battery staple"


def test_a_password_is_stored_as_argon2id_at_the_recommended_cost() -> None:
    stored = the_apps_hasher().hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert the_apps_hasher().verify(PASSWORD, stored)
    assert not the_apps_hasher().verify(PASSWORD + "!", stored)


def test_a_hash_of_either_cost_is_checked_by_its_own_parameters() -> None:
    """A stored hash carries its cost, so a password hashed at another cost (an older release's, or the test
    suite's) is still checked right."""
    from tests.conftest import QUICK_HASHER

    quick = QUICK_HASHER.hash(PASSWORD)
    assert quick.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert the_apps_hasher().verify(PASSWORD, quick)
    assert not the_apps_hasher().verify("wrong", quick)
