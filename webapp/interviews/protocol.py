"""Client -> server WebSocket messages: parsed and validated here, before a consumer acts on them;
and the server's ``state`` event, built in one place (:func:`state_event`).

Pure functions, no Django. Every refusal is a :class:`ProtocolError` whose ``code`` and
``message`` go back to the client as ``{"type": "error", "code", "message"}`` (README "WebSocket
protocol"); nothing here raises anything else, whatever the input (too large, nested too deep
for ``json`` to recurse, not an object, an answer whose text is not a string).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MAX_MESSAGE_CHARS = 32 * 1024  # an answer is at most 4,000 characters; escapes may grow it 6x
# What Daphne must let through to the consumer (its --websocket-max-message-size and
# --websocket-max-frame-size; the Makefile and README pass the same number), so that a message
# between MAX_MESSAGE_CHARS and this gets an error message: at Daphne's default of 1 MiB, a 2 MB
# message dropped the socket with 1006 and no word. Beyond it Daphne still drops the connection.
MAX_SOCKET_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 8  # messages are flat objects; the bound keeps json from recursing on "[[[[..."
MAX_ID_CHARS = 100
MAX_TAKES = 8  # voice takes one answer may name
BAD_MESSAGE = "bad_message"


class Message(StrEnum):
    """What the client sends (its ``type``)."""

    ANSWER = "answer"
    END = "end"


class Event(StrEnum):
    """What the server sends (its ``type``): README "WebSocket protocol" and docs/protocol.md."""

    STATE = "state"
    THINKING = "thinking"
    TOKEN = "token"
    TURN = "turn"
    REPORT = "report"
    ERROR = "error"
    PONG = "pong"


class Awaiting(StrEnum):
    """Who speaks next, as the ``state`` event says: the candidate's answer, the interviewer, or
    nobody (the interview ended)."""

    ANSWER = "answer"
    INTERVIEWER = "interviewer"
    NOTHING = "nothing"


def state_event(awaiting: Awaiting) -> dict[str, object]:
    """The server -> client ``state`` event: the interview is active unless nothing is awaited."""
    status = "ended" if awaiting is Awaiting.NOTHING else "active"
    return {"type": Event.STATE, "status": status, "awaiting": awaiting.value}


class ProtocolError(ValueError):
    """A message the server refuses; ``code`` and ``message`` are sent to the client."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ClientMessage:
    """A valid client message: ``answer`` (with its text) or ``end``; ``id`` is optional, and so
    is an answer's ``voice``: the ids of the recorded takes its text was transcribed from."""

    type: str
    text: str = ""
    id: str | None = None
    voice: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.type == Message.ANSWER:
            out["text"] = self.text
        if self.id is not None:
            out["id"] = self.id
        if self.voice:
            out["voice"] = list(self.voice)
        return out


def parse_json_object(text: str | None, binary: bytes | None = None) -> dict[str, Any]:
    """A JSON object from a WebSocket text frame, within size and nesting bounds.

    Raises:
        ProtocolError: binary or empty frame, too large, nested too deep, not JSON, not an object.
    """
    if text is None:
        kind = "binary frames are" if binary is not None else "an empty message is"
        raise ProtocolError(BAD_MESSAGE, f"Messages must be JSON objects sent as text; {kind} not accepted.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ProtocolError(BAD_MESSAGE, f"Message too large ({MAX_MESSAGE_CHARS // 1024} KB at most).")
    if nesting_depth(text) > MAX_DEPTH:
        raise ProtocolError(BAD_MESSAGE, "Message nested too deeply.")
    try:
        content = json.loads(text)
    except (ValueError, RecursionError):
        content = None
    if not isinstance(content, dict):
        raise ProtocolError(BAD_MESSAGE, "Messages must be JSON objects.")
    return content


def parse_client_message(text: str | None, binary: bytes | None = None) -> ClientMessage:
    """Validate one frame of the interview socket.

    Raises:
        ProtocolError: anything but ``{"type": "answer", "text": "<string>"}`` or ``{"type": "end"}``
            (an optional string ``id`` is allowed on both, an optional ``voice`` list of take
            ids on an answer).
    """
    content = parse_json_object(text, binary)
    kind = content.get("type")
    identifier = content.get("id")
    if identifier is not None and not (isinstance(identifier, str) and 0 < len(identifier) <= MAX_ID_CHARS):
        raise ProtocolError(BAD_MESSAGE, f"A message id must be a string of 1 to {MAX_ID_CHARS} characters.")
    if kind == Message.END:
        return ClientMessage(Message.END, id=identifier)
    if kind == Message.ANSWER:
        answer = content.get("text")
        if not isinstance(answer, str):
            raise ProtocolError(BAD_MESSAGE, "An answer's text must be a JSON string.")
        return ClientMessage(Message.ANSWER, answer, identifier, _takes(content.get("voice")))
    raise ProtocolError(BAD_MESSAGE, "Unknown message type.")


def _takes(value: Any) -> tuple[str, ...]:
    """An answer's ``voice``: absent, or a list of 1 to MAX_TAKES take ids (strings)."""
    if value is None:
        return ()
    if not (
        isinstance(value, list)
        and 0 < len(value) <= MAX_TAKES
        and all(isinstance(t, str) and 0 < len(t) <= MAX_ID_CHARS for t in value)
    ):
        raise ProtocolError(BAD_MESSAGE, f"An answer's voice must be a list of 1 to {MAX_TAKES} take ids.")
    return tuple(value)


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside JSON strings (linear, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest
