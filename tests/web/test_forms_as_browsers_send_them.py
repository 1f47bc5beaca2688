"""Forms as browsers send them, and as they can be tampered with: line breaks as CR LF, amounts and ids too
large for the database, amounts and dates in a wrong form, characters no file wants. Each is refused in
Swedish by its field with what was typed kept and nothing saved, or saved as meant; never a 500, never the
API's JSON on a page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.invoices.models import Payment
from kooperativet.web.forms import PageRoute
from kooperativet.web.install import PAGE_ROUTERS
from tests.governance import conftest as governance
from tests.web import test_commissions as commissions
from tests.web import test_meetings as meetings
from tests.web import test_office_billing as billing
from tests.web.conftest import form_token, sign_in
from tests.web.test_commissions import a_commission, assignments_of, posted
from tests.web.test_commissions import commission as draft_of

seller = billing.seller
library = billing.library
on_day = billing.on_day
theatre = commissions.theatre
rulebook = governance.rulebook
assembly = governance.assembly
clock = governance.clock
voters = meetings.voters
#: What a browser sends from a textarea: HTML's form submission writes every line break as CR LF.
CRLF_TEXT = "Rad ett\r\nRad två"


@pytest.fixture
def alva(browser_client, make_member):
    actor = make_member()
    sign_in(browser_client, actor.user.email)
    return actor


@pytest.fixture
def office(browser_client, make_user, seller, on_day):
    actor = make_user(Role.treasurer)
    sign_in(browser_client, actor.user.email)
    return actor


@pytest.fixture
def invoice(session, make_member, make_user, library):
    worker = make_member()
    assignment = billing.commission(session, worker.member, library, status=AssignmentStatus.approved)
    return billing.issue(session, assignment, make_user(Role.treasurer))


def is_problem_json(answer) -> bool:
    return answer.text.lstrip().startswith("{")


# Line breaks


@pytest.mark.parametrize("typed", [CRLF_TEXT, "Rad ett\rRad två"])
def test_a_multi_line_description_is_saved_with_line_feeds(
    browser_client, session, alva, theatre, typed
) -> None:
    answer = posted(browser_client, "/commissions/new", a_commission(theatre.id, description=typed))
    assert answer.status_code == 303, answer.text[:300]
    [saved] = assignments_of(session, alva.member)
    assert saved.description == "Rad ett\nRad två"


def test_a_multi_line_rejection_reason_is_accepted(
    browser_client, session, office, make_member, library
) -> None:
    worker = make_member()
    submitted = billing.commission(session, worker.member, library)
    page = f"/office/inbox/{submitted.id}"
    answer = billing.post(
        browser_client, f"{page}/reject", {"version": str(submitted.version), "reason": CRLF_TEXT}, page=page
    )
    assert answer.status_code == 303, answer.text[:300]
    session.refresh(submitted)
    assert submitted.rejection_reason == "Rad ett\nRad två"


def test_a_multi_line_motion_read_as_form_parameters_is_saved_with_line_feeds(
    voters, assembly, session, clock
) -> None:
    meeting = meetings.plan(session, held_on=meetings.TODAY + timedelta(days=40))
    page = f"/meetings/{meeting.id}/motion"
    answer = meetings.post(voters[4], page, page, {"title": "Replokal", "text": CRLF_TEXT})
    assert answer.status_code == 303, answer.text[:300]
    session.refresh(meeting)
    assert meeting.items[0].text == "Rad ett\nRad två"


def test_every_page_reads_its_form_as_a_browser_sent_it() -> None:
    """However a handler reads its form; a new router without ``route_class=PageRoute`` fails here."""
    routes = list(page_routes(PAGE_ROUTERS))
    assert len(routes) > 100
    assert [route.path for route in routes if not isinstance(route, PageRoute)] == []


def page_routes(routers: Iterable[APIRouter]) -> Iterator[APIRoute]:
    for router in routers:
        for route in router.routes:
            included = getattr(
                route, "original_router", None
            )  # a router included in this one (office billing)
            if included is not None:
                yield from page_routes([included])
            elif isinstance(route, APIRoute):
                yield route


# Amounts


TOO_LARGE = "Det här beloppet är för stort: högst tolv siffror kronor."
WRITE_AN_AMOUNT = "Skriv ett belopp över noll i kronor och öre"


@pytest.mark.parametrize(
    ("price", "said"),
    [("9" * 27, TOO_LARGE), ("1e400", WRITE_AN_AMOUNT), ("9" * 20, TOO_LARGE), ("1000000000000", TOO_LARGE)],
)
def test_a_price_beyond_twelve_digits_of_kronor_is_refused_by_its_field(
    browser_client, session, alva, theatre, price, said
) -> None:
    """Money is Numeric(14, 2), as the API's ``^-?\\d{1,12}(\\.\\d{1,2})?$`` says; beyond 28 digits the
    rounding itself would fail. Digits beyond twelve are said to be too many, as the calculator says it: the
    form told her to write an amount above zero, which it was; "1e400" is no amount as written."""
    answer = posted(
        browser_client, "/commissions/new", a_commission(theatre.id, **{"lines.0.unit_price": price})
    )
    assert answer.status_code == 422
    assert f'id="e-lines.0.unit_price">{said}' in answer.text
    assert f'value="{price}"' in answer.text
    assert assignments_of(session, alva.member) == []


def test_an_expense_amount_too_large_to_compute_is_refused_by_its_field(
    browser_client, session, alva, theatre
) -> None:
    data = a_commission(
        theatre.id,
        **{
            "expenses.0.spent_on": "2026-12-01",
            "expenses.0.description": "Taxi",
            "expenses.0.amount": "9" * 27,
        },
    )
    answer = posted(browser_client, "/commissions/new", data)
    assert answer.status_code == 422
    assert 'id="e-expenses.0.amount"' in answer.text
    assert assignments_of(session, alva.member) == []


def test_a_payment_amount_too_large_to_compute_is_refused_by_its_field(
    browser_client, session, office, invoice
) -> None:
    page = f"/office/invoices/{invoice.id}"
    answer = billing.post(
        browser_client, f"{page}/payments", {"amount": "9" * 30, "paid_on": "2026-11-30"}, page=page
    )
    assert answer.status_code == 422
    assert 'id="e-amount"' in answer.text
    assert session.scalar(select(func.count()).select_from(Payment)) == 0


@pytest.mark.parametrize("price", ["12,345.6", "NaN", "-0", "0,001", "Infinity", "1e5"])
def test_an_amount_in_a_wrong_form_is_refused_by_its_field_and_kept(
    browser_client, session, alva, theatre, price
) -> None:
    answer = posted(
        browser_client, "/commissions/new", a_commission(theatre.id, **{"lines.0.unit_price": price})
    )
    assert answer.status_code == 422
    assert 'id="e-lines.0.unit_price">Skriv ett belopp över noll i kronor och öre' in answer.text
    assert f'value="{price}"' in answer.text
    assert assignments_of(session, alva.member) == []


# Ids that name nothing


def test_an_id_too_large_for_the_database_in_the_address_is_the_not_found_page(
    browser_client, office
) -> None:
    token = form_token(browser_client.get("/office/payments").text)
    answer = browser_client.post(
        f"/office/inbox/{'9' * 25}/approve", data={"version": "1", "csrf_token": token}
    )
    assert not is_problem_json(answer)
    assert answer.status_code == 404
    assert "Sidan finns inte, eller så är den inte din att se." in answer.text


@pytest.mark.parametrize("typed", ["²", "9" * 10_000])
def test_a_commission_no_number_can_name_in_the_invoice_form_is_the_not_found_page(
    browser_client, office, typed
) -> None:
    """``²`` is a digit to ``str.isdigit`` and not to ``int``; ``int`` reads no more than 4 300 digits."""
    answer = billing.post(
        browser_client, "/office/invoices/new", {"assignment_id": typed}, page="/office/payments"
    )
    assert not is_problem_json(answer)
    assert answer.status_code == 404
    assert "Sidan finns inte, eller så är den inte din att se." in answer.text


def test_a_client_id_too_large_for_the_database_is_refused_by_its_field(
    browser_client, session, alva, theatre
) -> None:
    answer = posted(browser_client, "/commissions/new", a_commission("9" * 30))
    assert not is_problem_json(answer)
    assert answer.status_code == 422
    assert 'id="e-client_id">Välj en kund i listan' in answer.text
    assert 'value="Ljusdesign för Vårsalongen"' in answer.text
    assert assignments_of(session, alva.member) == []


def test_an_invoice_id_too_large_for_the_database_is_a_page_in_swedish(
    browser_client, office, invoice
) -> None:
    answer = billing.post(
        browser_client,
        "/office/payments",
        {"invoice_id": "9" * 30, "amount": "100", "paid_on": "2026-11-30"},
    )
    assert not is_problem_json(answer)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")


# Dates and characters


@pytest.mark.parametrize(
    ("day", "said"),
    [
        ("2026-13-45", "Den dagen finns inte i kalendern: kontrollera dag och månad."),
        ("2026-02-30", "Den dagen finns inte i kalendern: kontrollera dag och månad."),
        ("30/11/2026", "Skriv datumet som ÅÅÅÅ-MM-DD."),
    ],
)
def test_an_impossible_date_is_refused_by_its_field_and_kept(
    browser_client, session, alva, theatre, day, said
) -> None:
    answer = posted(browser_client, "/commissions/new", a_commission(theatre.id, period_start=day))
    assert answer.status_code == 422
    assert f'id="e-period_start">{said}' in answer.text
    assert f'value="{day}"' in answer.text
    assert assignments_of(session, alva.member) == []


@pytest.mark.parametrize("title", ["Rad\u2028två", "Nolltecken\x00", "Klocka\x07", "Rad\r\ntvå"])
def test_a_control_character_or_line_break_in_a_title_is_refused_by_its_field(
    browser_client, session, alva, theatre, title
) -> None:
    answer = posted(browser_client, "/commissions/new", a_commission(theatre.id, title=title))
    assert answer.status_code == 422
    assert 'id="e-title"' in answer.text
    assert assignments_of(session, alva.member) == []


def test_an_emoji_in_a_title_is_kept_as_typed(browser_client, session, alva, theatre) -> None:
    answer = posted(browser_client, "/commissions/new", a_commission(theatre.id, title="Konsert 🎻"))
    assert answer.status_code == 303
    [saved] = assignments_of(session, alva.member)
    assert saved.title == "Konsert 🎻"
    assert "Konsert 🎻" in browser_client.get(answer.headers["location"]).text


# The form itself


def test_a_post_only_address_opened_with_get_is_a_page_not_an_error(
    browser_client, session, alva, theatre
) -> None:
    mine = draft_of(session, alva.member, theatre)
    answer = browser_client.get(f"/commissions/{mine.id}/submit")
    assert answer.status_code == 405
    assert answer.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("token", [None, "0" * 64, "not-a-token"])
def test_handing_in_without_the_forms_token_is_refused_and_changes_nothing(
    browser_client, session, alva, theatre, token
) -> None:
    mine = draft_of(session, alva.member, theatre)
    data = {"version": str(mine.version)} | ({"csrf_token": token} if token else {})
    answer = browser_client.post(f"/commissions/{mine.id}/submit", data=data)
    assert answer.status_code == 403
    assert "Formuläret har gått ut" in answer.text
    session.expire_all()
    assert mine.status == AssignmentStatus.draft


def test_a_tampered_version_is_said_at_the_top_of_the_form_and_the_typing_is_kept(
    browser_client, session, office, make_member, library
) -> None:
    worker = make_member()
    submitted = billing.commission(session, worker.member, library)
    page = f"/office/inbox/{submitted.id}"
    answer = billing.post(
        browser_client, f"{page}/reject", {"version": "abc", "reason": "Fel timmar"}, page=page
    )
    assert answer.status_code == 422
    assert 'role="alert">Adressen eller formuläret innehåller ett värde som vi inte kan läsa.' in answer.text
    assert "Fel timmar</textarea>" in answer.text
    session.refresh(submitted)
    assert submitted.status == AssignmentStatus.submitted


def test_a_form_that_cannot_be_read_is_said_so_not_called_a_missing_page(browser_client) -> None:
    # A broken multipart form: Starlette's parser refuses it with a 400 before any page code runs.
    answer = browser_client.post(
        "/signin",
        content=b"--x\r\nnot a part at all",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )

    assert answer.status_code == 400
    assert "text/html" in answer.headers["content-type"]
    assert "Adressen eller formuläret innehåller ett värde som vi inte kan läsa." in answer.text
    assert "Sidan finns inte" not in answer.text
