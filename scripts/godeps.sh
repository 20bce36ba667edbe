#!/usr/bin/env bash
# Prints one Make rule per binary: bin/NAME depends on exactly the repo files
# its Go packages are built from (Go, cgo, assembly and embedded files), plus
# go.mod and go.sum. Make includes the output, so touching a package rebuilds
# (and reruns) only the stages whose binaries import it.
# Usage: scripts/godeps.sh "BUILD_TAGS" NAME...
set -euo pipefail
tags=$1; shift
root=$(pwd)
all=
fmt='{{if not .Standard}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}} {{end}}{{range .CgoFiles}}{{$d}}/{{.}} {{end}}{{range .SFiles}}{{$d}}/{{.}} {{end}}{{range .HFiles}}{{$d}}/{{.}} {{end}}{{range .CFiles}}{{$d}}/{{.}} {{end}}{{range .EmbedFiles}}{{$d}}/{{.}} {{end}}{{end}}'
for name in "$@"; do
  files=$(go list -e -tags "$tags" -deps -f "$fmt" "./cmd/$name" | tr ' ' '\n' | { grep "^$root/" || true; } | sed "s|^$root/||" | sort -u | tr '\n' ' ')
  printf 'bin/%s: go.mod go.sum %s\n' "$name" "$files"
  all="$all $files"
done
# Every file named above, so Make can list them (and not fail on one deleted since).
printf 'GODEPS_FILES := %s\n' "$(tr ' ' '\n' <<<"$all" | sort -u | tr '\n' ' ')"
