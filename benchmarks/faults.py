"""Fault drill: restart PostgreSQL, then stop and hang Redis under load, on loopback, and report.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/runlocalai_faults python benchmarks/faults.py
    FAULT_SHORT=1 ...   # the short mode CI runs

1. Signs up visitors to the newsletter, then keeps requests flowing (a bounded loop) while
   PostgreSQL restarts: requests during the outage must get a clean 503 page (never a 500 or
   a traceback), the site must recover by itself, and every earlier signup must still exist.
2. Runs its own redis-server on a free loopback port (a shared Redis is never touched), stops
   it, then replaces it with a socket that accepts connections and never answers (a hung
   Redis). In both cases pages must keep being served fast (without the cache), newsletter
   signups must be refused (429, or 503 when the limit cannot be counted: fail closed) with
   nothing stored, no response may be a 500, and every earlier signup must still exist.
Prints requests sent, errors by kind, page times and time to recover; exits non-zero when a
check fails. This restarts the machine's PostgreSQL: run it on a development or CI machine only.
"""

import collections
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from serving import PYTHON, ROOT, prepare, production_env, start_gunicorn

PORT = 8781
BASE = f"http://127.0.0.1:{PORT}"
SHORT = os.environ.get("FAULT_SHORT") == "1"
SIGNUPS = 10 if SHORT else 40
MAX_SECONDS = 45 if SHORT else 90
# The drill's Redis breaker reopens quickly, so one phase's failure does not hide the next.
BYPASS_SECONDS = 2
HUNG_ACCEPT_POLL_SECONDS = 0.1


