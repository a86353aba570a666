"""``python -m core.pdf``: the render worker process (:func:`core.pdf.sandbox.serve`), started by
:class:`core.pdf.Worker` with its memory limit and the app's instance folder as arguments."""

from __future__ import annotations

import os
import sys

from core.pdf import MEMORY_LIMIT_MIB
from core.pdf.sandbox import serve


def _main() -> None:
    # The protocol keeps its own copy of stdout; anything a library prints goes to stderr instead.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    memory_mib = int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_LIMIT_MIB
    serve(sys.stdin.buffer, replies, memory_mib, sys.argv[2] if len(sys.argv) > 2 else None)


if __name__ == "__main__":
    _main()
