"""Shared by the load and fault scripts: a production-like gunicorn on loopback, and wrk."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_env(database_url, redis_url="redis://127.0.0.1:6379/15", **extra):
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        GUNICORN_ACCESS_LOG="/dev/null",
        **extra,
    )
    env.pop("PLAIN_STATIC_STORAGE", None)
    return env


def manage(env, *args):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def prepare(env):
    """Migrate, seed, calibrate and collect static files, as a deploy would."""
    manage(env, "migrate", "--noinput")
    manage(env, "seed")
    manage(env, "calibrate")
    manage(env, "collectstatic", "--noinput")


def start_gunicorn(env, port, workers=None):
    args = [
        PYTHON,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if workers:
        args += ["--workers", str(workers)]
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until_up(f"http://127.0.0.1:{port}/robots.txt")
    return process


def wait_until_up(url, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up within {timeout_s}s")


def static_css_path(env):
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", re.MULTILINE)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, seconds=10, connections=64, threads=2, headers=(), script=None):
    """Run wrk and return requests/s, p50/p99 latency (ms) and errors by kind."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        args += ["-s", str(script)]
    for header in headers:
        args += ["-H", header]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    latencies = {p: float(v) * UNIT_MS[u] for p, v, u in LATENCY.findall(output)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = {}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        errors["non-2xx/3xx"] = int(non2xx.group(1))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        for kind, count in zip(
            ("connect", "read", "write", "timeout"), socket.groups(), strict=True
        ):
            if int(count):
                errors[kind] = int(count)
    return {
        "rps": rps,
        "p50_ms": latencies.get("50"),
        "p99_ms": latencies.get("99"),
        "requests": total,
        "errors": errors,
    }
