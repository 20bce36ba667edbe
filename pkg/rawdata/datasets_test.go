package rawdata

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func releaseZip(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDownloadRelease(t *testing.T) {
	archive := releaseZip(t, map[string]string{"ml-25m/ratings.csv": "r\n", "ml-25m/movies.csv": "m\n", "ml-25m/README.txt": "x"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(archive) }))
	defer srv.Close()
	sum := md5.Sum(archive)
	r := Release{Name: "ml-25m", Files: []string{"ratings.csv", "movies.csv"}, ZipDir: "ml-25m", ZipMD5: hex.EncodeToString(sum[:])}
	dst := filepath.Join(t.TempDir(), "raw")
	if err := DownloadRelease(context.Background(), srv.URL, dst, r); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "movies.csv")); string(b) != "m\n" {
		t.Errorf("got movies.csv %q, want the archive's", b)
	}
	if _, err := os.Stat(filepath.Join(dst, "README.txt")); err == nil {
		t.Error("README.txt installed, want only the files read")
	}

	bad := r
	bad.ZipMD5 = strings.Repeat("0", 32)
	dst2 := filepath.Join(t.TempDir(), "raw")
	if err := DownloadRelease(context.Background(), srv.URL, dst2, bad); err == nil || !strings.Contains(err.Error(), "md5") {
		t.Errorf("got %v, want an md5 mismatch", err)
	}
	if _, err := os.Stat(dst2); !os.IsNotExist(err) {
		t.Error("a download that failed verification was installed")
	}

	none := r
	none.ZipMD5 = ""
	if err := DownloadRelease(context.Background(), srv.URL, dst2, none); !errors.Is(err, ErrNoChecksum) {
		t.Errorf("got %v, want ErrNoChecksum", err)
	}
	none.Unverified = true
	if err := DownloadRelease(context.Background(), srv.URL, dst2, none); err != nil {
		t.Errorf("got %v with --unverified, want the files installed", err)
	}
}

func TestCopyReleaseNeedsSumsOrUnverified(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "ratings.dat"), []byte("1::1::5::978300760\n"), 0o644)
	r := Release{Name: "ml-1m", Files: []string{"ratings.dat"}}
	dst := filepath.Join(t.TempDir(), "raw")
	if err := CopyRelease(src, dst, r); !errors.Is(err, ErrNoChecksum) || !strings.Contains(err.Error(), "--unverified") {
		t.Errorf("got %v, want a refusal naming --unverified", err)
	}
	r.Unverified = true
	if err := CopyRelease(src, dst, r); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "ratings.dat")); len(b) == 0 {
		t.Error("ratings.dat not copied")
	}
}

func TestReadMD5(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.zip.md5")
	os.WriteFile(p, []byte("# comment\n6B51FB2759A8657D3BFCBFC42B592ADA  ml-25m.zip\n"), 0o644)
	if got, err := ReadMD5(p); err != nil || got != "6b51fb2759a8657d3bfcbfc42b592ada" {
		t.Errorf("got %q %v", got, err)
	}
	os.WriteFile(p, []byte("abc  x.zip\n"), 0o644)
	if _, err := ReadMD5(p); err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Errorf("got %v, want a line error", err)
	}
}

// TestRecordedChecksums: every recorded zip MD5 parses.
func TestRecordedChecksums(t *testing.T) {
	files, _ := filepath.Glob("../../checksums/*.zip.md5")
	if len(files) < 5 {
		t.Fatalf("got %d recorded zip checksums, want ml-100k, ml-1m, ml-10m, ml-20m, ml-25m", len(files))
	}
	for _, f := range files {
		if _, err := ReadMD5(f); err != nil {
			t.Error(err)
		}
	}
}
