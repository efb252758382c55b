"""GWD's server command line is daphne's, with a longer wait for a websocket handshake:
with daphne's 5 s, a thousand members connecting at once on Redis were partly refused."""

from gwd.server import WEBSOCKET_CONNECT_TIMEOUT, CommandLineInterface


def _parsed(*argv: str):
    return CommandLineInterface().parser.parse_args([*argv, "gwd.asgi:application"])


def test_a_handshake_waits_20_seconds_unless_told_otherwise():
    assert WEBSOCKET_CONNECT_TIMEOUT == 20
    assert _parsed().websocket_connect_timeout == 20
    assert _parsed("--websocket_connect_timeout", "7").websocket_connect_timeout == 7
