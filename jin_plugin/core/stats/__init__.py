"""Spatial statistics for cross-dataset comparisons, in numpy only (PySAL is not installable on
most partner PCs). ``esda``/``libpysal`` are the test-time references these are checked against."""
