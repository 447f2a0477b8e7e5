"""Tools, not the product: the benchmarks behind `python -m bot bench-load` and `bench-clocks`,
and the servers and signed traffic they drive (which the multi-process tests reuse).

Nothing in the product imports from here (`tests/test_bench_apart.py` checks it); only the
command dispatch in `bot/__main__.py` reaches in, lazily, when a benchmark is asked for. The
sandbox, by contrast, is a product feature and stays in `bot/sandbox/`.
"""
