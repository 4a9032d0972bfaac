"""Load benchmark: gunicorn with production settings on PostgreSQL + Redis, measured with wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/runlocalai_bench python benchmarks/load.py

Prints requests/s and p50/p99 latency at 64 connections for a static file and five kinds of
page, each as a ratio to the static file. Needs `wrk` (apt-get install wrk). Loopback only.
"""

import os
import sys
from pathlib import Path

from serving import prepare, production_env, start_gunicorn, static_css_path, wrk

PORT = 8765
VARY_SCRIPT = Path(__file__).with_name("vary_context.lua")
SECONDS = int(os.environ.get("LOAD_SECONDS", "10"))
# A returning visitor carries the CSRF cookie set by their first page, as browsers do.
RETURNING = ("Cookie: csrftoken=benchmarkbenchmarkbenchmarkbench",)
HTMX = ("HX-Request: true", "HX-Target: result", *RETURNING)

TARGETS = [
    ("static file (site.css, 10 KB)", None, ()),
    ("home page, first visit (cached)", "/", ()),
    ("home page (cached)", "/", RETURNING),
    ("hardware detail (cached)", "/hardware/rtx-4090/", RETURNING),
    (
        "Will it run? HTMX partial (uncached)",
        "/will-it-run/?hardware=rtx-3090&model=qwen3-14b&quant=Q4_K_M&context={n}",
        HTMX,
    ),
    (
        "compare, 3 items (cached)",
        "/compare/?hw=rtx-4090,rtx-3090,apple-m4-max-40c-128gb",
        RETURNING,
    ),
    ("search (cached)", "/search/?q=rtx+4090", RETURNING),
]


def main():
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it will be migrated and seeded).")
    env = production_env(database_url)
    prepare(env)
    server = start_gunicorn(env, PORT)
    try:
        rows = []
        for label, path, headers in TARGETS:
            if path is None:
                path = static_css_path(env)
            script = VARY_SCRIPT if "{n}" in path else None
            url = f"http://127.0.0.1:{PORT}{path}"
            wrk(url, seconds=2, headers=headers, script=script)  # warm-up, fills the page cache
            rows.append((label, wrk(url, seconds=SECONDS, headers=headers, script=script)))
    finally:
        server.terminate()
        server.wait(timeout=20)
    static_rps = rows[0][1]["rps"]
    print(f"{'target':42} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x static':>9}  errors")
    for label, result in rows:
        print(
            f"{label:42} {result['rps']:9.0f} {result['p50_ms'] or 0:8.1f} "
            f"{result['p99_ms'] or 0:8.1f} "
            f"{result['rps'] / static_rps:9.2f}  {result['errors'] or 0}"
        )


if __name__ == "__main__":
    main()
