package web

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

// newEnv serves the whole server over s, configured by cfg.
func newEnv(t *testing.T, s zootour.Store, cfg Config) *webtest.Env {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = webtest.Logger(t)
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	return webtest.NewEnv(t, s, New(s, cfg).Handler())
}

// blockingStore holds Zoos calls until release is closed, telling entered
// when one arrives, so a test can keep a request in flight.
type blockingStore struct {
	zootour.Store
	entered chan struct{}
	release chan struct{}
}

func newBlockingStore(s zootour.Store) *blockingStore {
	return &blockingStore{Store: s, entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (b *blockingStore) FindZoos(ctx context.Context, f zootour.ZooFilter) ([]zootour.Zoo, error) {
	b.entered <- struct{}{}
	<-b.release
	return b.Store.FindZoos(ctx, f)
}

// failingStore fails Counts and Ready, as a store whose database is gone
// would.
type failingStore struct{ zootour.Store }

func (failingStore) Counts(context.Context) (zootour.Counts, error) {
	return zootour.Counts{}, io.ErrUnexpectedEOF
}

func (failingStore) Ready(context.Context) error { return io.ErrUnexpectedEOF }

// lineWriter sends each write (one line from Serve) on a channel.
type lineWriter chan string

func (w lineWriter) Write(b []byte) (int, error) {
	w <- string(bytes.TrimSpace(b))
	return len(b), nil
}
