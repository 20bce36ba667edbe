// Package atomicfile writes outputs so that a reader (or Make) never sees a
// half-written file: the content goes to a temporary file in the same
// directory, is synced, and is renamed over the target only when complete.
// A stage that fails or is killed leaves the previous output untouched.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write creates path by calling fill with a writer on a temporary file next
// to it, then syncing and renaming it into place. If fill fails, the
// temporary file is removed and path is left as it was.
func Write(path string, fill func(w io.Writer) error) error {
	return WriteFileWith(path, func(tmp *os.File) error { return fill(tmp) })
}

// WriteFile is Write for content already in memory.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFileWith is Write for code that needs the *os.File itself (to seek,
// or to pass to a library that takes a file).
func WriteFileWith(path string, fill func(f *os.File) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	committed = true
	return nil
}

// TempPath returns a fresh, unused path in path's directory for tools that
// insist on creating the file themselves (SQLite, say). Pair it with Commit,
// and remove the temporary path if the work fails.
func TempPath(path string) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create directory for %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return name, nil
}

// Commit renames a finished temporary file (from TempPath) over path.
func Commit(tmp, path string) error {
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	return nil
}
