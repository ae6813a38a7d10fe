#!/usr/bin/env bash
# Fills FOLDER/<target>/ with seed inputs for each fuzz target, from the example estate, the policies, the
# tests' own manifests and ../shared/corpus/files. Seeds are copied at run time and never committed.
# usage: Fuzz/seed.sh FOLDER
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
shared=../shared/corpus/files
mkdir -p "$out"/{yaml,scanners,policy,env,modelfile,jsonc}

sources() { find Deployments Tests/ModelwardenTests/Fixtures "$shared" -type f 2>/dev/null; }
n=0
while IFS= read -r file; do
  n=$((n + 1))
  name=$(basename "$file")
  case "$name" in
    *.yaml|*.yml|*.json|*.jsonc)
      cp "$file" "$out/yaml/$n"
      # The scanners target routes by its first byte (Sources/ModelwardenFuzzing/ScannerSelection.swift):
      # every YAML seed goes to each YAML scanner once.
      for selector in 0 1 2 5 7 9 10; do
        { printf "\\$(printf '%03o' "$selector")"; cat "$file"; } > "$out/scanners/$n-$selector"
      done
      case "$name" in *.json|*.jsonc) cp "$file" "$out/jsonc/$n" ;; esac ;;
    .env*|*.env|*.env.example|*.example)
      cp "$file" "$out/env/$n"
      { printf '\003'; cat "$file"; } > "$out/scanners/$n-env" ;;
    *Modelfile*)
      cp "$file" "$out/modelfile/$n"
      { printf '\004'; cat "$file"; } > "$out/scanners/$n-modelfile" ;;
    *.tf)
      { printf '\006'; cat "$file"; } > "$out/scanners/$n-tf" ;;
  esac
done < <(sources)

# The policy target's first byte chooses where the file sits (rules, models, licenses, providers, organization,
# waivers, .modelwarden.yaml): each shipped file goes where it belongs.
place() {
  case "$1" in rules/*) echo 0 ;; models/*) echo 1 ;; licenses/*) echo 2 ;; providers/*) echo 3 ;;
    organization.yaml) echo 4 ;; waivers.yaml) echo 5 ;; *) echo 6 ;; esac
}
while IFS= read -r file; do
  relative=${file#Policies/}
  n=$((n + 1))
  { printf "\\$(printf '%03o' "$(place "$relative")")"; cat "$file"; } > "$out/policy/$n"
  { printf "\\$(printf '%03o' $(( $(place "$relative") + 128 )))"; cat "$file"; } > "$out/policy/$n-layered"
done < <(find Policies -type f -name '*.yaml')
{ printf '\206'; cat Deployments/.modelwarden.yaml; } > "$out/policy/estate"
# JSON with comments as editors write it.
printf '{\n  // a comment\n  "model": "gpt-4o", /* inline */\n  "list": [1, 2,],\n}\n' > "$out/jsonc/comments"
for target in yaml scanners policy env modelfile jsonc; do
  echo "seeds: $target $(find "$out/$target" -type f | wc -l)"
done
