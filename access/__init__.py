"""Who may do what: staff accounts, roles, sign-in, idle timeout and members' session codes.

Streamlit-free, so the CLI, the app and tests share one set of rules (docs/security.md):

- `access.passwords`: Argon2id hashing and the password policy.
- `access.roles`: the three roles and the permission table every page and command checks.
- `access.accounts`: first-run administrator, adding users, resetting passwords, sign-in
  with lockout; every change and every sign-in is written to the audit trail.
- `access.idle`: a signed-in staff session and its idle timeout (clock injected).
- `access.join_codes`: members' session codes: expiry and rate-limited guessing.
- `access.scope`: the responses a signed-in user may see (own groups; pseudonyms for evaluators).
- `access.policy`: the limits (idle minutes, lockout, code lifetime), from the environment.
"""
