#!/usr/bin/env bash
# Scores modelwarden on the issue-15 blind set for the config kinds the first set did not cover (GitLab CI, Haystack, LangChain,
# app env files, librechat.yaml, never-seen configs, negatives), per kind and in total. Fetches nothing: give it the folder that
# holds the files under their local names (see blind-generic.yaml: repository, commit, path, file).
#
#   Benchmarks/blind-generic.sh FOLDER [MODELWARDEN-BINARY]
#
# Needs python3 with PyYAML and ../shared/tools/score-corpus (or SCORE_CORPUS=path).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The same scoring as the first set, on these labels.
LABELS=$here/blind-generic.yaml exec "$here/blind15.sh" "$@"
