#!/usr/bin/env python3
"""Lay a blind set's files out at their real paths, and map a report's paths back to the local names.

    python3 Benchmarks/blind_layout.py layout LABELS FOLDER TREE      # copies FOLDER/<file> to TREE/OWNER__REPO/<path>
    python3 Benchmarks/blind_layout.py remap LABELS IN.json OUT.json   # every "file" value OWNER__REPO/<path> -> <file>

Blind sets keep each file under one flat local name (owner__repo__path with / as __). A scanner must meet the file as
a repository holds it: many formats are known by their folder or exact name (.vscode/mcp.json, .gitlab-ci.yml), and a
flat name would test a layout no real repository has.
"""
import json
import os
import shutil
import sys

import yaml


def real_path(entry):
    return entry["repository"].replace("/", "__") + "/" + entry["path"]


def layout(labels, folder, tree):
    for entry in yaml.safe_load(open(labels))["files"]:
        target = os.path.join(tree, real_path(entry))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(folder, entry["file"]), target)


def remap(labels, source, target):
    mapping = {real_path(entry): entry["file"] for entry in yaml.safe_load(open(labels))["files"]}

    def walk(node):
        if isinstance(node, dict):
            return {key: (mapping.get(value, value) if key == "file" and isinstance(value, str) else walk(value))
                    for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    json.dump(walk(json.load(open(source))), open(target, "w"))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"layout": layout, "remap": remap}[command](*arguments)
