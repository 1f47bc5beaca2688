"""Failed logins are throttled per account at an address and per address, never per account alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.auth.models import Role
from kooperativet.auth.throttle import LoginThrottle
from kooperativet.config import Settings
from kooperativet.errors import TooManyRequests
from kooperativet.main import create_app
from tests.conftest import PASSWORD

PROXY = "10.0.0.1"


@pytest.fixture
def behind_proxy(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """The API as reached through a trusted reverse proxy at 10.0.0.1, at most 8 failures per address."""
    proxied = settings.model_copy(update={"trusted_proxies": f"{PROXY}", "login_attempts_per_address": 8})
    app = create_app(proxied)
    app.state.session_factory = session_factory
    with TestClient(app, raise_server_exceptions=False, client=(PROXY, 443)) as client:
        yield client


def log_in(api: TestClient, email: str, password: str, *, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = api.post("/api/v1/auth/token", data={"username": email, "password": password}, headers=headers)
    return response.status_code


def test_a_throttled_login_is_a_429_problem_with_a_retry_after_header(api: TestClient, make_user) -> None:
    make_user(Role.member, email="target@example.se")
    for _ in range(5):
        assert log_in(api, "target@example.se", "guess guess") == 401
    response = api.post("/api/v1/auth/token", data={"username": "target@example.se", "password": PASSWORD})
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "too_many_requests"
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= 300
    assert response.json()["retry_after_seconds"] == retry_after


def test_one_accounts_failures_do_not_lock_out_others_at_the_same_address(api: TestClient, make_user) -> None:
    make_user(Role.member, email="anna@example.se")
    make_user(Role.member, email="bo@example.se")
    for _ in range(5):
        log_in(api, "anna@example.se", "guess guess")
    assert log_in(api, "anna@example.se", PASSWORD) == 429
    assert log_in(api, "bo@example.se", PASSWORD) == 200


def test_failures_on_the_sign_in_form_count_for_the_api_whatever_the_case_or_spaces(
    api: TestClient, make_user
) -> None:
    make_user(Role.member, email="anna@example.se")
    browser = TestClient(api.app)
    for attempt in range(5):  # settings.login_attempts_per_window
        token = browser.get("/signin").text.split('name="csrf_token" value="')[1].split('"')[0]
        email = "ANNA@EXAMPLE.SE" if attempt % 2 else " anna@example.se "
        browser.post(
            "/signin", data={"email": email, "password": "guess guess", "next": "/", "csrf_token": token}
        )
    assert log_in(api, "anna@example.se", PASSWORD) == 429


def test_a_forwarded_for_header_from_an_untrusted_peer_is_ignored(api: TestClient, make_user) -> None:
    make_user(Role.member, email="anna@example.se")
    for attempt in range(5):
        log_in(api, "anna@example.se", "guess guess", forwarded_for=f"203.0.113.{attempt}")
    assert log_in(api, "anna@example.se", PASSWORD, forwarded_for="198.51.100.7") == 429


def test_an_attacker_elsewhere_cannot_lock_out_the_owner(behind_proxy: TestClient, make_user) -> None:
    make_user(Role.member, email="anna@example.se")
    for _ in range(5):
        log_in(behind_proxy, "anna@example.se", "guess guess", forwarded_for="203.0.113.5")
    assert log_in(behind_proxy, "anna@example.se", PASSWORD, forwarded_for="203.0.113.5") == 429
    assert log_in(behind_proxy, "anna@example.se", PASSWORD, forwarded_for="198.51.100.7") == 200


def test_a_client_cannot_choose_its_address_by_prepending_to_forwarded_for(
    behind_proxy: TestClient, make_user
) -> None:
    make_user(Role.member, email="anna@example.se")
    for attempt in range(5):
        spoofed = f"192.0.2.{attempt}, 203.0.113.5"  # the proxy appends the real peer on the right
        log_in(behind_proxy, "anna@example.se", "guess guess", forwarded_for=spoofed)
    assert log_in(behind_proxy, "anna@example.se", PASSWORD, forwarded_for="192.0.2.99, 203.0.113.5") == 429


def test_one_address_trying_many_accounts_is_stopped_by_the_address_limit(
    behind_proxy: TestClient, make_user
) -> None:
    make_user(Role.member, email="victim@example.se")
    for attempt in range(8):
        log_in(behind_proxy, f"guess{attempt}@example.se", "guess guess", forwarded_for="203.0.113.5")
    assert log_in(behind_proxy, "victim@example.se", PASSWORD, forwarded_for="203.0.113.5") == 429
    assert log_in(behind_proxy, "victim@example.se", PASSWORD, forwarded_for="198.51.100.7") == 200


def test_a_success_does_not_reset_the_address_count(behind_proxy: TestClient, make_user) -> None:
    make_user(Role.member, email="mine@example.se")
    for attempt in range(7):
        log_in(behind_proxy, f"guess{attempt}@example.se", "guess guess", forwarded_for="203.0.113.5")
    assert log_in(behind_proxy, "mine@example.se", PASSWORD, forwarded_for="203.0.113.5") == 200
    assert log_in(behind_proxy, "guess7@example.se", "guess guess", forwarded_for="203.0.113.5") == 401
    assert log_in(behind_proxy, "guess8@example.se", "guess guess", forwarded_for="203.0.113.5") == 429


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def retry_after(throttle: LoginThrottle, *, account: str = "anna", address: str = "203.0.113.5") -> int:
    with pytest.raises(TooManyRequests) as refused:
        throttle.check_and_count(account=account, address=address)
    seconds = refused.value.extra["retry_after_seconds"]
    assert isinstance(seconds, int)
    return seconds


def test_retry_after_is_the_whole_seconds_until_the_window_frees() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=2, attempts_per_address=100, window_seconds=300, clock=clock)
    for at in (1000.0, 1100.0):
        clock.now = at
        throttle.check_and_count(account="anna", address="203.0.113.5")
    clock.now = 1250.5
    # Two attempts, limit two: a try is allowed again when the first (at 1000) leaves the window at 1300.
    assert retry_after(throttle) == 50
    clock.now = 1299.9
    assert retry_after(throttle) == 1
    clock.now = 1300.0
    throttle.check_and_count(account="anna", address="203.0.113.5")


def test_the_address_limit_counts_every_account() -> None:
    throttle = LoginThrottle(attempts=5, attempts_per_address=3, window_seconds=60, clock=Clock())
    for account in ("a", "b", "c"):
        throttle.check_and_count(account=account, address="203.0.113.5")
    assert retry_after(throttle, account="d") == 60
    throttle.check_and_count(account="d", address="198.51.100.7")


def test_a_refused_attempt_is_not_counted() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=1, attempts_per_address=100, window_seconds=60, clock=clock)
    throttle.check_and_count(account="anna", address="203.0.113.5")
    clock.now = 1030.0
    assert retry_after(throttle) == 30  # refused, and not counted: the window still frees at 1060
    clock.now = 1060.0
    throttle.check_and_count(account="anna", address="203.0.113.5")


def test_a_success_clears_the_accounts_count_and_takes_its_attempt_back_from_the_address() -> None:
    throttle = LoginThrottle(attempts=2, attempts_per_address=3, window_seconds=60, clock=Clock())
    throttle.check_and_count(account="anna", address="203.0.113.5")
    throttle.succeed(throttle.check_and_count(account="anna", address="203.0.113.5"))
    # Anna's own count starts afresh; the address holds her one failure, not her success.
    throttle.check_and_count(account="anna", address="203.0.113.5")
    throttle.check_and_count(account="bo", address="203.0.113.5")
    assert retry_after(throttle, account="cleo") == 60


def attempts_at_once(throttle: LoginThrottle, accounts: list[str]) -> list[str]:
    """Each account tries once, all in threads of their own started together, as parallel requests do. No
    password check ends before every attempt has passed the throttle or been refused (the barrier)."""
    checked = threading.Barrier(len(accounts))
    outcomes: list[str] = []

    def attempt(account: str) -> None:
        checked.wait()  # start together
        try:
            throttle.check_and_count(account=account, address="203.0.113.5")
            outcomes.append("to the password check")
        except TooManyRequests:
            outcomes.append("refused")
        checked.wait()  # the slow password check: none fails before every attempt was checked

    threads = [threading.Thread(target=attempt, args=(account,)) for account in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_parallel_guesses_at_one_account_pass_only_as_many_as_its_limit() -> None:
    throttle = LoginThrottle(attempts=5, attempts_per_address=100, window_seconds=300)
    outcomes = attempts_at_once(throttle, ["anna"] * 20)
    assert outcomes.count("to the password check") == 5
    assert outcomes.count("refused") == 15


def test_parallel_guesses_at_many_accounts_pass_only_as_many_as_the_address_limit() -> None:
    throttle = LoginThrottle(attempts=5, attempts_per_address=8, window_seconds=300)
    outcomes = attempts_at_once(throttle, [f"guess{n}" for n in range(20)])
    assert outcomes.count("to the password check") == 8
    assert outcomes.count("refused") == 12
