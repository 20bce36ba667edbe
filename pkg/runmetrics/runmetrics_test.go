package runmetrics

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	os.WriteFile(in, []byte("abc"), 0o644)
	r := Start("demo")
	if err := r.AddInput(in); err != nil {
		t.Fatal(err)
	}
	r.Rows["ratings"] = 42
	r.AddCheck("no duplicates", true, "")
	r.Models = map[string]map[string]float64{"popularity": {"ndcg@10": 0.1}}
	out := filepath.Join(dir, "metrics", "demo.json")
	if err := r.Finish(out); err != nil {
		t.Fatal(err)
	}
	f, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if f.Stage != "demo" || f.Rows["ratings"] != 42 || f.Models["popularity"]["ndcg@10"] != 0.1 {
		t.Fatalf("got %+v", f)
	}
	// sha256("abc")
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; f.Inputs[0].SHA256 != want {
		t.Fatalf("got checksum %s, want %s", f.Inputs[0].SHA256, want)
	}
	if f.PeakRSSBytes <= 0 || f.WallSeconds < 0 {
		t.Fatalf("got rss %d wall %f", f.PeakRSSBytes, f.WallSeconds)
	}
}

func TestReadMalformed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(path, []byte("{not json"), 0o644)
	if _, err := Read(path); err == nil {
		t.Fatal("got nil error for malformed file")
	}
}
