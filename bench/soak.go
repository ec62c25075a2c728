package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/zootour/zootour"
)

// The soak (README, "Serving safely"): a real `zootour serve` on loopback
// under many clients that read and write with idempotency keys and retry
// every failure, an import beside them, and the server killed (SIGKILL)
// and started again midway. Afterwards every acknowledged write must be
// there exactly once, and every retried write applied once.

// A SoakConfig says how hard and how long to soak.
type SoakConfig struct {
	Binary   string        // the zootour binary
	DB       string        // the store (a SQLite file, or a postgres:// URL)
	Clients  int           // concurrent clients (64)
	Duration time.Duration // how long they run
	// ImportVisits is the size of the import run beside them.
	ImportVisits int
	Log          io.Writer
}

// A SoakResult is what a soak did and found.
type SoakResult struct {
	Store                   string
	Clients                 int
	Duration                time.Duration
	Requests, Reads, Writes int64
	// Acknowledged writes are those answered 201; Retried the ones among
	// them that needed more than one attempt; Replayed the attempts
	// answered from an earlier one (Idempotent-Replayed).
	Acknowledged, Retried, Replayed int64
	// Failures are attempts answered otherwise than 2xx, or not at all,
	// which the client then retried: by cause.
	Failures     map[string]int64
	ReadP50      time.Duration
	ReadP99      time.Duration
	Downtime     time.Duration // from the kill until the server answered again
	ImportTook   time.Duration
	ImportResult string
	// Found is the check afterwards: the acknowledged writes present, and
	// those present other than exactly once.
	Found, Missing, Duplicated int
}

// Soak runs one soak.
func Soak(ctx context.Context, cfg SoakConfig) (*SoakResult, error) {
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "%s soak: "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
		}
	}
	res := &SoakResult{Store: storeKind(cfg.DB), Clients: cfg.Clients, Duration: cfg.Duration, Failures: map[string]int64{}}
	dir, err := os.MkdirTemp("", "zootour-soak")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, cfg.Binary, append([]string{"--db", cfg.DB}, args...)...)
		cmd.Env = append(os.Environ(), "ZOOTOUR_DB=")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return out.String(), fmt.Errorf("zootour %s: %v: %s", strings.Join(args, " "), err, errb.String())
		}
		return out.String(), nil
	}
	// An editor's token, and a zoo of a high ID, so that the clients' new
	// zoos take IDs clear of the import's.
	cmd := exec.CommandContext(ctx, cfg.Binary, "--db", cfg.DB, "user", "add", "soak", "--role", "editor", "--password-stdin")
	cmd.Stdin = strings.NewReader("soak password\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("user add: %v: %s", err, out)
	}
	token, err := run("token", "add", "--user", "soak")
	if err != nil {
		return nil, err
	}
	token = strings.TrimSpace(token)
	high := filepath.Join(dir, "high")
	os.MkdirAll(high, 0o755)
	os.WriteFile(filepath.Join(high, "zoos.csv"), []byte("id,name,location\n1000000000,high,up\n"), 0o644)
	if _, err := run("import", high); err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if _, err := run("generate", data, "--zoos", "100", "--animals", fmt.Sprint(cfg.ImportVisits/10), "--visits", fmt.Sprint(cfg.ImportVisits)); err != nil {
		return nil, err
	}

	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	srv := &soakServer{binary: cfg.Binary, db: cfg.DB, addr: addr}
	if err := srv.start(ctx); err != nil {
		return nil, err
	}
	defer srv.stop()
	base := "http://" + addr

	tr := &http.Transport{MaxIdleConnsPerHost: cfg.Clients, MaxConnsPerHost: cfg.Clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var mu sync.Mutex
	acked := map[string]int64{} // zoo name -> ID answered
	var reads []time.Duration
	fail := func(cause string) {
		mu.Lock()
		res.Failures[cause]++
		mu.Unlock()
	}
	runCtx, stopClients := context.WithTimeout(ctx, cfg.Duration)
	defer stopClients()
	var wg sync.WaitGroup
	var seq atomic.Int64
	for c := range cfg.Clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 7))
			for runCtx.Err() == nil {
				if r.IntN(4) > 0 {
					began := time.Now()
					status, _, _, err := soakDo(runCtx, client, "GET", base+"/api/zoos?limit=20", token, "", "")
					atomic.AddInt64(&res.Requests, 1)
					atomic.AddInt64(&res.Reads, 1)
					if err == nil && status == 200 {
						mu.Lock()
						reads = append(reads, time.Since(began))
						mu.Unlock()
					} else if runCtx.Err() == nil {
						fail(failure(status, err))
					}
					continue
				}
				// A write, retried with its key until it is acknowledged.
				n := seq.Add(1)
				name := fmt.Sprintf("soak %d", n)
				key := fmt.Sprintf("soak-%d", n)
				body := fmt.Sprintf(`{"name":%q,"location":"soak"}`, name)
				atomic.AddInt64(&res.Writes, 1)
				for attempt := 0; ; attempt++ {
					status, replayed, rb, err := soakDo(ctx, client, "POST", base+"/api/zoos", token, key, body)
					atomic.AddInt64(&res.Requests, 1)
					if replayed {
						atomic.AddInt64(&res.Replayed, 1)
					}
					if err == nil && status == 201 {
						var z zootour.Zoo
						json.Unmarshal(rb, &z)
						mu.Lock()
						acked[name] = z.ID
						mu.Unlock()
						atomic.AddInt64(&res.Acknowledged, 1)
						if attempt > 0 {
							atomic.AddInt64(&res.Retried, 1)
						}
						break
					}
					fail(failure(status, err))
					if ctx.Err() != nil || attempt > 200 {
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}

	// The import, a quarter in; the kill, half-way.
	time.Sleep(cfg.Duration / 4)
	logf("%s: import of %d visits beside %d clients", res.Store, cfg.ImportVisits, cfg.Clients)
	began := time.Now()
	out, ierr := run("import", data)
	res.ImportTook = time.Since(began)
	res.ImportResult = strings.TrimSpace(out)
	if ierr != nil {
		res.ImportResult = ierr.Error()
	}
	if wait := cfg.Duration/2 - time.Since(began) - cfg.Duration/4; wait > 0 {
		time.Sleep(wait)
	}
	logf("%s: kill -9 of the server", res.Store)
	killed := time.Now()
	srv.kill()
	if err := srv.start(ctx); err != nil {
		return nil, err
	}
	for {
		if status, _, _, err := soakDo(ctx, client, "GET", base+"/healthz", "", "", ""); err == nil && status == 200 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	res.Downtime = time.Since(killed)
	wg.Wait()
	logf("%s: %d requests, %d writes acknowledged; checking", res.Store, res.Requests, res.Acknowledged)

	// Every acknowledged write once, by name; every name of the soak at most once.
	out, err = run("zoo", "list", "--json", "--search", "soak")
	if err != nil {
		return nil, err
	}
	var zoos []zootour.Zoo
	if err := json.Unmarshal([]byte(out), &zoos); err != nil {
		return nil, fmt.Errorf("zoo list: %w", err)
	}
	count := map[string]int{}
	for _, z := range zoos {
		if strings.HasPrefix(z.Name, "soak ") {
			count[z.Name]++
		}
	}
	for name := range acked {
		if count[name] == 0 {
			res.Missing++
		} else {
			res.Found++
		}
	}
	for _, n := range count {
		if n > 1 {
			res.Duplicated++
		}
	}
	slices.Sort(reads)
	if len(reads) > 0 {
		res.ReadP50, res.ReadP99 = reads[len(reads)/2], reads[len(reads)*99/100]
	}
	return res, nil
}

func storeKind(db string) string {
	if strings.HasPrefix(db, "postgres") {
		return Postgres
	}
	return SQLite
}

// failure names why an attempt failed.
func failure(status int, err error) string {
	switch {
	case err != nil && errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case err != nil:
		return "no answer (connection lost)"
	}
	return fmt.Sprintf("%d %s", status, http.StatusText(status))
}

func soakDo(ctx context.Context, c *http.Client, method, url, token, key, body string) (status int, replayed bool, out []byte, err error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, false, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, false, nil, err
	}
	defer resp.Body.Close()
	out, err = io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Idempotent-Replayed") == "true", out, err
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// soakServer is the `zootour serve` child process.
type soakServer struct {
	binary, db, addr string
	cmd              *exec.Cmd
}

func (s *soakServer) start(ctx context.Context) error {
	s.cmd = exec.CommandContext(ctx, s.binary, "--db", s.db, "serve", "--addr", s.addr)
	s.cmd.Env = append(os.Environ(), "ZOOTOUR_DB=")
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	s.cmd.Stderr = io.Discard
	if err := s.cmd.Start(); err != nil {
		return err
	}
	// Serving once it says so; the port may take a moment to be free
	// again after a kill, which Serve then reports.
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, "serving on") {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		return fmt.Errorf("serve did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, stdout)
	return nil
}

func (s *soakServer) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
	}
}

func (s *soakServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		s.cmd.Wait()
	}
}

