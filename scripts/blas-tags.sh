#!/usr/bin/env bash
# blas-tags.sh prints the Go build tags for the optional BLAS backends of
# pkg/linalg: "openblas" when cgo is enabled and a C compiler can build and
# link a program against OpenBLAS's cblas.h and libopenblas, else nothing.
#
#   go build -tags "$(scripts/blas-tags.sh)" ./...
set -euo pipefail

go_env() { go env "$1" 2>/dev/null || true; }

[[ "$(go_env CGO_ENABLED)" == 1 ]] || exit 0
cc="$(go_env CC)"
cc="${cc:-cc}"
command -v "${cc%% *}" >/dev/null 2>&1 || exit 0

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/probe.c" <<'C'
#include <cblas.h>
int main(void) {
	float a = 1, b = 1, c = 0;
	openblas_set_num_threads(1);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0f, &a, 1, &b, 1, 0.0f, &c, 1);
	return c == 1 ? 0 : 1;
}
C
if $cc "$tmp/probe.c" -o "$tmp/probe" -lopenblas >/dev/null 2>&1; then
	echo openblas
fi
