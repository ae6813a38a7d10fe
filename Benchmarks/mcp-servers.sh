#!/usr/bin/env bash
# Scores modelwarden's MCP server inventory (the report's `tools` array) on the issue-20 blind set, per kind and in
# total. Fetches nothing: give it the folder that holds the files under their local names (see mcp-servers.yaml:
# repository, commit, path, file); they are scanned laid out at their real paths.
#
#   Benchmarks/mcp-servers.sh FOLDER [MODELWARDEN-BINARY]
#   REPORT=report.json Benchmarks/mcp-servers.sh FOLDER   # score a saved report instead of running the binary
#
# Servers match by file and name. Pins are judged on matched servers (pinned flag and version both as labelled);
# remote hosts on matched servers whose labelled transport is not stdio. VERBOSE=1 lists every miss and extra.
# Needs python3 with PyYAML.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folder=${1:?usage: mcp-servers.sh FOLDER [BINARY]}
binary=${2:-$here/../.build/debug/modelwarden}
labels=$here/mcp-servers.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "${REPORT:-}" ]; then
    cp "$REPORT" "$work/report.json"
else
    binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
    # Each file goes back to its real path (OWNER__REPO/PATH), since clients' files are known by their folders
    # (.vscode/mcp.json, .cursor/mcp.json); the report's paths are then mapped back to the local names.
    python3 "$here/blind_layout.py" layout "$labels" "$folder" "$work/tree"
    (cd "$work/tree" && "$binary" check . --format json --fail-on never > "$work/laid-out.json")
    python3 "$here/blind_layout.py" remap "$labels" "$work/laid-out.json" "$work/report.json"
fi

python3 - "$labels" "$work/report.json" "${VERBOSE:-0}" <<'PY'
import json, sys
import yaml

labels_path, report_path, verbose = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
files = yaml.safe_load(open(labels_path))["files"]
report = json.load(open(report_path))
tools = report.get("tools") or []


def norm_path(p):
    p = str(p).replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def tool_file(t):
    f = t.get("file") or t.get("path")
    loc = t.get("location")
    if not f and isinstance(loc, dict):
        f = loc.get("file") or loc.get("path")
    return norm_path(f or "")


def norm_host(h):
    return None if h in (None, "") else str(h).strip().lower().strip("[]")


def norm_version(v):
    return None if v in (None, "") else str(v).strip()


reported_by_file = {}
for t in tools:
    reported_by_file.setdefault(tool_file(t), []).append(t)


def reported_for(name):
    if name in reported_by_file:
        return reported_by_file[name]
    return next((v for k, v in reported_by_file.items() if k.endswith("/" + name)), [])


class Tally:
    def __init__(self):
        self.expected = self.reported = self.matched = 0
        self.pins_agree = self.pinned_expected = self.pinned_reported = self.pinned_right = 0
        self.hosts_expected = self.hosts_reported = self.hosts_right = 0

    def add(self, other):
        for k, v in vars(other).items():
            setattr(self, k, getattr(self, k) + v)


def ratio(a, b):
    return f"{a / b:.3f}" if b else "  n/a"


def score_file(entry, tally, lines):
    expected = entry["servers"]
    reported = list(reported_for(entry["file"]))
    tally.expected += len(expected)
    tally.reported += len(reported)
    for e in expected:
        r = next((t for t in reported if str(t.get("name")) == str(e["name"])), None)
        if r is None:
            lines.append(f"  miss  {entry['file']}: {e['name']} (line {e['line']})")
            continue
        reported.remove(r)
        tally.matched += 1
        pinned_e, pinned_r = bool(e["pinned"]), bool(r.get("pinned"))
        version_ok = norm_version(e["version"]) == norm_version(r.get("version"))
        if pinned_e == pinned_r and version_ok:
            tally.pins_agree += 1
        else:
            lines.append(f"  pin   {entry['file']}: {e['name']} expected pinned={pinned_e} version={e['version']}, "
                         f"got pinned={pinned_r} version={r.get('version')}")
        tally.pinned_expected += pinned_e
        tally.pinned_reported += pinned_r
        tally.pinned_right += pinned_e and pinned_r and version_ok
        if e["transport"] != "stdio":
            host_e, host_r = norm_host(e["host"]), norm_host(r.get("host"))
            tally.hosts_expected += host_e is not None
            tally.hosts_reported += host_r is not None
            tally.hosts_right += host_e is not None and host_e == host_r
            if host_e != host_r:
                lines.append(f"  host  {entry['file']}: {e['name']} expected {host_e}, got {host_r}")
    for t in reported:
        lines.append(f"  extra {entry['file']}: {t.get('name')} (line {t.get('line')})")


def summary(t):
    return (f"servers {t.matched}/{t.expected} expected, {t.reported} reported: "
            f"recall {ratio(t.matched, t.expected)} precision {ratio(t.matched, t.reported)} | "
            f"pins agree {t.pins_agree}/{t.matched}, pinned recall {ratio(t.pinned_right, t.pinned_expected)} "
            f"precision {ratio(t.pinned_right, t.pinned_reported)} | "
            f"hosts recall {ratio(t.hosts_right, t.hosts_expected)} precision {ratio(t.hosts_right, t.hosts_reported)}")


kinds = {}
details = []
for entry in files:
    tally = kinds.setdefault(entry["kind"], Tally())
    score_file(entry, tally, details)
total = Tally()
print(f"{'kind':<16} figures")
for kind in sorted(kinds):
    print(f"{kind:<16} {summary(kinds[kind])}")
    total.add(kinds[kind])
if verbose and details:
    print("details:")
    print("\n".join(details))
print(f"{'total':<16} {summary(total)}")
PY
