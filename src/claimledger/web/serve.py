"""`claimledger serve`: check the binding is safe, build the app, run uvicorn."""

from __future__ import annotations

import ipaddress
import os

from .app import DEFAULT_MAX_UPLOAD, TOKEN_ENV, create_app


class ServeError(Exception):
    """A refusal to start, with one line for the user."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_token(host: str, token: str | None) -> str | None:
    """The token to require; refuses to serve a non-loopback address without one."""
    token = token or os.environ.get(TOKEN_ENV) or None
    if token is not None and len(token) < 16:
        raise ServeError("--auth-token must be at least 16 characters (e.g. python -c "
                         "'import secrets; print(secrets.token_urlsafe())')")
    if not is_loopback(host) and token is None:
        raise ServeError(f"binding to {host} exposes the ledger to the network: give --auth-token "
                         f"(or set {TOKEN_ENV})")
    return token


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, token: str | None = None, *,
          max_upload_bytes: int = DEFAULT_MAX_UPLOAD, read_only: bool = False, lexical: bool = False) -> None:
    import uvicorn

    token = resolve_token(host, token)
    app = create_app(db, token, max_upload_bytes=max_upload_bytes, read_only=read_only,
                     use_embeddings=not lexical)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, proxy_headers=False)
