"""`DeadLetter`: a message a stage could not handle, with the reason, on `redflag.deadletter`."""

from typing import Literal

from pydantic import AwareDatetime

from schemas._base import Message


class DeadLetter(Message):
    """What failed, where and why; `payload` is the original value as text."""

    schema_version: Literal[1] = 1
    stage: str
    reason: str
    topic: str = ""
    key: str | None = None
    payload: str = ""
    at: AwareDatetime
