package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/web"
)

// HTTPResult is the outcome of one load run against the API.
type HTTPResult struct {
	Path          string
	Clients       int
	Requests      int
	PerSecond     float64
	P50, P99, Max time.Duration
}

// LoadHTTP serves s on a loopback port with the real server (web.New) and
// sends it requests GET path from clients goroutines, each request after
// the previous one of its goroutine is answered, until requests have been
// answered; then it stops the server. It fails on any answer but 200.
// A first request checks that the answer is a page of want items; then a
// round of 2 requests per client, not counted, opens the connections.
func LoadHTTP(ctx context.Context, s zootour.Store, path string, want, clients, requests int) (HTTPResult, error) {
	srv, err := serveAPI(ctx, s, clients)
	if err != nil {
		return HTTPResult{}, err
	}
	defer srv.stop()

	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	url := srv.base + path

	get := func(check bool) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+srv.token)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		if !check {
			_, err = io.Copy(io.Discard, resp.Body)
			return err
		}
		var page struct{ Items []json.RawMessage }
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		if len(page.Items) != want {
			return fmt.Errorf("GET %s: %d items, want %d", path, len(page.Items), want)
		}
		return nil
	}
	if err := get(true); err != nil {
		return HTTPResult{}, err
	}
	load := func() error { return get(false) }
	if _, err := run(clients, 2*clients, load); err != nil {
		return HTTPResult{}, err
	}
	began := time.Now()
	lat, err := run(clients, requests, load)
	took := time.Since(began)
	if err != nil {
		return HTTPResult{}, err
	}
	slices.Sort(lat)
	return HTTPResult{
		Path: path, Clients: clients, Requests: requests,
		PerSecond: float64(requests) / took.Seconds(),
		P50:       percentile(lat, 50), P99: percentile(lat, 99), Max: lat[len(lat)-1],
	}, nil
}

// apiServer is the API of one store on a loopback port: the handler
// `zootour serve` runs (web.New), and a viewer's token to read with, as a
// registrar's program reads (every request shows it; the server looks it
// up).
type apiServer struct {
	base, token string
	store       zootour.Store
	stop        func()
}

// serveAPI serves s on 127.0.0.1 with a bound of requests in flight that
// clients never reach, so that the load is never answered 503.
func serveAPI(ctx context.Context, s zootour.Store, clients int) (*apiServer, error) {
	svc := accounts.New(s)
	if _, err := svc.AddUser(ctx, "bench-viewer", zootour.Viewer, ""); err != nil && zootour.ErrorCode(err) != zootour.ECONFLICT {
		return nil, fmt.Errorf("bench: the load's user: %w", err)
	}
	token, _, err := svc.AddToken(ctx, "bench-viewer", "load")
	if err != nil {
		return nil, fmt.Errorf("bench: the load's token: %w", err)
	}
	srv := web.New(s, web.Config{Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler),
		Stdout: io.Discard, Stderr: io.Discard, MaxInFlight: 2 * clients})
	ln, err := srv.Listen()
	if err != nil {
		return nil, fmt.Errorf("bench: the API server: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	return &apiServer{base: "http://" + ln.Addr().String(), token: token, store: s,
		stop: func() { cancel(); <-served }}, nil
}

// run calls f n times from clients goroutines and returns each call's
// time; it stops at the first error.
func run(clients, n int, f func() error) ([]time.Duration, error) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				began := time.Now()
				if err := f(); err != nil {
					errs[c] = err
					failed.Store(true)
					return
				}
				lat[i] = time.Since(began)
			}
		})
	}
	wg.Wait()
	return lat, errors.Join(errs...)
}
