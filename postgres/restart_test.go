package postgres_test

import (
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres/pgtest"
)

// ownServer starts a PostgreSQL server of the test's own (pgtest.NewServer),
// so that the test can restart it without disturbing the server other
// tests share.
func ownServer(t *testing.T) (url string, restart func()) {
	t.Helper()
	srv := pgtest.NewServer(t)
	return srv.URL, func() {
		srv.Stop(t)
		time.Sleep(200 * time.Millisecond)
		srv.Start(t)
	}
}

// TestServerRestarted restarts a real PostgreSQL server under the store:
// while it is down every call is EUNAVAILABLE (503), never internal, and
// after it is back the store answers again with everything it had.
func TestServerRestarted(t *testing.T) {
	url, restart := ownServer(t)
	s := openURL(t, url)
	ctx := t.Context()
	z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	down := make(chan struct{})
	var during []error
	go func() {
		defer close(down)
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			_, err := s.CreateZoo(ctx, zootour.Zoo{Name: "during", Location: "L"})
			if err != nil {
				during = append(during, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	time.Sleep(100 * time.Millisecond)
	restart()
	<-down
	for _, err := range during {
		if zootour.ErrorCode(err) != zootour.EUNAVAILABLE {
			t.Errorf("a write while the server restarts: %v (code %s), want unavailable", err, zootour.ErrorCode(err))
		}
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready after the restart: %v", err)
	}
	got, err := s.Zoo(ctx, z.ID)
	if err != nil || got != z {
		t.Errorf("the zoo after the restart: %+v %v", got, err)
	}
	t.Logf("%d writes failed while the server restarted", len(during))
}
