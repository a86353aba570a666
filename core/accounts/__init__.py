"""People, their roles, signing in and out."""
