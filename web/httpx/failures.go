package httpx

import (
	"math"
	"sync"
	"time"
)

// The bound on failures: past MaxFailures failed sign-ins or wrong tokens
// from one address within FailureWindow of the first, that address gets
// 429 until the window has passed (README, "Serving safely").
const (
	MaxFailures   = 10
	FailureWindow = time.Minute
	// maxTracked bounds the addresses remembered; past it, windows that
	// have passed are forgotten.
	maxTracked = 10000
)

// Failures counts failures per client address, each in a window that
// starts at its first failure.
type Failures struct {
	mu  sync.Mutex
	m   map[string]*failWindow
	now func() time.Time
}

type failWindow struct {
	start time.Time
	n     int
}

// NewFailures returns an empty count.
func NewFailures() *Failures { return &Failures{m: map[string]*failWindow{}, now: time.Now} }

// Blocked reports whether addr has failed more than MaxFailures times in
// its window, and how long it has to wait.
func (f *Failures) Blocked(addr string) (time.Duration, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w := f.m[addr]
	if w == nil {
		return 0, false
	}
	left := w.start.Add(FailureWindow).Sub(f.now())
	if left <= 0 {
		delete(f.m, addr)
		return 0, false
	}
	return left, w.n >= MaxFailures
}

// Fail counts one failure of addr.
func (f *Failures) Fail(addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	w := f.m[addr]
	if w == nil || now.Sub(w.start) >= FailureWindow {
		if len(f.m) >= maxTracked {
			for a, old := range f.m {
				if now.Sub(old.start) >= FailureWindow {
					delete(f.m, a)
				}
			}
		}
		w = &failWindow{start: now}
		f.m[addr] = w
	}
	w.n++
}

// retrySeconds is a wait in whole seconds, rounded up, at least 1.
func retrySeconds(d time.Duration) int { return max(1, int(math.Ceil(d.Seconds()))) }
