"""The app's server: `streamlit run serve.py` serves app.py with one route of Mutuality's own.

``POST /_mutuality/keep-sign-in`` swaps a signed-in page's one-time handoff for the staff
sign-in cookie: a random token, HttpOnly and SameSite=Strict (Secure over https), of which
the database keeps only a hash (access.kept_sign_in). A reload or a second tab then stays
signed in until sign-out or the idle timeout. Everything else is Streamlit's own server.
"""

from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from access import kept_sign_in
from services import admin


async def keep_sign_in(request: Request) -> Response:
    """Set the sign-in cookie for a fresh, unused handoff; 403 for anything else."""
    origin = request.headers.get("origin")
    if origin is not None and origin.split("://", 1)[-1] != request.headers.get("host"):
        return Response(status_code=403)  # only the app's own pages may ask
    handoff = (await request.body())[:200].decode("utf-8", errors="replace")
    token = await run_in_threadpool(admin.exchange_handoff, handoff)
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(
        kept_sign_in.COOKIE,
        token,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


app = st.App(
    Path(__file__).with_name("app.py"),
    routes=[Route(kept_sign_in.KEEP_PATH, keep_sign_in, methods=["POST"])],
)
