package rawdata

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moviegenie/pipeline/pkg/realdata"
)

func sumOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

var files = map[string]string{"u.data": "1\t2\t3\t4\n", "u.item": "item\n"}

func testSums() Sums {
	s := Sums{}
	for n, c := range files {
		s[n] = sumOf(c)
	}
	return s
}

func writeDir(t *testing.T, content map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for n, c := range content {
		os.WriteFile(filepath.Join(dir, n), []byte(c), 0o444)
	}
	return dir
}

func TestCopyFromVerifies(t *testing.T) {
	src := writeDir(t, files)
	dst := filepath.Join(t.TempDir(), "raw", "ml-100k")
	if err := CopyFrom(src, dst, testSums()); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dst, "u.data"))
	if string(got) != files["u.data"] {
		t.Fatalf("got %q", got)
	}
	fi, _ := os.Stat(filepath.Join(dst, "u.data"))
	if fi.Mode().Perm()&0o200 == 0 {
		t.Fatalf("copy is not writable: %v", fi.Mode())
	}
}

func TestCopyFromRejectsAlteredAndMissing(t *testing.T) {
	src := writeDir(t, map[string]string{"u.data": "1\t2\t3\t5\n"})
	dst := filepath.Join(t.TempDir(), "ml-100k")
	err := CopyFrom(src, dst, testSums())
	if err == nil || !strings.Contains(err.Error(), "u.data: sha256") || !strings.Contains(err.Error(), "u.item") {
		t.Fatalf("got %v, want errors for altered u.data and missing u.item", err)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Fatalf("destination exists after a failed copy")
	}
}

func zipOf(t *testing.T, content map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, c := range content {
		w, _ := zw.Create("ml-100k/" + n)
		w.Write([]byte(c))
	}
	zw.Close()
	return buf.Bytes()
}

func TestDownload(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(zipOf(t, files))
	}))
	defer srv.Close()
	dst := filepath.Join(t.TempDir(), "ml-100k")
	if err := Download(context.Background(), srv.URL, dst, testSums()); err != nil {
		t.Fatal(err)
	}
	if err := Verify(dst, testSums()); err != nil {
		t.Fatal(err)
	}
}

func TestDownloadFailureLeavesNothing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	}))
	defer srv.Close()
	dst := filepath.Join(t.TempDir(), "ml-100k")
	if err := Download(context.Background(), srv.URL, dst, testSums()); err == nil {
		t.Fatal("got nil error for a 404")
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Fatal("destination exists after a failed download")
	}
}

func TestCommittedSumsMatchSharedCopy(t *testing.T) {
	shared := realdata.Dir(t)
	sums, err := ReadSums("../../checksums/ml-100k.sha256")
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 6 {
		t.Fatalf("got %d sums, want 6 (u.data u.item u.user u.genre u.occupation README)", len(sums))
	}
	if err := Verify(shared, sums); err != nil {
		t.Fatal(err)
	}
}
