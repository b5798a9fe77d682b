"""Helpers for the operations tests: the probes' app over real HTTP, Prometheus text read back, log capture."""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.ops.logs import QUIET_LOGGERS
from adapters.ops.metrics import Metrics
from adapters.ops.readiness import Readiness
from adapters.server import build_app
from storage.engine import session_factory

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Every sample of a Prometheus exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def sample(found: Samples, name: str, **labels: str) -> float | None:
    return found.get((name, frozenset(labels.items())))


@asynccontextmanager
async def probes(engine: AsyncEngine, *, ready_within: float = 1.0) -> AsyncIterator[TestServer]:
    """The server's own routes (no platform) on `engine`, listening on loopback."""
    app = await build_app(
        readiness=Readiness(engine, timeout=ready_within), metrics=Metrics(session_factory(engine))
    )
    async with TestServer(app, host="127.0.0.1") as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[ClientSession]:
    async with ClientSession() as session:
        yield session


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes the root logger: put back what pytest had."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quieter = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        for name, old in quieter.items():
            logging.getLogger(name).setLevel(old)


@pytest.fixture
def log_stream(restore_logging: None) -> io.StringIO:
    return io.StringIO()


# The Slack rig (the real `okrbot serve` app with a fake Slack Web API beside it), for tests/ops too.
from tests.adapters.slack.conftest import slack, slack_api  # noqa: E402

__all__ = ["slack", "slack_api"]
