#!/usr/bin/env python3
"""Soaks `modelwarden daemon` on loopback: REQUESTS API requests from several clients while CHANGES file changes
arrive in bursts and SIGHUP reloads run. Prints RSS at start and end, failed requests, and lost scans (files whose
last content is not what the API shows once the daemon has settled). Used by Benchmarks/soak.sh."""
import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

POD = """apiVersion: v1
kind: Pod
metadata: {{name: churn-{slot}, namespace: soak}}
spec:
  containers:
    - name: vllm
      image: vllm/vllm-openai:v0.6.3
      args: ["--model", "soak-org/churn-{slot}-v{version}"]
"""
PATHS = ["/v1/inventory", "/v1/findings", "/v1/findings?status=open", "/v1/history?since=2026-01-01", "/v1/scans", "/metrics", "/healthz"]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


class Client(threading.Thread):
    """Keep-alive requests on one connection, reconnecting when the server closes it."""

    def __init__(self, port, token, count, seed):
        super().__init__(daemon=True)
        self.port, self.token, self.count, self.random = port, token, count, random.Random(seed)
        self.failures, self.statuses, self.latencies = [], {}, []

    def run(self):
        connection = None
        for index in range(self.count):
            path = self.random.choice(PATHS)
            method = "POST" if index % 200 == 199 else "GET"
            if method == "POST":
                path = "/v1/scans"
            started = time.perf_counter()
            for attempt in range(2):
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                    connection.request(method, path, headers={"Authorization": f"Bearer {self.token}"})
                    response = connection.getresponse()
                    response.read()
                    self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                    if response.status != 200:
                        self.failures.append(f"{method} {path}: {response.status}")
                    break
                except (http.client.HTTPException, ConnectionError, OSError) as error:
                    connection = None
                    # A keep-alive connection the server closed between requests is retried once; anything else fails.
                    if attempt == 1:
                        self.failures.append(f"{method} {path}: {error!r}")
            self.latencies.append(time.perf_counter() - started)


def churn(folder, changes, bursts, slots, final, stop):
    """Writes, rewrites and deletes manifests in bursts; `final` ends up with the last model of every slot (None: deleted)."""
    rng = random.Random(7)
    per_burst = changes // bursts
    version = 0
    for _ in range(bursts):
        for _ in range(per_burst):
            slot = rng.randrange(slots)
            path = os.path.join(folder, f"churn-{slot}.yaml")
            version += 1
            if rng.random() < 0.1 and os.path.exists(path):
                os.remove(path)
                final[slot] = None
            else:
                # Write beside, then rename over, as editors and kubectl do.
                temporary = path + ".tmp"
                with open(temporary, "w") as handle:
                    handle.write(POD.format(slot=slot, version=version))
                os.rename(temporary, path)
                final[slot] = f"soak-org/churn-{slot}-v{version}"
        time.sleep(rng.uniform(0.05, 0.4))
        if stop.is_set():
            break


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("estate")
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--bursts", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--reload-every", type=float, default=2.0)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="modelwarden-soak-")
    token = "soak-token-" + os.urandom(8).hex()
    with open(os.path.join(work, "token"), "w") as handle:
        handle.write(token + "\n")
    churn_folder = os.path.join(args.estate, "churn")
    os.makedirs(churn_folder, exist_ok=True)
    log = open(os.path.join(work, "daemon.log"), "w+")
    daemon = subprocess.Popen([args.binary, "daemon", "--watch", args.estate, "--db", os.path.join(work, "soak.sqlite"),
                               "--listen", "127.0.0.1:0", "--interval", "30s", "--debounce", "200ms",
                               "--token-file", os.path.join(work, "token")], stderr=log, stdout=subprocess.DEVNULL)
    port = None
    for _ in range(600):
        log.seek(0)
        text = log.read()
        match = re.search(r"API listening.*address=127\.0\.0\.1:(\d+)", text)
        if match and "scan recorded" in text:
            port = int(match.group(1))
            break
        time.sleep(0.1)
    if port is None:
        print("daemon did not start:\n" + text[-2000:])
        daemon.kill()
        return 1
    start_rss, _ = rss_mib(daemon.pid)
    started = time.time()

    final, stop = {}, threading.Event()
    changer = threading.Thread(target=churn, args=(churn_folder, args.changes, args.bursts, 200, final, stop), daemon=True)
    clients = [Client(port, token, args.requests // args.clients, seed) for seed in range(args.clients)]
    reloads = 0
    changer.start()
    for client in clients:
        client.start()
    while any(client.is_alive() for client in clients) or changer.is_alive():
        time.sleep(args.reload_every)
        daemon.send_signal(signal.SIGHUP)
        reloads += 1
    for thread in clients + [changer]:
        thread.join()
    elapsed = time.time() - started

    # Settle: the last burst's debounce and scan, then one more scan to be sure nothing is queued.
    time.sleep(2)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("POST", "/v1/scans", headers={"Authorization": f"Bearer {token}"})
    connection.getresponse().read()
    connection.request("GET", "/v1/inventory", headers={"Authorization": f"Bearer {token}"})
    inventory = json.loads(connection.getresponse().read())
    rows = inventory if isinstance(inventory, list) else inventory.get("rows", [])
    seen = {row.get("model") for row in rows if isinstance(row, dict)}
    churned = {model for model in seen if model and model.startswith("soak-org/")}
    expected = {model for model in final.values() if model}
    lost = sorted(expected - churned)
    stale = sorted(churned - expected)
    connection.request("GET", "/v1/scans", headers={"Authorization": f"Bearer {token}"})
    scans = json.loads(connection.getresponse().read())
    end_rss, peak_rss = rss_mib(daemon.pid)
    report(args, clients, final, reloads, scans, lost, stale, elapsed, (start_rss, end_rss, peak_rss), log)

    stopping = time.time()
    daemon.send_signal(signal.SIGTERM)
    try:
        exit_code = daemon.wait(timeout=120)
    except subprocess.TimeoutExpired:
        daemon.kill()
        exit_code = "none: still running 120 s after SIGTERM, killed"
    print(f"daemon exit code after SIGTERM: {exit_code} in {time.time() - stopping:.1f} s; log: {os.path.join(work, 'daemon.log')}")
    failures = [failure for client in clients for failure in client.failures]
    return 0 if not failures and not lost and not stale and exit_code == 0 else 1


def report(args, clients, final, reloads, scans, lost, stale, elapsed, rss, log):
    start_rss, end_rss, peak_rss = rss
    log.seek(0)
    log_text = log.read()
    failures = [failure for client in clients for failure in client.failures]
    statuses = {}
    for client in clients:
        for status, count in client.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    latencies = sorted(latency for client in clients for latency in client.latencies)
    print(f"requests: {sum(statuses.values())} answered in {elapsed:.1f} s by {args.clients} clients; statuses {dict(sorted(statuses.items()))}")
    print(f"failed requests: {len(failures)}" + (f" (first: {failures[:5]})" if failures else ""))
    print(f"latency: median {latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms")
    print(f"file changes: {args.changes} in {args.bursts} bursts over {len(final)} files; SIGHUP reloads: {reloads}")
    print(f"scans recorded: {len(scans) if isinstance(scans, list) else '?'}; scans failed in the log: {log_text.count('scan failed')}")
    print(f"lost scans (final file content not in the API): {len(lost)}; stale usages: {len(stale)}" + (f" {lost[:5]} {stale[:5]}" if lost or stale else ""))
    print(f"RSS: start {start_rss:.1f} MiB, end {end_rss:.1f} MiB, peak {peak_rss:.1f} MiB", flush=True)


if __name__ == "__main__":
    sys.exit(main())
