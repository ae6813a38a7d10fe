#!/usr/bin/env python3
"""Measures `modelwarden daemon` on a folder of manifests: time to READY=1 (first scan recorded), the
time from a new manifest landing in a watched folder to its usage appearing in the API, the scan
that follows (from the daemon's own log), and the daemon's memory (VmRSS, VmHWM).

Used by Benchmarks/daemon.sh; prints one line per figure."""
import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: bench}}
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/example/app:1.0
          env:
            - {{name: OPENAI_MODEL, value: gpt-4o-mini}}
            - name: OPENAI_API_KEY
              valueFrom: {{secretKeyRef: {{name: openai, key: key}}}}
"""


def memory(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return fields


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # utime and stime, fields 14 and 15 of stat(5), counted after the command name's closing bracket.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("estate")
    parser.add_argument("--policies", required=True)
    parser.add_argument("--debounce", default="2s")
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--idle", type=float, default=0, help="seconds to measure the daemon's CPU use while nothing changes")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="modelwarden-daemon-bench-")
    notify_path = os.path.join(work, "notify.sock")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.settimeout(600)
    log = open(os.path.join(work, "daemon.log"), "w+")
    env = dict(os.environ, NOTIFY_SOCKET=notify_path)
    started = time.monotonic()
    daemon = subprocess.Popen(
        [args.binary, "daemon", "--watch", args.estate, "--policies", args.policies, "--db", os.path.join(work, "mw.sqlite"),
         "--listen", "127.0.0.1:0", "--interval", "1h", "--debounce", args.debounce],
        stdout=subprocess.DEVNULL, stderr=log, env=env)
    try:
        while True:
            message = notify.recv(4096).decode()
            if "READY=1" in message:
                break
        ready = time.monotonic() - started
        status = re.search(r"STATUS=(.*)", message).group(1)
        print(f"  time to READY=1 (first scan recorded)       {ready:7.3f} s   {status}")

        port = None
        while port is None:
            log.seek(0)
            found = re.search(r"API listening address=[0-9.]+:(\d+)", log.read())
            port = int(found.group(1)) if found else None
            time.sleep(0.01)
        mem = memory(daemon.pid)
        print(f"  memory after the first scan                 VmRSS {mem['VmRSS']:6.1f} MiB, peak VmHWM {mem['VmHWM']:6.1f} MiB")

        t0 = time.monotonic()
        inventory = get(port, "/v1/inventory")
        print(f"  GET /v1/inventory                           {time.monotonic() - t0:7.3f} s   {len(json.loads(inventory))} usages, {len(inventory) / 1048576:.1f} MiB")

        latencies = []
        target = os.path.join(args.estate, "bench-daemon-changes")
        os.makedirs(target, exist_ok=True)
        time.sleep(3)  # let the new folder's own rescan pass (debounce of at most 2 s), so it does not delay the first change
        for index in range(args.changes):
            name = f"bench-change-{os.getpid()}-{index}"
            # Write beside, then rename in: the file appears whole, as a deploy tool or `git checkout` makes it.
            staging = os.path.join(work, name + ".yaml")
            with open(staging, "w") as out:
                out.write(MANIFEST.format(name=name))
            t0 = time.monotonic()
            os.rename(staging, os.path.join(target, name + ".yaml"))
            while True:
                events = json.loads(get(port, f"/v1/history?deployment={name}"))
                if any(event["event"] == "usage-appeared" for event in events):
                    break
                time.sleep(0.01)
            latencies.append(time.monotonic() - t0)
            time.sleep(0.2)
        log.seek(0)
        scans = [int(m) for m in re.findall(r'scan recorded duration_ms=(\d+)[^\n]*reason="files changed"', log.read())]
        print(f"  change to usage in the API (debounce {args.debounce:>5})  median {statistics.median(latencies):6.3f} s, "
              f"min {min(latencies):6.3f} s, max {max(latencies):6.3f} s over {len(latencies)} changes")
        print(f"  change to usage in the API                  p50 {percentile(latencies, 0.5):6.3f} s, p95 {percentile(latencies, 0.95):6.3f} s")
        if scans:
            print(f"  of which the rescan (daemon's log)          median {statistics.median(scans) / 1000:6.3f} s")
        if args.idle > 0:
            time.sleep(1)  # the last change's rescan and recording are over
            before = cpu_seconds(daemon.pid)
            time.sleep(args.idle)
            used = cpu_seconds(daemon.pid) - before
            print(f"  idle CPU                                    {100 * used / args.idle:6.3f} % over {args.idle:.0f} s ({used:.2f} s of CPU)")
        mem = memory(daemon.pid)
        print(f"  memory at the end                           VmRSS {mem['VmRSS']:6.1f} MiB, peak VmHWM {mem['VmHWM']:6.1f} MiB")
        shutil.rmtree(target)
    finally:
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=120)
        if code != 0:
            log.seek(0)
            sys.stderr.write(log.read())
            sys.exit(f"daemon exited {code}")
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
