"""`make verify`: the figures of issue 10, each printed with its target (see docs/verify.md)."""
