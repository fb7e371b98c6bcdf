"""`make bench`: every benchmark in turn; each prints its table and writes bench/out/*.json."""

from __future__ import annotations

import importlib
import sys

BENCHES = (
    "bench.register_load",
    "bench.zorgfeed",
    "bench.populatie",
    "bench.signalen",
    "bench.soap",
    "bench.soak",
    "bench.portaal",
)


def main() -> None:
    only = sys.argv[1:]
    for name in BENCHES:
        if only and name.rsplit(".", 1)[-1] not in only:
            continue
        print(f"== {name}", flush=True)
        importlib.import_module(name).main([])


if __name__ == "__main__":
    main()
