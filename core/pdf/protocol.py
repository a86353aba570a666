"""The pipes between the app and its render worker: a request is a length-prefixed JSON object; a
reply is a length-prefixed JSON header followed by the PDF's bytes. Nothing is unpickled."""

from __future__ import annotations

import struct
from typing import IO

HEADER = struct.Struct(">I")
MESSAGE_MAX_BYTES = 64 * 1024 * 1024  # a request or a reply larger than this is refused


def read_message(stream: IO[bytes]) -> bytes | None:
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    if size > MESSAGE_MAX_BYTES:
        raise ValueError("message too large")
    return stream.read(size)


def write_message(stream: IO[bytes], *parts: bytes) -> None:
    for part in parts:
        stream.write(HEADER.pack(len(part)))
        stream.write(part)
    stream.flush()
