"""Deterministic LangGraph graph for harvesting the server's real metrics.

No LLM, no network, no randomness. Three nodes run in order:

- ``succeed``: always succeeds; appends "succeed" to ``steps``.
- ``fail_on_marker``: raises ``MarkerFailure`` when the input has ``"fail": true``,
  so a run can be made to error on demand (a 5xx on /runs/wait, an error
  event on /runs/stream).
- ``sleep``: awaits ``sleep_seconds`` (default 0, capped at MAX_SLEEP_SECONDS)
  so a run can be made to take a known time (latency / long-lived routes).

Nodes are async so the dev server's blocking-call guard never trips.
Input example: {"fail": false, "sleep_seconds": 0.5}
"""

import asyncio
import operator
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph

# A run can never hold a worker longer than this, whatever the input says.
MAX_SLEEP_SECONDS = 30.0


class MarkerFailure(RuntimeError):
    """Raised on purpose when the input carries the failure marker."""


class State(TypedDict, total=False):
    fail: bool
    sleep_seconds: float
    steps: Annotated[list[str], operator.add]


async def succeed(state: State) -> dict:
    return {"steps": ["succeed"]}


async def fail_on_marker(state: State) -> dict:
    if state.get("fail"):
        raise MarkerFailure("failure marker set in input ({'fail': true})")
    return {"steps": ["fail_on_marker"]}


async def sleep(state: State) -> dict:
    seconds = min(max(float(state.get("sleep_seconds") or 0.0), 0.0), MAX_SLEEP_SECONDS)
    if seconds > 0:
        await asyncio.sleep(seconds)
    return {"steps": [f"sleep:{seconds:g}"]}


builder = StateGraph(State)
builder.add_node("succeed", succeed)
builder.add_node("fail_on_marker", fail_on_marker)
builder.add_node("sleep", sleep)
builder.add_edge(START, "succeed")
builder.add_edge("succeed", "fail_on_marker")
builder.add_edge("fail_on_marker", "sleep")
builder.add_edge("sleep", END)

graph = builder.compile()
