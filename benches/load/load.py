#!/usr/bin/env python3
"""Load benchmark (issue 15): the same flow in Node-RED and in Wizard Platform, side by side.

The flow: an HTTP request comes in, the server GETs a JSON document from an upstream on
127.0.0.1 (nginx serving httpbin's `/json`), reshapes it with JavaScript and answers with
the result. Node-RED runs it as `http in -> http request -> function -> http response`
(node-red/flows.json); Wizard Platform as `POST /wizard-runs/{id}/execute-event` with one
`api_call` and one `transform_data` (javascript), after authenticating the caller, loading
the run, saving the runner's answer and writing the execution log rows.

Also measured: an event with no actions (our fixed cost per request), JMESPath instead of
JavaScript, and the same flow with the database on PostgreSQL. Every variant is driven by
the same load tool (`hey`) with the same concurrency for the same time, and each must
answer 200 to every request. After the SQLite run the benchmark counts the event log rows
against the acknowledged requests: a request we answered left its trace.

Each row also gives the server's CPU time and thread switches per request (all its threads,
from /proc, around the measured run): steadier than requests per second on a noisy machine,
and free of the load tool's share of the cores.

Machines shared with others are noisy: the products take turns, round after round
(WP_LOAD_ROUNDS, default 3), and each row keeps its median round by requests per second.

Each product is warmed up under the same load for WP_LOAD_WARMUP (default 15s) first:
Node-RED's JIT keeps getting faster for several seconds of load (2,000 requests left its
first measured round about a third slower than its later ones). Each round is then preceded
by WP_LOAD_ROUND_WARMUP (default 5s) of the same load, unmeasured: a product that sat idle
while the others ran starts slow again (Node-RED after a minute idle: 943 req/s, then 1,536
in its next round).

Run it with `scripts/bench-load` (installs the tools, builds the release server). Settings:
WP_LOAD_DURATION (default 10s), WP_LOAD_WARMUP (15s), WP_LOAD_ROUND_WARMUP (5s),
WP_LOAD_CONCURRENCY (16), WP_LOAD_ROUNDS (3),
WP_LOAD_POSTGRES_URL (an empty database for the PostgreSQL row; without it the row is
skipped), WP_LOAD_SERVER (binary).
"""

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DURATION = os.environ.get("WP_LOAD_DURATION", "10s")
WARMUP = os.environ.get("WP_LOAD_WARMUP", "15s")
ROUND_WARMUP = os.environ.get("WP_LOAD_ROUND_WARMUP", "5s")
CONCURRENCY = int(os.environ.get("WP_LOAD_CONCURRENCY", "16"))
ROUNDS = int(os.environ.get("WP_LOAD_ROUNDS", "3"))

