"""Benchmarks of what a brief costs: run them all with ``make bench`` (``benchmarks/run.py``).

Each ``bench_*`` module measures one thing in a fresh child process (``python -m benchmarks.bench_X``)
and prints its result as JSON; ``run.py`` adds the machine it ran on and writes ``benchmarks/results/``.
"""
