package modelset

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// signature identifies a version of a file: the pipeline replaces files
// by renaming new ones over them, which changes the inode.
type signature struct {
	size  int64
	mtime int64
	ino   uint64
}

func sigOf(st os.FileInfo) signature {
	s := signature{size: st.Size(), mtime: st.ModTime().UnixNano()}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		s.ino = sys.Ino
	}
	return s
}

// Holder holds the current Set and reloads it.
type Holder struct {
	files Files
	cfg   SearchConfig
	cur   atomic.Pointer[Set]

	mu     sync.Mutex // one reload at a time
	failed map[string]signature
	gen    int64
	// OnReload is called after each reload attempt (trigger is "watch",
	// "signal" or "start"). Set it before Watch.
	OnReload func(trigger string, s *Set, err error)
}

// NewHolder loads the first Set.
func NewHolder(f Files, cfg SearchConfig) (*Holder, error) {
	h := &Holder{files: f, cfg: cfg}
	s, err := Load(f, cfg)
	if err != nil {
		return nil, err
	}
	h.gen = 1
	s.Generation = 1
	h.cur.Store(s)
	return h, nil
}

// Current returns the Set to answer a request from.
func (h *Holder) Current() *Set { return h.cur.Load() }

// Reload loads a new Set from the files and swaps it in; on failure the
// current Set stays.
func (h *Holder) Reload(trigger string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, err := Load(h.files, h.cfg)
	if err == nil {
		h.gen++
		s.Generation = h.gen
		h.cur.Store(s)
		h.failed = nil
	} else {
		h.failed = h.signatures()
	}
	if h.OnReload != nil {
		h.OnReload(trigger, s, err)
	}
	return err
}

// signatures returns the files' current signatures (missing files have a
// zero signature).
func (h *Holder) signatures() map[string]signature {
	out := map[string]signature{}
	for _, rf := range h.files.list() {
		if st, err := os.Stat(rf[1]); err == nil {
			out[rf[1]] = sigOf(st)
		}
	}
	return out
}

// changed reports whether a file differs from the current Set's (and from
// the versions that last failed to load).
func (h *Holder) changed() bool {
	now := h.signatures()
	h.mu.Lock()
	failed := h.failed
	h.mu.Unlock()
	if failed != nil {
		same := len(failed) == len(now)
		for p, s := range now {
			same = same && failed[p] == s
		}
		if same {
			return false
		}
	}
	for _, f := range h.Current().Files {
		if s, ok := now[f.Path]; !ok || s != f.sig {
			return true
		}
	}
	return false
}

// Watch polls the files every interval until ctx ends and reloads when
// one changed. A missing file (between a delete and a rename, say) waits
// for the next poll.
func (h *Holder) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if len(h.signatures()) == len(h.files.list()) && h.changed() {
				h.Reload("watch")
			}
		}
	}
}