# The transform, as node-red/flows.json's function node does it: a few fields of the document.
JS_WIZARD = (
    "const s = input.actions.get.output.slideshow;\n"
    "return { title: s.title, author: s.author, slides: s.slides.map(x => x.title) };"
)
JMES_WIZARD = "actions.get.output.slideshow.{title: title, author: author, slides: slides[].title}"
EXPECTED = {
    "title": "Sample Slide Show",
    "author": "Yours Truly",
    "slides": ["Wake up to WonderWidgets!", "Overview"],
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body=None, token=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {url} -> {e.code}: {e.read().decode(errors='replace')}")


def wait_for(url, what, proc, method="GET", body=None, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            data = None if body is None else json.dumps(body).encode()
            req = urllib.request.Request(url, data=data, method=method)
            req.add_header("content-type", "application/json")
            with urllib.request.urlopen(req, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    sys.exit(f"{what} did not answer on {url} within {seconds} s")


class Processes:
    """Everything started here, stopped on the way out whatever happens."""

    def __init__(self):
        self.procs = []

    def start(self, args, log, env=None, cwd=None):
        out = open(log, "w")
        proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
        self.procs.append(proc)
        return proc

    def stop(self, proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def stop_all(self):
        for proc in reversed(self.procs):
            self.stop(proc)


def start_nginx(procs, work):
    port = free_port()
    root = os.path.join(work, "upstream")
    os.makedirs(root)
    shutil.copy(os.path.join(HERE, "upstream.json"), os.path.join(root, "json"))
    os.chmod(work, 0o755)
    os.chmod(root, 0o755)
    conf = os.path.join(work, "nginx.conf")
    tmp = os.path.join(work, "nginx-tmp")
    os.makedirs(tmp)
    with open(conf, "w") as f:
        f.write(f"""
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path {tmp};
  proxy_temp_path {tmp};
  fastcgi_temp_path {tmp};
  uwsgi_temp_path {tmp};
  scgi_temp_path {tmp};
  server {{
    listen 127.0.0.1:{port};
    location = /json {{ default_type application/json; alias {root}/json; }}
  }}
}}
""")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = procs.start([nginx, "-c", conf, "-e", f"{work}/nginx-error.log"], f"{work}/nginx.log")
    url = f"http://127.0.0.1:{port}"
    wait_for(f"{url}/json", "nginx", proc)
    return url


def start_node_red(procs, work, upstream):
    home = os.environ.get("WP_NODE_RED_DIR")
    if not home:
        sys.exit("WP_NODE_RED_DIR is not set (scripts/bench-load installs Node-RED and sets it)")
    user_dir = os.path.join(work, "node-red")
    os.makedirs(user_dir)
    for name in ("flows.json", "settings.js"):
        shutil.copy(os.path.join(HERE, "node-red", name), user_dir)
    port = free_port()
    env = dict(os.environ, UPSTREAM_URL=f"{upstream}/json", NODE_ENV="production")
    red = os.path.join(home, "node_modules", "node-red", "red.js")
    proc = procs.start(
        ["node", red, "--userDir", user_dir, "--settings", os.path.join(user_dir, "settings.js"),
         "--port", str(port), "flows.json"],
        f"{work}/node-red.log", env=env, cwd=user_dir,
    )
    url = f"http://127.0.0.1:{port}/flow"
    wait_for(url, "Node-RED", proc, method="POST", body={})
    got = request("POST", url, {})
    if got != EXPECTED:
        sys.exit(f"Node-RED answered {got}, not {EXPECTED}")
    return url, proc.pid


def start_wizard(procs, work, name, database_url=None):
    binary = os.environ.get("WP_LOAD_SERVER") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "server")
    if not os.access(binary, os.X_OK):
        sys.exit(f"no release server at {binary} (scripts/bench-load builds it)")
    data = os.path.join(work, f"data-{name}")
    os.makedirs(data)
    port = free_port()
    env = dict(
        os.environ,
        APP_ADDRESS=f"127.0.0.1:{port}",
        LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
        LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
        LEPTOS_ENV="PROD",
        APP_DATA_DIR=data,
        APP_LOG_LEVEL="warn",
        APP_SEED_TEMPLATES="false",
        # The per-user event limit guards a shared server; here one user is the load.
        APP_EVENTS_PER_MINUTE="1000000000",
        APP_EVENTS_BURST="1000000000",
    )
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    proc = procs.start([binary], f"{work}/server-{name}.log", env=env)
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/api/v1/health", "the Wizard Platform server", proc)
    return proc, base, data


def set_up_wizard(base, upstream):
    """One wizard, one run, one field per variant with one onChange event each."""
    api = f"{base}/api/v1"
    token = request("POST", f"{api}/auth/register",
                    {"email": "load@example.com", "password": "correct horse battery"})["token"]
    request("POST", f"{api}/admin/outbound-allowlist",
            {"pattern": "127.0.0.1", "note": "load benchmark upstream"}, token)
    wizard = request("POST", f"{api}/wizards", {"name": "Load benchmark"}, token)
    wid = wizard["id"]
    variants = ["none", "js", "jmes"]
    saved = request("PUT", f"{api}/wizards/{wid}", {
        "version": wizard["version"],
        "definition": {"name": "Load benchmark", "steps": [{"title": "One", "option_sets": [
            {"key": k, "label": k, "selection_type": "text_input"} for k in variants]}]},
    }, token)
    config = request("POST", f"{api}/wizards/{wid}/api-configs",
                     {"name": "upstream", "base_url": upstream}, token)
    get = {"name": "get", "action_type": "api_call",
           "config": {"api_config_id": config["id"], "url": "/json"}}
    actions = {
        "none": [],
        "js": [get, {"name": "shape", "action_type": "transform_data",
                     "config": {"language": "javascript", "expression": JS_WIZARD}}],
        "jmes": [get, {"name": "shape", "action_type": "transform_data",
                       "config": {"language": "jmespath", "expression": JMES_WIZARD}}],
    }
    targets = {os["key"]: os["id"] for os in saved["definition"]["steps"][0]["option_sets"]}
    for k in variants:
        request("POST", f"{api}/wizards/{wid}/events", {
            "name": k, "trigger": "optionSet.onChange", "target_id": targets[k],
            "actions": actions[k]}, token)
    draft = request("GET", f"{api}/wizards/{wid}", token=token)
    request("POST", f"{api}/wizards/{wid}/publish", {"version": draft["version"]}, token)
    run = request("POST", f"{api}/wizard-runs", {"wizard_id": wid}, token)
    url = f"{api}/wizard-runs/{run['id']}/execute-event"
    bodies = {k: {"trigger": "optionSet.onChange", "target_id": targets[k],
                  "answers": {k: "hello"}} for k in variants}
    # Each variant works before it is measured: the transform's result, every action a success.
    for k in variants:
        got = request("POST", url, bodies[k], token)
        statuses = [a["status"] for a in got["actions"]]
        if statuses != ["success"] * len(actions[k]):
            sys.exit(f"{k}: {got}")
        if k != "none" and got["actions"][-1]["output"] != EXPECTED:
            sys.exit(f"{k}: the transform gave {got['actions'][-1]['output']}")
    return url, token, bodies


LATENCY = re.compile(r"^\s*(\d+)% in ([\d.]+) secs", re.M)


TICKS = os.sysconf("SC_CLK_TCK")


def usage(pid):
    """(CPU seconds, context switches) process `pid` has used so far, over all its threads.

    CPU per request is steadier than requests per second on a shared machine, and it shows
    where a product's time goes without the load tool's share (hey runs on the same cores)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    switches = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                switches += sum(int(line.split()[1]) for line in f
                                if line.startswith(("voluntary_ctxt", "nonvoluntary_ctxt")))
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return cpu, switches


def hey_args(duration, body, token=None):
    """hey's arguments for POSTing `body` for `duration` at CONCURRENCY connections."""
    args = ["hey", "-z", duration, "-c", str(CONCURRENCY), "-m", "POST",
            "-T", "application/json", "-d", json.dumps(body)]
    if token:
        args += ["-H", f"Authorization: Bearer {token}"]
    return args


def warm_up(url, body, token=None, duration=WARMUP):
    """Drives `url` for `duration`, unmeasured (JIT, connection pools, caches)."""
    subprocess.run(hey_args(duration, body, token) + [url], capture_output=True, check=True)


def hey(url, body, pid, token=None, before_round=None):
    """Drives `url` with hey; (requests/s, p50 ms, p99 ms, 200 responses, the server's CPU µs
    per request, its thread switches per request). `before_round` is called just before the
    measured requests start (after the round's warm-up)."""
    # Every round starts warm: a product that sat idle while the others ran is slower for
    # its first seconds (Node-RED's first round after a minute idle: 943 req/s, its next 1,536).
    warm_up(url, body, token, ROUND_WARMUP)
    args = hey_args(DURATION, body, token)
    # What the previous round wrote is flushed first, so the kernel's writeback of it does
    # not land on this round (it hit Node-RED's rounds, which follow our busiest one).
    os.sync()
    if before_round:
        before_round()
    cpu_before, switches_before = usage(pid)
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    cpu_after, switches_after = usage(pid)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {int(p): float(s) * 1000 for p, s in LATENCY.findall(out)}
    codes = dict(re.findall(r"\[(\d+)\]\s+(\d+) responses", out))
    if list(codes) != ["200"] or "Error distribution" in out:
        sys.exit(f"not every request answered 200:\n{out}")
    n = int(codes["200"])
    return (rps, lat[50], lat[99], n, (cpu_after - cpu_before) * 1e6 / n,
            (switches_after - switches_before) / n)


def median(runs):
    """The round with the median requests per second."""
    return sorted(runs, key=lambda r: r[0])[len(runs) // 2]


def event_rows(data_dir):
    db = sqlite3.connect(os.path.join(data_dir, "wizard.db"))
    try:
        return db.execute("SELECT count(*) FROM action_execution_logs WHERE kind = 'event'").fetchone()[0]
    finally:
        db.close()


def main():
    work = tempfile.mkdtemp(prefix="wizard-load.")
    procs = Processes()
    rows = []
    try:
        upstream = start_nginx(procs, work)
        node_red, red_pid = start_node_red(procs, work, upstream)
        wiz, base, data = start_wizard(procs, work, "sqlite")
        url, token, bodies = set_up_wizard(base, upstream)
        # Warm both up (JIT, connection pools, caches) before measuring.
        warm_up(node_red, {})
        warm_up(url, bodies["js"], token)
        names = {
            "nr": "Node-RED 4.1: http in → http request → function → http response",
            "js": "Wizard Platform, SQLite: api_call + transform_data (javascript)",
            "jmes": "Wizard Platform, SQLite: api_call + transform_data (jmespath)",
            "none": "Wizard Platform, SQLite: an event with no actions (fixed cost)",
        }
        runs = {k: [] for k in names}
        acknowledged = logged = 0
        for _ in range(ROUNDS):
            runs["nr"].append(hey(node_red, {}, red_pid))
            before = []
            js = hey(url, bodies["js"], wiz.pid, token, lambda: before.append(event_rows(data)))
            runs["js"].append(js)
            acknowledged += js[3]
            logged += event_rows(data) - before[0]
            runs["jmes"].append(hey(url, bodies["jmes"], wiz.pid, token))
            runs["none"].append(hey(url, bodies["none"], wiz.pid, token))
        rows.extend((names[k], median(v)) for k, v in runs.items())
        procs.stop(wiz)
        pg = os.environ.get("WP_LOAD_POSTGRES_URL")
        if pg:
            wiz, base, _ = start_wizard(procs, work, "postgres", pg)
            url, token, bodies = set_up_wizard(base, upstream)
            warm_up(url, bodies["js"], token)
            rows.append(("Wizard Platform, PostgreSQL: api_call + transform_data (javascript)",
                         median([hey(url, bodies["js"], wiz.pid, token) for _ in range(ROUNDS)])))
            procs.stop(wiz)
    finally:
        procs.stop_all()
        shutil.rmtree(work, ignore_errors=True)

    base_rps = rows[0][1][0]
    print(f"\nLoad: hey -z {DURATION} -c {CONCURRENCY}, median of {ROUNDS} rounds, upstream nginx "
          f"on 127.0.0.1, {os.cpu_count()} CPUs\n")
    print("| flow | req/s | p50 ms | p99 ms | × Node-RED | server CPU µs/req | switches/req |")
    print("|---|---|---|---|---|---|---|")
    for name, (rps, p50, p99, _, cpu, switches) in rows:
        print(f"| {name} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {rps / base_rps:.2f}× "
              f"| {cpu:,.0f} | {switches:.1f} |")
    print(f"\nDurability: {acknowledged} requests answered 200 in the measured JavaScript runs; "
          f"{logged} event log rows written for them.")
    if logged < acknowledged:
        sys.exit("some acknowledged events left no log row")


if __name__ == "__main__":
    main()
