// Package rawdata provides the raw MovieLens 100K files the pipeline starts
// from, either copied from an existing copy or downloaded from GroupLens,
// and verified file by file against SHA-256 sums committed in the repo.
// The files appear in the target directory only once all of them are
// present and verified (a temporary directory renamed into place).
package rawdata

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// OfficialURL is where GroupLens publishes MovieLens 100K.
const OfficialURL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"

// Sums maps a file name to its expected hex SHA-256.
type Sums map[string]string

// Names lists the files in sorted order.
func (s Sums) Names() []string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ReadSums parses a sha256sum-style file ("<hex>  <name>" per line).
func ReadSums(path string) (Sums, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := Sums{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 || len(fields[0]) != 64 {
			return nil, fmt.Errorf("%s:%d: want \"<sha256>  <file>\"", path, n)
		}
		sums[strings.TrimPrefix(fields[1], "*")] = strings.ToLower(fields[0])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(sums) == 0 {
		return nil, fmt.Errorf("%s: no checksums", path)
	}
	return sums, nil
}

// Verify checks every file of sums in dir and reports all that are missing
// or differ.
func Verify(dir string, sums Sums) error {
	var bad []string
	for _, name := range sums.Names() {
		got, err := fileSHA256(filepath.Join(dir, name))
		switch {
		case err != nil:
			bad = append(bad, fmt.Sprintf("%s: %v", name, err))
		case got != sums[name]:
			bad = append(bad, fmt.Sprintf("%s: sha256 %s, want %s", name, got, sums[name]))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s does not match the committed checksums:\n  %s", dir, strings.Join(bad, "\n  "))
	}
	return nil
}

// CopyFrom copies the files of sums from src into dst, verifying both the
// source and the copy.
func CopyFrom(src, dst string, sums Sums) error {
	if err := Verify(src, sums); err != nil {
		return err
	}
	return installFiles(dst, nil, sums, func(tmp string) error {
		for _, name := range sums.Names() {
			data, err := os.ReadFile(filepath.Join(src, name))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}

// Download fetches the zip at url and installs its files into dst.
func Download(ctx context.Context, url, dst string, sums Sums) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download %s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	return Unzip(body, dst, sums)
}

// Unzip installs the files of sums from a MovieLens zip archive (entries
// named ml-100k/<file>) into dst.
func Unzip(archive []byte, dst string, sums Sums) error {
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return fmt.Errorf("not a zip archive: %w", err)
	}
	return installFiles(dst, nil, sums, func(tmp string) error {
		found := map[string]bool{}
		for _, f := range zr.File {
			name := filepath.Base(f.Name)
			if _, ok := sums[name]; !ok || f.FileInfo().IsDir() {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return fmt.Errorf("unzip %s: %w", f.Name, err)
			}
			if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
				return err
			}
			found[name] = true
		}
		for _, name := range sums.Names() {
			if !found[name] {
				return fmt.Errorf("archive has no %s", name)
			}
		}
		return nil
	})
}

// install fills a temporary directory next to dst, checks it, and renames
// it over dst; a failed fill or check leaves dst as it was.
func install(dst string, fill, check func(tmp string) error) error {
	parent := filepath.Dir(filepath.Clean(dst))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := fill(tmp); err != nil {
		return err
	}
	if err := check(tmp); err != nil {
		return err
	}
	if err := os.RemoveAll(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Rename(tmp, dst)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
