package modelfile

import (
	"errors"
	"fmt"
	"os"
)

// noKind is a kind no writer uses (it holds a NUL byte): decoding a file
// against it runs every check up to the kind and then fails with
// ErrWrongKind exactly when the file is intact.
const noKind = "\x00kind probe"

// Kind returns the model kind stored in the file at path (e.g. "bert4rec"),
// so that a command can dispatch on it. It checks the file as Read does
// (magic, truncation, checksum, format version) and returns the same
// errors, so a damaged file is reported as such rather than as an unknown
// kind.
func Kind(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read model: %w", err)
	}
	_, err = decode(path, data, noKind, 0, nil)
	if err == nil {
		return "", failf(path, ErrMalformed, "malformed model file: kind %q is reserved", noKind)
	}
	if !errors.Is(err, ErrWrongKind) {
		return "", err
	}
	d := decoder{b: data[:len(data)-trailerLen], off: prefixLen}
	kind := d.str()
	if d.err != nil {
		return "", failf(path, ErrMalformed, "malformed model file: %v", d.err)
	}
	return kind, nil
}
