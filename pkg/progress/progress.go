package progress

import (
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// Mode says how a Reporter or Counter writes.
type Mode int

const (
	// Auto redraws in place when the writer is a terminal (an *os.File
	// whose mode is a character device) and writes lines otherwise.
	Auto Mode = iota
	// Lines writes one line per epoch (or per tenth of a count), never '\r'.
	Lines
	// Redraw redraws one status line in place with '\r'.
	Redraw
)

// Options tune a Reporter or Counter; the zero value is the default.
type Options struct {
	Mode Mode
	// Now is the clock (default time.Now); tests pass a fake one.
	Now func() time.Time
	// Interval is the least time between two redraws (default 100ms).
	Interval time.Duration
}

func (o Options) resolve(w io.Writer) Options {
	if o.Mode == Auto {
		o.Mode = Lines
		if IsTerminal(w) {
			o.Mode = Redraw
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Interval <= 0 {
		o.Interval = 100 * time.Millisecond
	}
	return o
}

// IsTerminal reports whether w is a file open on a character device.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// screen owns the output: it knows whether a partial (redrawn) line is
// showing and clears it before anything else is written.
type screen struct {
	w        io.Writer
	opt      Options
	start    time.Time
	lastDraw time.Time
	partial  int // length of the partial line on screen, 0 if none
}

func newScreen(w io.Writer, opt Options) screen {
	opt = opt.resolve(w)
	return screen{w: w, opt: opt, start: opt.Now()}
}

func (s *screen) elapsed() time.Duration { return s.opt.Now().Sub(s.start) }

// redraw replaces the partial line with text, unless the last redraw was
// less than Interval ago (force skips that check). Only in Redraw mode.
func (s *screen) redraw(text string, force bool) {
	if s.opt.Mode != Redraw {
		return
	}
	now := s.opt.Now()
	if !force && s.partial > 0 && now.Sub(s.lastDraw) < s.opt.Interval {
		return
	}
	s.lastDraw = now
	pad := ""
	if n := s.partial - len(text); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(s.w, "\r%s%s", text, pad)
	s.partial = len(text)
	if s.partial == 0 {
		s.partial = 1 // a blank partial line still needs a newline later
	}
}

// println writes a whole line, first overwriting any partial line.
func (s *screen) println(text string) {
	if s.partial > 0 {
		pad := ""
		if n := s.partial - len(text); n > 0 {
			pad = strings.Repeat(" ", n)
		}
		fmt.Fprintf(s.w, "\r%s%s\n", text, pad)
		s.partial = 0
		return
	}
	fmt.Fprintln(s.w, text)
}

// Reporter reports the progress of an epoch loop. Its methods are safe for
// concurrent use.
type Reporter struct {
	mu      sync.Mutex
	s       screen
	name    string
	total   int // epochs planned
	epoch   int // current epoch, 1-based
	done    int // epochs finished
	batches int // batches in the current epoch
	batch   int // batches finished in the current epoch
	lossSum float64
	lossN   int
}

// New returns a Reporter for total epochs of work named name, writing to w
// (normally os.Stderr) in the mode Auto picks.
func New(w io.Writer, name string, total int) *Reporter {
	return NewWithOptions(w, name, total, Options{})
}

// NewWithOptions is New with explicit options.
func NewWithOptions(w io.Writer, name string, total int, opt Options) *Reporter {
	return &Reporter{s: newScreen(w, opt), name: name, total: total}
}

// StartEpoch begins epoch (1-based) made of batches batches.
func (r *Reporter) StartEpoch(epoch, batches int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.epoch, r.batches, r.batch = epoch, batches, 0
	r.lossSum, r.lossN = 0, 0
	r.s.redraw(r.batchLine(), true)
}

// Batch records that batch j (1-based) of the current epoch is done with
// the given loss. On a terminal the status line shows the epoch's running
// mean loss; in Lines mode nothing is written.
func (r *Reporter) Batch(j int, loss float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batch = j
	if !math.IsNaN(loss) {
		r.lossSum += loss
		r.lossN++
	}
	r.s.redraw(r.batchLine(), j == r.batches)
}

// EndEpoch writes the epoch's line: its mean training loss and validation
// metrics (sorted by name; nil for none).
func (r *Reporter) EndEpoch(loss float64, val map[string]float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.epoch == 0 {
		r.epoch = r.done + 1
	}
	r.done = r.epoch
	var b strings.Builder
	fmt.Fprintf(&b, "%s: epoch %d/%d loss %.4f", r.name, r.epoch, r.total, loss)
	if len(val) > 0 {
		b.WriteString(" val")
		for _, k := range sortedKeys(val) {
			fmt.Fprintf(&b, " %s %.4f", k, val[k])
		}
	}
	el := r.s.elapsed()
	fmt.Fprintf(&b, " elapsed %s eta %s", Duration(el), eta(el, float64(r.done), float64(r.total)))
	r.s.println(b.String())
	r.batch, r.batches = 0, 0
}

// Logf writes a message line (prefixed with the name) without disturbing
// the status line, e.g. "early stopping: no gain for 5 epochs".
func (r *Reporter) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.println(r.name + ": " + fmt.Sprintf(format, args...))
}

// Done writes the closing line: epochs run out of those planned, and the
// total time.
func (r *Reporter) Done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.println(fmt.Sprintf("%s: done %d/%d epochs elapsed %s", r.name, r.done, r.total, Duration(r.s.elapsed())))
}

func (r *Reporter) batchLine() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: epoch %d/%d batch %d/%d", r.name, r.epoch, r.total, r.batch, r.batches)
	if r.lossN > 0 {
		fmt.Fprintf(&b, " loss %.4f", r.lossSum/float64(r.lossN))
	}
	frac := float64(r.epoch - 1)
	if r.batches > 0 {
		frac += float64(r.batch) / float64(r.batches)
	}
	el := r.s.elapsed()
	fmt.Fprintf(&b, " elapsed %s eta %s", Duration(el), eta(el, frac, float64(r.total)))
	return b.String()
}

