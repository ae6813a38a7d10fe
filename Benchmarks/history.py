#!/usr/bin/env python3
"""Fill a Modelwarden store with a long synthetic history: N usage rows (default 1,000,000) over a year of daily
scans, most of them no longer active, plus deployments and findings. The schema comes from a real
`modelwarden scan` into the database first (see report.sh); this only adds rows, deterministically."""
import random, sqlite3, sys
from datetime import date, timedelta

db, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(20261129)
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
cur = con.cursor()
start = date(2025, 12, 1)
days = [start + timedelta(days=i) for i in range(365)]
stamp = lambda d, h=3: f"{d.isoformat()}T0{h}:00:00.000Z"
digest = cur.execute("SELECT policy_digest FROM scan ORDER BY id DESC LIMIT 1").fetchone()[0]
first_scan = cur.execute("SELECT max(id) FROM scan").fetchone()[0] + 1
cur.executemany(
    "INSERT INTO scan (started_at, finished_at, status, roots, policy_digest, files, files_parsed, deployments, usages, findings_open, findings_waived, diagnostics) "
    "VALUES (?, ?, 'complete', '[]', ?, 10000, 100, 2000, 10000, 300, 10, 0)",
    [(stamp(d, 2), stamp(d), digest) for d in days])
models = [("meta-llama/Llama-3.1-8B-Instruct", "meta", "llama-3.1", "llama3.1"), ("mistralai/Mixtral-8x7B-Instruct-v0.1", "mistral", "mixtral", "apache-2.0"),
          ("Qwen/Qwen2.5-7B-Instruct", "alibaba", "qwen2.5", "apache-2.0"), ("gpt-4o-2024-08-06", "openai", "gpt-4o", "openai-api-terms"),
          ("claude-3-5-sonnet-20241022", "anthropic", "claude-3.5", "anthropic-commercial-terms"), ("google/gemma-2-9b-it", "google", "gemma-2", "gemma")]
deployments = []
for i in range(2000):
    deployments.append(("Deployment", f"team-{i % 40}", f"app-{i}", f"synthetic/team-{i % 40}/app-{i}.yaml", "{}", first_scan, first_scan + 364, 1))
cur.executemany("INSERT INTO deployment (kind, namespace, name, file, labels, first_seen_scan_id, last_seen_scan_id, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", deployments)
base = cur.execute("SELECT min(id) FROM deployment WHERE file LIKE 'synthetic/%'").fetchone()[0]

def usages():
    for i in range(n):
        d = rng.randrange(2000)
        model, vendor, family, license = models[rng.randrange(len(models))]
        first = rng.randrange(365)
        last = min(364, first + rng.randrange(30))
        active = 1 if i < 10_000 else 0
        if active:
            last = 364
        external = vendor in ("openai", "anthropic")
        yield (f"synthetic/{i}", base + d, model, vendor, family, license, "external-api" if external else "self-hosted",
               None if external else "vllm", vendor if external else None, f"synthetic/team-{d % 40}/app-{d}.yaml", 20 + i % 30, 7,
               "env MODEL", first_scan + first, first_scan + last, stamp(days[first]), stamp(days[last]), active)

cur.executemany("INSERT INTO usage (key, deployment_id, model, vendor, family, license, hosting, runtime, api, file, line, column, evidence, "
                "first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", usages())

def findings():
    for i in range(n // 20):
        d = rng.randrange(2000)
        first = rng.randrange(365)
        resolved = rng.random() < 0.7
        last = min(364, first + rng.randrange(60)) if resolved else 364
        yield (f"synthetic-{i:08d}", "license/attribution-missing", "warning", "resolved" if resolved else "open", f"Deployment team-{d % 40}/app-{d}",
               "meta-llama/Llama-3.1-8B-Instruct", f"synthetic/team-{d % 40}/app-{d}.yaml", 21, 7, "requires \"Built with Llama\"",
               "Display the attribution", None, first_scan + first, first_scan + last, stamp(days[first]), stamp(days[last]))

cur.executemany("INSERT INTO finding (fingerprint, rule, severity, status, deployment, model, file, line, column, message, remediation, waiver, "
                "first_seen_scan_id, last_seen_scan_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", findings())
con.commit()
print(f"{db}: {cur.execute('SELECT count(*) FROM usage').fetchone()[0]} usage rows, "
      f"{cur.execute('SELECT count(*) FROM finding').fetchone()[0]} findings, {cur.execute('SELECT count(*) FROM scan').fetchone()[0]} scans")
