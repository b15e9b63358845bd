"""JiN benchmarks: each `bench_*.py` module times our code against a reference in the same run."""
