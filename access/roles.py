"""The three staff roles and what each may do: one table that pages and commands consult.

- ``administrator``: everything, including staff accounts, settings, the audit log,
  identified exports, withdrawals and transfer bundles.
- ``facilitator``: runs sessions and enters answers for the groups they are linked to, and
  sees those groups' members (by code) and results. Nothing of other groups.
- ``evaluator``: de-identified analysis and reports across groups: member codes are replaced
  by pseudonyms and exports are de-identified. Never sees a member code. Uploads
  spreadsheets into the programs they may see (services.upload_scope), seeing counts and
  "(code hidden)" instead of the file's rows.

Members never sign in: they reach only the member form of an open session (`join_codes`).
"""

from __future__ import annotations

ADMINISTRATOR = "administrator"
FACILITATOR = "facilitator"
EVALUATOR = "evaluator"
ROLES = (ADMINISTRATOR, FACILITATOR, EVALUATOR)

# Permissions ---------------------------------------------------------------------------------
RUN_SESSIONS = "run sessions"
ENTER_ANSWERS = "enter answers"
SEE_MEMBER_CODES = "see member codes"
UPLOAD = "upload responses"
ANALYSE = "analyse"
REPORTS = "reports"
EXPORT_IDENTIFIED = "export identified data"
EXPORT_DEIDENTIFIED = "export de-identified data"
MANAGE_USERS = "manage staff users"
CHANGE_SETTINGS = "change settings"
WITHDRAW_MEMBERS = "withdraw members"
VIEW_AUDIT = "view audit log"
TRANSFER = "transfer bundles"
SEE_ALL_GROUPS = "see all groups"
#: Disconnection records by member code and their repair notes (clinical notes): a
#: facilitator for their own groups, an administrator for all.
REPAIR_NOTES = "read and write repair notes"

#: Permission -> the roles that have it. Read this table to know who may do what.
PERMISSIONS: dict[str, frozenset[str]] = {
    RUN_SESSIONS: frozenset({ADMINISTRATOR, FACILITATOR}),
    ENTER_ANSWERS: frozenset({ADMINISTRATOR, FACILITATOR}),
    SEE_MEMBER_CODES: frozenset({ADMINISTRATOR, FACILITATOR}),
    UPLOAD: frozenset({ADMINISTRATOR, FACILITATOR, EVALUATOR}),
    ANALYSE: frozenset({ADMINISTRATOR, FACILITATOR, EVALUATOR}),
    REPORTS: frozenset({ADMINISTRATOR, FACILITATOR, EVALUATOR}),
    EXPORT_IDENTIFIED: frozenset({ADMINISTRATOR}),
    EXPORT_DEIDENTIFIED: frozenset({ADMINISTRATOR, EVALUATOR}),
    MANAGE_USERS: frozenset({ADMINISTRATOR}),
    CHANGE_SETTINGS: frozenset({ADMINISTRATOR}),
    WITHDRAW_MEMBERS: frozenset({ADMINISTRATOR}),
    VIEW_AUDIT: frozenset({ADMINISTRATOR}),
    TRANSFER: frozenset({ADMINISTRATOR}),
    SEE_ALL_GROUPS: frozenset({ADMINISTRATOR, EVALUATOR}),
    REPAIR_NOTES: frozenset({ADMINISTRATOR, FACILITATOR}),
}

#: Page (its file name under pages/, without .py) -> the permission needed to see it;
#: None: any signed-in staff member. A page not listed here is shown to nobody on staff
#: navigation (the member form and kiosk are routed separately, without signing in).
PAGE_PERMISSIONS: dict[str, str | None] = {
    "home": None,
    "instruments": None,
    "run_session": RUN_SESSIONS,
    "upload": UPLOAD,
    "reliability": ANALYSE,
    "change": ANALYSE,
    "over_time": ANALYSE,
    "groups": ANALYSE,
    "context": ANALYSE,
    "repairs": REPAIR_NOTES,
    "reports": REPORTS,
    "export": EXPORT_DEIDENTIFIED,
    "settings": CHANGE_SETTINGS,
    "audit_log": VIEW_AUDIT,
}


class PermissionDeniedError(PermissionError):
    """A signed-in user asked for something their role does not allow."""


def check_role(role: str) -> str:
    """`role` if it is one of `ROLES`; ValueError naming the choices otherwise."""
    cleaned = str(role or "").strip().lower()
    if cleaned not in ROLES:
        raise ValueError(f"role {role!r} is not one of: {', '.join(ROLES)}")
    return cleaned


def can(role: str | None, permission: str) -> bool:
    """True when `role` has `permission` (an unknown role or None has none)."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return role in PERMISSIONS[permission]


def require(role: str | None, permission: str) -> None:
    """Raise PermissionDeniedError unless `role` has `permission`."""
    if not can(role, permission):
        raise PermissionDeniedError(f"a {role or 'signed-out user'} may not {permission}")


def may_see_page(role: str | None, page: str) -> bool:
    """True when a user with `role` (None: not signed in) may open staff page `page`."""
    if role is None or page not in PAGE_PERMISSIONS:
        return False
    needed = PAGE_PERMISSIONS[page]
    return needed is None or can(role, needed)


def pages_for(role: str | None) -> list[str]:
    """The staff pages `role` may open, in `PAGE_PERMISSIONS` order."""
    return [page for page in PAGE_PERMISSIONS if may_see_page(role, page)]