// Counter reports the progress of a counted loop (rows, movies, users).
// In Lines mode it writes a line each time another tenth of the total is
// done. Its methods are safe for concurrent use.
type Counter struct {
	mu      sync.Mutex
	s       screen
	name    string
	what    string
	total   int
	n       int
	tenths  int // tenths already written in Lines mode
	stopped bool
}

// NewCounter returns a Counter of total units of work; lines read
// "name: what n/total (p%) elapsed ... eta ...".
func NewCounter(w io.Writer, name, what string, total int) *Counter {
	return NewCounterWithOptions(w, name, what, total, Options{})
}

// NewCounterWithOptions is NewCounter with explicit options.
func NewCounterWithOptions(w io.Writer, name, what string, total int, opt Options) *Counter {
	return &Counter{s: newScreen(w, opt), name: name, what: what, total: total}
}

// Add records n more units done.
func (c *Counter) Add(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set(c.n + n)
}

// Set records that i units are done.
func (c *Counter) Set(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set(i)
}

func (c *Counter) set(i int) {
	c.n = i
	if c.s.opt.Mode == Redraw {
		c.s.redraw(c.line(), false)
		return
	}
	if c.total <= 0 {
		return
	}
	t := 10 * c.n / c.total
	if t > 10 {
		t = 10
	}
	if t > c.tenths && t < 10 { // the 100% line is Done's
		c.tenths = t
		c.s.println(c.line())
	}
}

// Done writes the closing line with the count reached and the total time.
func (c *Counter) Done() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.stopped = true
	c.s.println(fmt.Sprintf("%s: %s %d/%d done elapsed %s", c.name, c.what, c.n, c.total, Duration(c.s.elapsed())))
}

func (c *Counter) line() string {
	pct := 0
	if c.total > 0 {
		pct = 100 * c.n / c.total
	}
	el := c.s.elapsed()
	return fmt.Sprintf("%s: %s %d/%d (%d%%) elapsed %s eta %s", c.name, c.what, c.n, c.total, pct,
		Duration(el), eta(el, float64(c.n), float64(c.total)))
}

// eta estimates the time left when done of total units took elapsed.
func eta(elapsed time.Duration, done, total float64) string {
	if done <= 0 || total <= 0 {
		return "?"
	}
	left := total - done
	if left < 0 {
		left = 0
	}
	return Duration(time.Duration(float64(elapsed) / done * left))
}

// Duration formats d compactly: "12.3s" under a minute, "3m12s" under an
// hour, "1h05m" beyond.
func Duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d = d.Round(100 * time.Millisecond); d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	if d = d.Round(time.Second); d < time.Hour {
		s := int(d.Seconds())
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	m := int(d.Round(time.Minute).Minutes())
	return fmt.Sprintf("%dh%02dm", m/60, m%60)
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
