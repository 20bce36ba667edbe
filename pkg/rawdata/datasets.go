package rawdata

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// BaseURL is where GroupLens publishes the MovieLens zips.
const BaseURL = "https://files.grouplens.org/datasets/movielens/"

// ErrNoChecksum is returned when a dataset has no recorded checksum and
// the caller did not allow unverified data.
var ErrNoChecksum = errors.New("no recorded checksum")

// Release says what to install for one dataset.
type Release struct {
	Name string
	// Files are the file names the pipeline reads.
	Files []string
	// ZipDir is the folder the files sit in inside the zip.
	ZipDir string
	// Sums are per-file SHA-256 sums (nil when none is recorded).
	Sums Sums
	// ZipMD5 is GroupLens's MD5 of the zip ("" when none is recorded).
	ZipMD5 string
	// Unverified allows installing without any recorded checksum.
	Unverified bool
}

// ReadMD5 parses an md5sum-style file with one "<hex>  <name>" line
// (comment lines start with #) and returns the hex sum.
func ReadMD5(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 || len(fields[0]) != 32 {
			return "", fmt.Errorf("%s:%d: want \"<md5>  <file>\"", p, n)
		}
		return strings.ToLower(fields[0]), nil
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s: no checksum", p)
}

// CopyRelease copies r's files from src into dst, verifying them against
// r.Sums; without sums it refuses unless r.Unverified.
func CopyRelease(src, dst string, r Release) error {
	if r.Sums == nil && !r.Unverified {
		return fmt.Errorf("%s: %w of its files (a zip's MD5 cannot check an unpacked copy); pass --unverified to use %s as it is", r.Name, ErrNoChecksum, src)
	}
	if r.Sums != nil {
		return CopyFrom(src, dst, r.Sums)
	}
	return installFiles(dst, r.Files, nil, func(tmp string) error {
		for _, name := range r.Files {
			if err := copyFile(filepath.Join(src, name), filepath.Join(tmp, name)); err != nil {
				return err
			}
		}
		return nil
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// DownloadRelease fetches url (a GroupLens zip) into a temporary file,
// checks its MD5 against r.ZipMD5 (and the unpacked files against r.Sums),
// and installs r's files into dst. Without any recorded checksum it
// refuses unless r.Unverified.
func DownloadRelease(ctx context.Context, url, dst string, r Release) error {
	if r.ZipMD5 == "" && r.Sums == nil && !r.Unverified {
		return fmt.Errorf("%s: %w; pass --unverified to download it anyway", r.Name, ErrNoChecksum)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	tmp, err := os.CreateTemp(filepath.Dir(filepath.Clean(dst)), "."+r.Name+".zip.tmp-*")
	if err != nil {
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(dst)), 0o755); err != nil {
			return err
		}
		if tmp, err = os.CreateTemp(filepath.Dir(filepath.Clean(dst)), "."+r.Name+".zip.tmp-*"); err != nil {
			return err
		}
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
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
	h := md5.New()
	size, err := io.Copy(io.MultiWriter(tmp, h), resp.Body)
	if err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); r.ZipMD5 != "" && got != r.ZipMD5 {
		return fmt.Errorf("download %s: md5 %s, want %s (checksums/%s.zip.md5): a corrupt or changed file", url, got, r.ZipMD5, r.Name)
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		return fmt.Errorf("%s: not a zip archive: %w", url, err)
	}
	return UnzipRelease(zr, dst, r)
}

// UnzipRelease installs r's files from the archive (entries
// <ZipDir>/<file>) into dst, verified against r.Sums when it has them.
func UnzipRelease(zr *zip.Reader, dst string, r Release) error {
	return installFiles(dst, r.Files, r.Sums, func(tmp string) error {
		want := map[string]bool{}
		for _, n := range r.Files {
			want[path.Join(r.ZipDir, n)] = true
		}
		found := 0
		for _, f := range zr.File {
			if !want[f.Name] {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return err
			}
			out, err := os.Create(filepath.Join(tmp, path.Base(f.Name)))
			if err == nil {
				_, err = io.Copy(out, rc)
				if cerr := out.Close(); err == nil {
					err = cerr
				}
			}
			rc.Close()
			if err != nil {
				return fmt.Errorf("unzip %s: %w", f.Name, err)
			}
			found++
		}
		if found != len(r.Files) {
			return fmt.Errorf("archive lacks some of %s/{%s}", r.ZipDir, strings.Join(r.Files, ","))
		}
		return nil
	})
}

// installFiles is install for a file list, verified against sums when it
// is not nil, else only checked to be all there.
func installFiles(dst string, files []string, sums Sums, fill func(tmp string) error) error {
	return install(dst, fill, func(tmp string) error {
		if sums != nil {
			return Verify(tmp, sums)
		}
		for _, n := range files {
			if _, err := os.Stat(filepath.Join(tmp, n)); err != nil {
				return err
			}
		}
		return nil
	})
}
