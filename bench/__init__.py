"""Backpack's benchmark suite: speed and resource figures against same-run baselines.

Run it with ``bash build/bench.sh`` (installs the bench venv, then ``python -m bench``).
Every speed figure is a ratio against a baseline measured in the same run, interleaved with it,
so a noisy machine still gives a stable answer. See ``bench/README.md``.
"""
