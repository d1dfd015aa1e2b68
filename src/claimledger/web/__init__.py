"""The web UI over a ledger: `create_app(db)` (FastAPI), served by `claimledger serve`."""

from .app import create_app

__all__ = ["create_app"]
