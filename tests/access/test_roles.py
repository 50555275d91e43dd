"""Role permissions, table-driven: every role against every permission and every page."""

import pytest

from access import roles as r

A, F, E = r.ADMINISTRATOR, r.FACILITATOR, r.EVALUATOR

# (permission, administrator, facilitator, evaluator)
EXPECTED = [
    (r.RUN_SESSIONS, True, True, False),
    (r.ENTER_ANSWERS, True, True, False),
    (r.SEE_MEMBER_CODES, True, True, False),
    (r.UPLOAD, True, True, True),  # evaluators: into their programs
    (r.ANALYSE, True, True, True),
    (r.REPORTS, True, True, True),
    (r.EXPORT_IDENTIFIED, True, False, False),
    (r.EXPORT_DEIDENTIFIED, True, False, True),
    (r.MANAGE_USERS, True, False, False),
    (r.CHANGE_SETTINGS, True, False, False),
    (r.WITHDRAW_MEMBERS, True, False, False),
    (r.VIEW_AUDIT, True, False, False),
    (r.TRANSFER, True, False, False),
    (r.SEE_ALL_GROUPS, True, False, True),
    (r.REPAIR_NOTES, True, True, False),
]


def test_the_table_covers_every_permission():
    assert {row[0] for row in EXPECTED} == set(r.PERMISSIONS)


@pytest.mark.parametrize(("permission", "admin", "facilitator", "evaluator"), EXPECTED)
def test_role_permissions(permission, admin, facilitator, evaluator):
    assert r.can(A, permission) is admin
    assert r.can(F, permission) is facilitator
    assert r.can(E, permission) is evaluator
    assert r.can(None, permission) is False
    assert r.can("member", permission) is False


# (page, administrator, facilitator, evaluator); nobody signed out sees any staff page.
PAGES = [
    ("home", True, True, True),
    ("instruments", True, True, True),
    ("run_session", True, True, False),
    ("upload", True, True, True),
    ("reliability", True, True, True),
    ("change", True, True, True),
    ("over_time", True, True, True),
    ("groups", True, True, True),
    ("reports", True, True, True),
    ("export", True, False, True),
    ("settings", True, False, False),
    ("audit_log", True, False, False),
]


@pytest.mark.parametrize(("page", "admin", "facilitator", "evaluator"), PAGES)
def test_page_access(page, admin, facilitator, evaluator):
    assert r.may_see_page(A, page) is admin
    assert r.may_see_page(F, page) is facilitator
    assert r.may_see_page(E, page) is evaluator
    assert r.may_see_page(None, page) is False


def test_unknown_pages_and_roles_are_refused():
    assert not r.may_see_page(A, "member_form")
    assert r.pages_for(None) == []
    with pytest.raises(r.PermissionDeniedError, match="evaluator may not see member codes"):
        r.require(E, r.SEE_MEMBER_CODES)
    with pytest.raises(ValueError, match="not one of: administrator, facilitator, evaluator"):
        r.check_role("superuser")
