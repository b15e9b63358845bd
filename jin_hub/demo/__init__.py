"""Seeded synthetic partner extracts for demos and tests (clearly synthetic, never real people)."""
