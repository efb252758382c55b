"""Rate limits hold even while their shared store is down."""

import socket

import pytest

from gwd import ratelimit


@pytest.fixture
def redis_down(settings):
    """A REDIS_URL at a port where nothing listens: the store is unreachable."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    ratelimit._limiter.cache_clear()
    yield
    ratelimit._limiter.cache_clear()


def test_a_limit_is_counted_in_the_process_while_the_store_is_down(redis_down):
    answers = [ratelimit.hit("3/10seconds", "message", "42") for _ in range(5)]
    assert answers[:3] == [None, None, None]
    assert all(wait is not None and 1 <= wait <= 10 for wait in answers[3:])


def test_a_limit_counts_as_usual_when_the_store_answers():
    answers = [ratelimit.hit("2/10seconds", "message", "7") for _ in range(3)]
    assert answers[:2] == [None, None] and answers[2] is not None
