"""The security limits in one place, each overridable by an environment variable.

=============================  ==================================  =======
Setting                        Environment variable                Default
=============================  ==================================  =======
idle timeout (minutes)         ``MUTUALITY_IDLE_MINUTES``          30
failures before a lockout      ``MUTUALITY_MAX_SIGN_IN_FAILURES``  5
lockout (minutes)              ``MUTUALITY_LOCKOUT_MINUTES``       15
join code lifetime (hours)     ``MUTUALITY_JOIN_CODE_HOURS``       12
refused codes per browser      ``MUTUALITY_JOIN_TRIES_BROWSER``    10
refused codes, all browsers    ``MUTUALITY_JOIN_TRIES_ALL``        100
counting window (minutes)      ``MUTUALITY_JOIN_WINDOW_MINUTES``   15
=============================  ==================================  =======
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass


class PolicyError(ValueError):
    """A security setting in the environment that is not a usable number."""


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise PolicyError(f"{name}={raw!r} must be a whole number (default {default})") from None
    if value < 1:
        raise PolicyError(f"{name}={raw!r} must be 1 or more (default {default})")
    return value


@dataclass(frozen=True)
class Policy:
    """Limits for staff sign-in and members' session codes (see the module table)."""

    idle_minutes: int = 30
    max_sign_in_failures: int = 5
    lockout_minutes: int = 15
    join_code_hours: int = 12
    join_tries_per_browser: int = 10
    join_tries_all_browsers: int = 100
    join_window_minutes: int = 15

    @property
    def idle_timeout(self) -> dt.timedelta:
        """Time without activity after which a staff member is signed out."""
        return dt.timedelta(minutes=self.idle_minutes)

    @property
    def lockout(self) -> dt.timedelta:
        """How long an account stays locked after too many wrong passwords."""
        return dt.timedelta(minutes=self.lockout_minutes)

    @property
    def join_code_lifetime(self) -> dt.timedelta:
        """How long a session code works after the session was opened."""
        return dt.timedelta(hours=self.join_code_hours)

    @property
    def join_window(self) -> dt.timedelta:
        """The window in which refused session codes are counted."""
        return dt.timedelta(minutes=self.join_window_minutes)

    @classmethod
    def from_environment(cls) -> Policy:
        """The policy with any ``MUTUALITY_*`` overrides from the environment."""
        return cls(
            idle_minutes=_positive("MUTUALITY_IDLE_MINUTES", cls.idle_minutes),
            max_sign_in_failures=_positive(
                "MUTUALITY_MAX_SIGN_IN_FAILURES", cls.max_sign_in_failures
            ),
            lockout_minutes=_positive("MUTUALITY_LOCKOUT_MINUTES", cls.lockout_minutes),
            join_code_hours=_positive("MUTUALITY_JOIN_CODE_HOURS", cls.join_code_hours),
            join_tries_per_browser=_positive(
                "MUTUALITY_JOIN_TRIES_BROWSER", cls.join_tries_per_browser
            ),
            join_tries_all_browsers=_positive(
                "MUTUALITY_JOIN_TRIES_ALL", cls.join_tries_all_browsers
            ),
            join_window_minutes=_positive("MUTUALITY_JOIN_WINDOW_MINUTES", cls.join_window_minutes),
        )


def utc_now() -> dt.datetime:
    """The current time in UTC (the default clock; tests pass their own `now`)."""
    return dt.datetime.now(dt.UTC)
