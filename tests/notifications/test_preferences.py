"""Choosing which messages to receive: in the API and on /me/notifications. Required ones stay on."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.notifications.models import NotificationPreference
from kooperativet.web.i18n import LANGUAGE_COOKIE
from tests.web.conftest import form_token, sign_in

API = "/api/v1/me/notifications"


def _by_topic(body: dict) -> dict[str, dict]:
    return {row["topic"]: row for row in body["notifications"]}


def test_a_member_sees_her_topics_on_by_default_and_which_are_required(api: TestClient, make_member) -> None:
    mia = make_member()

    body = api.get(API, headers=mia.headers).json()

    shown = _by_topic(body)
    assert body["language"] == "sv"
    assert set(shown) == {
        "commission_approved",
        "commission_rejected",
        "payslip_ready",
        "member_details_changed",
        "vote_opened",
    }
    assert all(row["enabled"] for row in shown.values())
    assert {t for t, row in shown.items() if row["required"]} == {
        "commission_approved",
        "member_details_changed",
    }
    assert "6 c § lagen (1982:80) om anställningsskydd" in shown["commission_approved"]["required_because"]
    assert shown["vote_opened"]["required_because"] is None


def test_a_treasurer_also_sees_the_treasurers_topics(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    shown = _by_topic(api.get(API, headers=treasurer.headers).json())
    assert {"commission_submitted", "payment_unmatched"} <= set(shown)


def test_she_turns_one_off_and_on_again_and_cannot_turn_off_a_required_one(
    api: TestClient, session: Session, make_member
) -> None:
    mia = make_member()

    off = api.put(API, json={"notifications": {"vote_opened": False}}, headers=mia.headers)
    assert off.status_code == 200, off.text
    assert _by_topic(off.json())["vote_opened"]["enabled"] is False
    assert _by_topic(api.get(API, headers=mia.headers).json())["vote_opened"]["enabled"] is False

    refused = api.put(
        API,
        json={"notifications": {"commission_approved": False, "payslip_ready": False}},
        headers=mia.headers,
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "notification_required"
    assert (
        _by_topic(api.get(API, headers=mia.headers).json())["payslip_ready"]["enabled"] is True
    )  # nothing saved

    unknown = api.put(API, json={"notifications": {"payment_unmatched": False}}, headers=mia.headers)
    assert unknown.status_code == 422  # a treasurer's topic is not hers to choose

    on = api.put(API, json={"notifications": {"vote_opened": True}}, headers=mia.headers)
    assert _by_topic(on.json())["vote_opened"]["enabled"] is True
    rows = session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == mia.user.id)
    )
    assert [(row.topic, row.enabled) for row in rows] == [("vote_opened", True)]


def test_the_page_shows_required_ones_ticked_and_disabled_with_the_reason(
    browser_client: TestClient, make_member
) -> None:
    mia = make_member()
    sign_in(browser_client, mia.user.email)

    assert 'href="/me/notifications"' in browser_client.get("/me").text
    html = browser_client.get("/me/notifications").text

    assert "Mina e-postmeddelanden" in html
    assert (
        '<input type="checkbox" id="f-commission_approved" name="commission_approved" checked disabled'
        in html
    )
    assert "6 c § lagen (1982:80) om anställningsskydd" in html
    assert '<input type="checkbox" id="f-vote_opened" name="vote_opened" checked>' in html


def test_the_page_saves_the_unticked_boxes_as_off(
    browser_client: TestClient, session: Session, make_member
) -> None:
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    page = browser_client.get("/me/notifications").text

    answer = browser_client.post(
        "/me/notifications",
        data={"csrf_token": form_token(page), "payslip_ready": "on", "commission_rejected": "on"},
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/me/notifications?saved=true"
    after = browser_client.get("/me/notifications?saved=true").text
    assert "Dina val är sparade." in after
    assert '<input type="checkbox" id="f-vote_opened" name="vote_opened">' in after
    assert '<input type="checkbox" id="f-payslip_ready" name="payslip_ready" checked>' in after
    assert 'id="f-member_details_changed" name="member_details_changed" checked disabled' in after


def test_the_page_in_english(browser_client: TestClient, make_member) -> None:
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    browser_client.cookies.set(LANGUAGE_COOKIE, "en")

    html = browser_client.get("/me/notifications").text

    assert "My e-mail notifications" in html
    assert "Your payslip is ready – attached as a PDF" in html
    assert "section 6 c of the Employment Protection Act (1982:80)" in html


def test_the_api_names_every_topic_and_no_other() -> None:
    from typing import get_args

    from kooperativet.notifications.schemas import TopicKey
    from kooperativet.notifications.topics import TOPICS

    assert set(get_args(TopicKey)) == set(TOPICS)


def test_an_unknown_topic_is_a_422(api: TestClient, make_member) -> None:
    mia = make_member()
    answer = api.put(API, json={"notifications": {"newsletter": False}}, headers=mia.headers)
    assert answer.status_code == 422
