"""Control messages and the terminal keys that stand for them (no model needed)."""

from __future__ import annotations

import pytest

from medtalk.cli import main
from medtalk.errors import MedtalkError
from medtalk.live.control import KEYS, key_message, parse_message


class FakeStream:
    intensity = 0.5


def test_keys_are_the_control_messages() -> None:
    assert key_message("1", FakeStream()) == {"type": "emotion", "emotion": "angry"}
    assert key_message("4", FakeStream()) == {"type": "emotion", "emotion": "happy"}
    assert key_message("+", FakeStream()) == {"type": "intensity", "value": 0.6}
    assert key_message("-", FakeStream()) == {"type": "intensity", "value": 0.4}
    assert key_message("0", FakeStream()) == {"type": "intensity", "value": 1.0}
    assert key_message("x", FakeStream()) is None
    assert len(KEYS) == 7


@pytest.mark.parametrize("text, words", [("{oops", "not JSON"), ("[1, 2]", "type"), ('{"type": "sing"}', "type")])
def test_malformed_messages_are_one_line_errors(text: str, words: str) -> None:
    with pytest.raises(MedtalkError, match=words):
        parse_message(text)


def test_live_needs_a_source(capsys) -> None:
    assert main(["live"]) == 2
    assert "give a source" in capsys.readouterr().err
    assert main(["live", "--serve", "127.0.0.1:1", "--frames", "127.0.0.1:2"]) == 2
