"""Benchmarks: ``python -m bench <name>`` prints figures as JSON, each against a floor measured in the same run."""
