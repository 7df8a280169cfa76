"""``python -m bench <name> [args]``: run one benchmark and print its JSON."""

from __future__ import annotations

import importlib
import json
import sys

BENCHMARKS = ("sync", "region", "pwa", "overview", "pdf")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        print(f"usage: python -m bench {{{'|'.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{argv[0]}")
    result = module.main(argv[1:])
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
