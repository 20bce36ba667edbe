package linalg

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// EnvBackend is the environment variable read once at start-up to choose
// the backend ("go" or "openblas"); empty means automatic.
const EnvBackend = "MOVIEGENIE_BLAS"

// sgemmFunc is the backend contract: Sgemm's arguments, already checked,
// with m, n, k > 0 and alpha != 0.
type sgemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

type backend struct {
	name  string
	sgemm sgemmFunc
}

var goBackend = &backend{name: "go", sgemm: sgemmGo}

// openblasBackend is non-nil only when built with the openblas tag
// (openblas_openblas.go, openblas_none.go).

var current atomic.Pointer[backend]

// why says why the current backend was chosen (Describe).
var why atomic.Pointer[string]

func init() {
	env := os.Getenv(EnvBackend)
	b, err := chooseBackend(env)
	if err != nil {
		fmt.Fprintf(os.Stderr, "linalg: %s=%s: %v; using %q\n", EnvBackend, env, err, b.name)
	}
	current.Store(b)
	reason := "default"
	switch {
	case err != nil:
		reason = fmt.Sprintf("%s=%s is not usable", EnvBackend, env)
	case env != "":
		reason = EnvBackend + "=" + env
	}
	why.Store(&reason)
}

// chooseBackend returns the backend named by the environment value env,
// and the project's own kernel ("go") when env is empty, even when
// OpenBLAS is compiled in: on the model shapes the two are close in speed
// (the faster one depends on the machine), and only its results are the
// same bits on every CPU with AVX2 and FMA, whereas OpenBLAS picks a
// kernel per CPU model whose sums round differently (a model trained on
// one machine is not the one trained on another). On error it also
// returns the pure-Go backend to fall back to.
func chooseBackend(env string) (*backend, error) {
	if env == "" {
		return goBackend, nil
	}
	b, err := lookup(env)
	if err != nil {
		return goBackend, err
	}
	return b, nil
}

// Describe says which backend Sgemm runs on and why, for a stage's log:
// "go (avx2 kernel; default, MOVIEGENIE_BLAS=openblas for OpenBLAS)" or
// "openblas (MOVIEGENIE_BLAS=openblas)".
func Describe() string {
	name, reason := Backend(), *why.Load()
	if name == "go" {
		name = "go (" + kernelName + " kernel"
	} else {
		name += " ("
	}
	if reason == "default" && openblasBackend != nil {
		reason += ", " + EnvBackend + "=openblas for OpenBLAS"
	}
	if name[len(name)-1] != '(' {
		name += "; "
	}
	return name + reason + ")"
}

// lookup returns the backend called name, or an error saying why it is
// not usable.
func lookup(name string) (*backend, error) {
	switch name {
	case "go":
		return goBackend, nil
	case "openblas":
		if openblasBackend == nil {
			return nil, fmt.Errorf("backend %q not compiled in (build with -tags openblas)", name)
		}
		return openblasBackend, nil
	}
	return nil, fmt.Errorf("unknown backend %q (available: %s)", name, strings.Join(Available(), ", "))
}

// SetBackend makes Sgemm run on the backend called name, one of Available.
// It returns an error, and keeps the current backend, if the name is
// unknown or the backend is not compiled in. Calls to Sgemm already running
// finish on the old backend.
func SetBackend(name string) error {
	b, err := lookup(name)
	if err != nil {
		return fmt.Errorf("linalg: set backend: %w", err)
	}
	current.Store(b)
	reason := "SetBackend"
	why.Store(&reason)
	return nil
}

// Backend returns the name of the backend Sgemm runs on.
func Backend() string {
	return current.Load().name
}

// Available returns the names of the backends compiled in: "go" always,
// then "openblas" when built with the openblas tag.
func Available() []string {
	names := []string{goBackend.name}
	if openblasBackend != nil {
		names = append(names, openblasBackend.name)
	}
	return names
}
