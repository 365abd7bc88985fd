"""Test-only HTTP middleware for the live signals test (scripts/signals/test-signals.sh).

Loaded only through langgraph.live.json (``http.app``); the metrics harvest
(langgraph.json) does not use it.

1. A request carrying ``x-signals-delay-ms: <ms>`` gets its response held back for
that long (capped at MAX_DELAY_MS) before the first byte. The delay happens
inside the server's own request timing: the server's access-log middleware
(langgraph_api/middleware/http_logger.py), which records
lg_api_http_requests_latency, measures until the route has sent its response,
and the route's ``send`` is the delayed one. So the server's latency histogram
records a genuinely slow request on the real route (``path`` label unchanged),
which is how the test makes a canary slower than its latency objective on the
routes the latency SLI keeps (a sleeping graph run only slows the long-lived
run routes, which the SLI excludes).

Requests without the header are untouched.

2. ``GET /signals/fail`` answers 500, and the server counts it like any response
   of its routes (lg_api_http_requests_total{path="/signals/fail",status="500"}).
   A failing graph run cannot do this: its /runs/wait answers 200 with the error
   in the body. (The route returns the 500 instead of raising: an exception that
   reaches uvicorn closes the connection, which the client would see as a
   transport error rather than a 500.)

No randomness, no network.
"""

import asyncio

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

MAX_DELAY_MS = 30_000.0
HEADER = b"x-signals-delay-ms"


class DelayResponseMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        raw = dict(scope.get("headers") or []).get(HEADER)
        if not raw:
            return await self.app(scope, receive, send)
        seconds = min(max(float(raw.decode()), 0.0), MAX_DELAY_MS) / 1000.0

        async def delayed_send(message):
            if message["type"] == "http.response.start":
                await asyncio.sleep(seconds)
            await send(message)

        return await self.app(scope, receive, delayed_send)


async def fail(request):
    return PlainTextResponse("GET /signals/fail always fails (live signals test)", status_code=500)


# The server merges its API routes into this app and keeps this middleware outermost
# (langgraph_api/server.py, user_router).
app = Starlette(
    routes=[Route("/signals/fail", fail, methods=["GET"])],
    middleware=[Middleware(DelayResponseMiddleware)],
)
