"""`/healthz`: is the app up and can it reach its database."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from nicegui import app

from equeue_ui import __version__, runtime


def register() -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        rt = runtime.current()
        database_ok = await rt.db.ping()
        body = {
            "status": "ok" if database_ok else "degraded",
            "database": {"ok": database_ok, "dialect": rt.db.dialect},
            "version": __version__,
        }
        return JSONResponse(body, status_code=200 if database_ok else 503)