def free_loopback_port():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of the drill's own, on loopback, without persistence; stop() ends only it."""

    def __init__(self, port):
        self.port = port
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                tempfile.gettempdir(),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):  # up to 5 s
            ping = subprocess.run(
                ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "ping"],
                capture_output=True,
                text=True,
                check=False,
            )
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        self.stop()
        sys.exit(f"redis-server did not start on 127.0.0.1:{self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class HungRedis(threading.Thread):
    """Accepts connections on 127.0.0.1:port and never answers, like a wedged Redis."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", port), backlog=128)
        self.server.settimeout(HUNG_ACCEPT_POLL_SECONDS)
        self.stop = threading.Event()
        self.connections = []

    def run(self):
        while not self.stop.is_set():
            try:
                self.connections.append(self.server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    def close(self):
        self.stop.set()
        self.join(timeout=5)
        for connection in self.connections:
            connection.close()
        self.server.close()


def fetch(path, data=None):
    """(status, body) for one request; a connection failure is status 0."""
    request = urllib.request.Request(
        BASE + path,
        data=urllib.parse.urlencode(data).encode() if data else None,
        headers={"X-Forwarded-Proto": "https", "Referer": BASE.replace("http", "https") + "/"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError:
        return 0, ""


def sign_up(email):
    """POST the footer form as a browser would: CSRF cookie and token from a page first."""
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar)
    headers = {"X-Forwarded-Proto": "https"}
    page = opener.open(urllib.request.Request(BASE + "/newsletter/", headers=headers), timeout=10)
    html = page.read().decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar.cookiejar)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "email": email, "source_page": "/"}
    ).encode()
    request = urllib.request.Request(
        BASE + "/newsletter/",
        data=body,
        headers={**headers, "Cookie": cookie, "Referer": f"https://127.0.0.1:{PORT}/"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Load(threading.Thread):
    """A bounded request loop over cached and uncached pages; records every outcome."""

    PATHS = [
        "/",
        "/hardware/rtx-4090/",
        "/will-it-run/?hardware=rtx-3090&model=qwen3-14b&quant=Q4_K_M&context=",
    ]

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.outcomes = []  # (monotonic time, path kind, status, is traceback)

    def run(self):
        deadline = time.monotonic() + MAX_SECONDS
        count = 0
        while not self.stop.is_set() and time.monotonic() < deadline:
            path = self.PATHS[count % len(self.PATHS)]
            if path.endswith("context="):
                path += str(2048 + count)  # uncached: every request reaches the database
            status, body = fetch(path)
            self.outcomes.append((time.monotonic(), path, status, "Traceback" in body))
            count += 1
            time.sleep(0.01)


def pg_cluster():
    version = sorted(os.listdir("/etc/postgresql"))[0]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def count_subscribers(env, prefix):
    code = (
        "from editorial.newsletter import Subscriber; "
        f"print(Subscriber.objects.filter(email__startswith={prefix!r}).count())"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def summarise(outcomes):
    kinds = collections.Counter()
    for _t, _path, status, traceback in outcomes:
        kinds["traceback" if traceback else ("connection error" if status == 0 else status)] += 1
    return kinds


def database_drill(env):
    prefix = f"fault-{int(time.time())}-"
    accepted = [i for i in range(SIGNUPS) if sign_up(f"{prefix}{i}@example.com") == 200]
    load = Load()
    load.start()
    time.sleep(2)
    subprocess.run([*pg_cluster(), "stop", "-m", "fast"], check=True)
    down_at = time.monotonic()
    time.sleep(4)
    subprocess.run([*pg_cluster(), "start"], check=True)
    up_at = time.monotonic()
    recovered_at = None
    while time.monotonic() - up_at < 30:
        status, _ = fetch(
            "/will-it-run/?hardware=rtx-4090&model=llama-3.1-8b&quant=Q4_K_M&context=3333"
        )
        if status == 200:
            recovered_at = time.monotonic()
            break
        time.sleep(0.2)
    time.sleep(2)
    load.stop.set()
    load.join()
    during = [o for o in load.outcomes if down_at <= o[0] <= up_at]
    kept = count_subscribers(env, prefix)
    print(f"Database drill: {len(load.outcomes)} requests, {len(during)} during the outage")
    print(f"  outcomes overall: {dict(summarise(load.outcomes))}")
    print(f"  outcomes during the outage: {dict(summarise(during))}")
    recovery = None if recovered_at is None else recovered_at - up_at
    print(
        f"  time to recover after PostgreSQL was back: "
        f"{'never' if recovery is None else f'{recovery:.1f} s'}"
    )
    print(f"  newsletter signups accepted before the outage: {len(accepted)}, still stored: {kept}")
    failures = []
    bad = [o for o in load.outcomes if o[2] == 500 or o[3]]
    if bad:
        failures.append(f"{len(bad)} responses were 500s or tracebacks")
    if recovery is None or recovery > 10:
        failures.append("the site did not recover within 10 s")
    if kept != len(accepted):
        failures.append("signups were lost")
    return failures


def timed_fetch(path):
    started = time.monotonic()
    status, body = fetch(path)
    return status, "Traceback" in body, time.monotonic() - started


def redis_fault(env, name, accepted_prefix, accepted):
    """Pages and a signup while Redis is broken (`name` says how): failures as strings."""
    results = [timed_fetch(path) for path in ("/", "/hardware/rtx-4090/", "/models/") * 3]
    email = f"redis-{name}-{int(time.time())}@example.com"
    signup = sign_up(email)
    stored = count_subscribers(env, email)
    kept = count_subscribers(env, accepted_prefix)
    statuses = collections.Counter(status for status, _tb, _s in results)
    slowest = max(seconds for _st, _tb, seconds in results)
    print(
        f"Redis drill ({name}): page statuses {dict(statuses)}, slowest page {slowest:.2f} s; "
        f"newsletter signup answered {signup}, rows stored: {stored}; "
        f"earlier signups {accepted}, still stored: {kept}"
    )
    failures = []
    if set(statuses) != {200} or any(tb for _st, tb, _s in results):
        failures.append(f"pages failed while Redis was {name}")
    if slowest > 2:
        failures.append(f"a page took {slowest:.1f} s while Redis was {name}")
    # Failing closed: the signup is refused (429 over the limit, 503 when the limit cannot
    # be counted) and nothing is stored.
    if signup not in {429, 503} or stored:
        failures.append(f"signups were not refused while Redis was {name} (must fail closed)")
    if kept != accepted:
        failures.append(f"signups were lost while Redis was {name}")
    return failures


def redis_drill(env, redis):
    prefix = f"redis-kept-{int(time.time())}-"
    accepted = sum(sign_up(f"{prefix}{i}@example.com") == 200 for i in range(SIGNUPS))
    failures = []
    redis.stop()
    failures += redis_fault(env, "down", prefix, accepted)
    hung = HungRedis(redis.port)
    hung.start()
    time.sleep(BYPASS_SECONDS + 0.5)  # let the breaker close, so the hang is really met
    try:
        failures += redis_fault(env, "hung", prefix, accepted)
    finally:
        hung.close()
    redis.start()
    time.sleep(BYPASS_SECONDS + 0.5)
    back = [fetch("/")[0] for _ in range(3)]
    print(f"Redis drill: page statuses once Redis was back: {dict(collections.Counter(back))}")
    if set(back) != {200}:
        failures.append("pages failed after Redis came back")
    return failures


def main():
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it will be migrated and seeded).")
    redis = OwnRedis(free_loopback_port())
    redis.start()
    env = production_env(
        database_url,
        redis_url=f"redis://127.0.0.1:{redis.port}/0",
        NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR="100000",
        NEWSLETTER_SIGNUPS_PER_ADDRESS_PER_HOUR="100000",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        DB_CONN_MAX_AGE="60",
        REDIS_BYPASS_SECONDS=str(BYPASS_SECONDS),
    )
    try:
        prepare(env)
        server = start_gunicorn(env, PORT, workers=2)
        try:
            failures = database_drill(env) + redis_drill(env, redis)
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        redis.stop()
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("Fault drill passed.")


if __name__ == "__main__":
    main()