// SoakMarkdown writes the soak's section of BENCHMARKS.md.
func SoakMarkdown(rs []*SoakResult) string {
	var b strings.Builder
	b.WriteString("## Soak: hostile load, an import and a killed server\n\n")
	b.WriteString("A real `zootour serve` on loopback (`go run ./bench/cmd/soak`): clients that each read a page of zoos three times in four and otherwise create a zoo with an `Idempotency-Key`, retrying every failure (no answer, 5xx) with the same key until it is answered 201; an import of generated files beside them a quarter in; and the server killed with SIGKILL half-way and started again. Afterwards every acknowledged zoo is looked for by name: present exactly once, and no zoo of the soak twice.\n\n")
	b.WriteString("| store | clients | run | requests | writes acknowledged | of which retried | answers replayed | failed attempts (retried) | reads p50 / p99 | import beside them | down after the kill | acknowledged and present | missing | twice |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: |\n")
	for _, r := range rs {
		var fails []string
		for cause, n := range r.Failures {
			fails = append(fails, fmt.Sprintf("%d %s", n, cause))
		}
		slices.Sort(fails)
		if len(fails) == 0 {
			fails = []string{"none"}
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %d | %d | %d | %d | %s | %s / %s | %s (%s) | %s | %d | %d | %d |\n",
			r.Store, r.Clients, r.Duration, r.Requests, r.Acknowledged, r.Retried, r.Replayed, strings.Join(fails, "; "),
			dur(r.ReadP50), dur(r.ReadP99), dur(r.ImportTook), r.ImportResult, dur(r.Downtime), r.Found, r.Missing, r.Duplicated)
	}
	b.WriteString("\n")
	return b.String()
}
