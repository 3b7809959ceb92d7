"""The FastAPI app: security middleware, the JSON API (:mod:`.api`) and the pages
(:mod:`.pages`), sharing one :class:`~.jobs.JobManager` and one history store.

Safe by default: with a token set, every request must carry it (``Authorization:
Bearer``, or ``?token=`` once, kept in a ``SameSite=Strict`` cookie); a request that
changes something and comes from another origin is refused (a web page elsewhere cannot
post to the local server); uploads above ``max_upload_mb`` are refused from their
``Content-Length`` before the body is read; every page is sent with a Content Security
Policy that allows nothing but this server (no inline scripts), and Jinja escapes every
text that comes from a draft.
"""

from __future__ import annotations

import hmac
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from fhs_nlp._version import __version__
from fhs_nlp.errors import UploadTooLargeError
from fhs_nlp.serve.history import HistoryStore
from fhs_nlp.serve.jobs import JobManager
from fhs_nlp.serve.settings import ServeSettings

TOKEN_COOKIE = "fhs_nlp_token"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
UPLOAD_PATHS = ("/api/align", "/api/diff")


def error_response(status: int, code: str, message: str) -> JSONResponse:
    """The one shape of an error the API sends: ``{"error": {"code", "message"}}``."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    settings = settings or ServeSettings()
    history = HistoryStore(settings.data_dir)
    jobs = JobManager(settings, history)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.warm_up:
            jobs.warm_up()
        yield
        jobs.shutdown()

    app = FastAPI(
        title="fhs-nlp",
        version=__version__,
        lifespan=lifespan,
        # the stock /docs page loads its scripts from a CDN: this server sends nothing
        # out, so /docs is its own page (pages.api_docs), built from /openapi.json
        docs_url=None,
        redoc_url=None,
        description=(
            "Score a draft against Region Skåne's Framtidens hälsosystem, compare two "
            "versions of a plan, read the strategy. Upload with `POST /api/align` "
            "(multipart field `file`), poll `GET /api/jobs/{id}` until `state` is `done`, "
            "then read `GET /api/runs/{run_id}/report`. Errors are "
            '`{"error": {"code": "E104", "message": "…"}}` with the codes of the command '
            "line. Example: `curl -F file=@utkast.pdf http://127.0.0.1:8000/api/align`."),
    )
    app.state.settings = settings
    app.state.history = history
    app.state.jobs = jobs

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if settings.token and not _has_token(request, settings.token):
            return error_response(401, "E811", "this server needs its token: open the page "
                                  "with ?token=… once, or send 'Authorization: Bearer …'")
        if request.method not in ("GET", "HEAD", "OPTIONS") and not _same_origin(request):
            return error_response(403, "E812", "a request from another web site was refused")
        if request.method == "POST" and request.url.path in UPLOAD_PATHS:
            length = request.headers.get("content-length")
            if length and length.isdigit() and int(length) > settings.max_upload_bytes + 65536:
                # the client is told before it sends the rest; the connection then closes
                return too_large(settings, int(length))
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if settings.token and request.query_params.get("token") == settings.token:
            response.set_cookie(TOKEN_COOKIE, settings.token, httponly=True, samesite="strict")
        return response

    if settings.token:
        @app.get("/login", include_in_schema=False)
        async def login(token: str = "") -> RedirectResponse:
            return RedirectResponse("/", status_code=303)

    from fhs_nlp.serve import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(package_dir() / "static")), name="static")
    return app


def too_large(settings: ServeSettings, size: int | None = None) -> JSONResponse:
    what = f" ({size / 1024 / 1024:.1f} MB)" if size else ""
    error = UploadTooLargeError(
        f"the upload is larger{what} than the limit of {settings.max_upload_mb:g} MB; "
        "a plan of a few hundred pages is a few MB. Split the file, or start the server "
        "with a higher --max-upload-mb")
    return error_response(413, error.code, str(error))


def _has_token(request: Request, token: str) -> bool:
    given = request.headers.get("authorization", "")
    candidates = [given.removeprefix("Bearer ").strip() if given.startswith("Bearer ") else "",
                  request.cookies.get(TOKEN_COOKIE, ""), request.query_params.get("token", "")]
    return any(c and hmac.compare_digest(c.encode(), token.encode()) for c in candidates)


def _same_origin(request: Request) -> bool:
    """No Origin header (a script, curl) or one naming this server."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


def package_dir() -> Path:
    return Path(str(files("fhs_nlp.serve")))
