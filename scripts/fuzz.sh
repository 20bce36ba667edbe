#!/usr/bin/env bash
# Runs every Go fuzz target of the repository (func FuzzXxx in a _test.go
# file) for FUZZTIME each, one after the other. `go test` (and so
# `make test`) runs only their seed corpora; this explores beyond them. A
# failing input is saved under the package's testdata/fuzz/ by go test:
# commit it with the fix, and it becomes a seed.
# Usage: FUZZTIME=30s scripts/fuzz.sh [package-dir ...]
set -euo pipefail
fuzztime=${FUZZTIME:-30s}
go=${GO:-go}
tags=${TAGS:-}
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(cmd pkg)
failed=()
while IFS=: read -r file name; do
  dir=./$(dirname "$file")
  echo "== $dir $name ($fuzztime)"
  if ! $go test ${tags:+-tags "$tags"} -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$dir"; then
    failed+=("$dir $name")
  fi
done < <(grep -rHoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' "${dirs[@]}" | sed 's/:func /:/' | sort)
if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz: failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "fuzz: every target ran $fuzztime without a failure"
