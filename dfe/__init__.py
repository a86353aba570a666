"""The link to the DfE's NPQ Registration API (v3)."""
