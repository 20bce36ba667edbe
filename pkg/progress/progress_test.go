package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// clock is a fake time source advanced by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *clock { return &clock{t: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)} }

// runEpochs drives a Reporter through epochs of batches, each batch taking
// step on the clock, with losses 8, 7, 6, ... per epoch.
func runEpochs(r *Reporter, c *clock, epochs, batches int, step time.Duration) {
	for e := 1; e <= epochs; e++ {
		r.StartEpoch(e, batches)
		for j := 1; j <= batches; j++ {
			c.advance(step)
			r.Batch(j, float64(9-e)+float64(j)/10)
		}
		r.EndEpoch(float64(9-e), map[string]float64{"recall@10": 0.1 * float64(e), "ndcg@10": 0.05 * float64(e)})
	}
}

func TestLinesMode(t *testing.T) {
	var buf bytes.Buffer
	c := newClock()
	r := NewWithOptions(&buf, "train-x", 3, Options{Mode: Lines, Now: c.now})
	runEpochs(r, c, 2, 4, time.Second)
	r.Logf("early stopping after %d epochs", 2)
	r.Done()
	want := strings.Join([]string{
		"train-x: epoch 1/3 loss 8.0000 val ndcg@10 0.0500 recall@10 0.1000 elapsed 4.0s eta 8.0s",
		"train-x: epoch 2/3 loss 7.0000 val ndcg@10 0.1000 recall@10 0.2000 elapsed 8.0s eta 4.0s",
		"train-x: early stopping after 2 epochs",
		"train-x: done 2/3 epochs elapsed 8.0s",
	}, "\n") + "\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestAutoIsLinesOnBuffer(t *testing.T) {
	var buf bytes.Buffer
	c := newClock()
	r := NewWithOptions(&buf, "x", 2, Options{Now: c.now})
	runEpochs(r, c, 2, 50, 10*time.Millisecond)
	if got := buf.String(); strings.Contains(got, "\r") || strings.Count(got, "\n") != 2 {
		t.Errorf("got %q, want exactly 2 lines and no \\r", got)
	}
}

func TestIsTerminal(t *testing.T) {
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("got terminal for a bytes.Buffer")
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("got terminal for a regular file")
	}
}

// screenLines replays output the way a terminal shows it: '\r' returns to
// the start of the line and later text overwrites earlier text.
func screenLines(out string) []string {
	var lines []string
	var cur []byte
	col := 0
	for i := 0; i < len(out); i++ {
		switch ch := out[i]; ch {
		case '\r':
			col = 0
		case '\n':
			lines = append(lines, strings.TrimRight(string(cur), " "))
			cur, col = nil, 0
		default:
			if col < len(cur) {
				cur[col] = ch
			} else {
				cur = append(cur, ch)
			}
			col++
		}
	}
	if len(cur) > 0 {
		lines = append(lines, strings.TrimRight(string(cur), " "))
	}
	return lines
}

func TestRedrawMode(t *testing.T) {
	var buf bytes.Buffer
	c := newClock()
	r := NewWithOptions(&buf, "train-x", 2, Options{Mode: Redraw, Now: c.now})
	// 100 batches of 10ms per epoch: 1s per epoch, so at most ~10
	// throttled redraws per epoch, plus the forced first and last.
	runEpochs(r, c, 2, 100, 10*time.Millisecond)
	out := buf.String()
	if n := strings.Count(out, "\r"); n < 10 || n > 2*13 {
		t.Errorf("got %d redraws for 2 epochs of 1s, want 10..26", n)
	}
	got := screenLines(out)
	want := []string{
		"train-x: epoch 1/2 loss 8.0000 val ndcg@10 0.0500 recall@10 0.1000 elapsed 1.0s eta 1.0s",
		"train-x: epoch 2/2 loss 7.0000 val ndcg@10 0.1000 recall@10 0.2000 elapsed 2.0s eta 0.0s",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got screen\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Mid-epoch the status line shows the batch and the running mean loss.
	buf.Reset()
	r.StartEpoch(3, 4)
	c.advance(time.Second)
	r.Batch(1, 2)
	c.advance(time.Second)
	r.Batch(2, 4)
	line := screenLines(buf.String())
	if want := "train-x: epoch 3/2 batch 2/4 loss 3.0000 elapsed 4.0s eta 0.0s"; len(line) != 1 || line[0] != want {
		t.Errorf("got status %q, want %q", line, want)
	}
}

func TestCounterLines(t *testing.T) {
	var buf bytes.Buffer
	c := newClock()
	ct := NewCounterWithOptions(&buf, "features", "movies", 200, Options{Mode: Lines, Now: c.now})
	for i := 0; i < 200; i++ {
		c.advance(10 * time.Millisecond)
		ct.Add(1)
	}
	ct.Done()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 10 {
		t.Fatalf("got %d lines, want 9 tenths and a done line:\n%s", len(lines), buf.String())
	}
	if want := "features: movies 20/200 (10%) elapsed 0.2s eta 1.8s"; lines[0] != want {
		t.Errorf("got %q, want %q", lines[0], want)
	}
	if want := "features: movies 200/200 done elapsed 2.0s"; lines[9] != want {
		t.Errorf("got %q, want %q", lines[9], want)
	}
}

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0s"},
		{-time.Second, "0.0s"},
		{12345 * time.Millisecond, "12.3s"},
		{59970 * time.Millisecond, "1m00s"},
		{192 * time.Second, "3m12s"},
		{3599700 * time.Millisecond, "1h00m"},
		{3900 * time.Second, "1h05m"},
		{26 * time.Hour, "26h00m"},
	} {
		if got := Duration(tc.d); got != tc.want {
			t.Errorf("Duration(%v): got %q, want %q", tc.d, got, tc.want)
		}
	}
}
