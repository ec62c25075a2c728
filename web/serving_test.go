package web

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"math/big"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/web/internal/webtest"
)

// Tests of README's "Serving safely", each against a real server on
// loopback.

// TestHostCheck: a Host that names neither the server nor its base URL
// is 421 and served nothing, reads and pages included (DNS rebinding).
func TestHostCheck(t *testing.T) {
	s := webtest.MemoryStore(t)
	tok := webtest.User(t, s, "ann", zootour.Editor)
	url, _, _, _ := startRun(t, s, Config{PublicRead: true, BaseURL: "https://zoo.example.org"})
	port := url[strings.LastIndex(url, ":")+1:]
	for _, tc := range []struct {
		host string
		want int
	}{
		{"evil.example:" + port, 421},
		{"evil.example", 421},
		{"zoo.example.org.evil.example", 421},
		{"127.0.0.1:" + port, 200},
		{"localhost:" + port, 200},
		{"LOCALHOST:" + port, 200},
		{"[::1]:" + port, 200},
		{"zoo.example.org", 200},
	} {
		for _, path := range []string{"/api/zoos", "/", "/metrics", "/zoos"} {
			req, _ := http.NewRequest("GET", url+path, nil)
			req.Host = tc.host
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("GET %s with Host %q: %d, want %d", path, tc.host, resp.StatusCode, tc.want)
			}
			if tc.want == 421 && (bytes.Contains(body, []byte("zootour_http")) || bytes.Contains(body, []byte("<html"))) {
				t.Errorf("GET %s with Host %q served something: %s", path, tc.host, body)
			}
		}
	}
}

// TestFailureLimits: past 10 wrong tokens or failed sign-ins in a minute,
// the address gets 429 with Retry-After, right token included.
func TestFailureLimits(t *testing.T) {
	s := webtest.MemoryStore(t)
	tok := webtest.User(t, s, "ann", zootour.Viewer)
	e := newEnv(t, s, Config{})
	for i := range 10 {
		if r := e.As("zt_wrong"+fmt.Sprint(i)).Do("GET", "/api/zoos", ""); r.Status != 401 {
			t.Fatalf("wrong token %d: %d, want 401", i, r.Status)
		}
	}
	for _, token := range []string{"zt_wrong", tok} {
		r := e.As(token).Do("GET", "/api/zoos", "")
		if r.Status != 429 || r.Header.Get("Retry-After") == "" {
			t.Errorf("after 10 wrong tokens, a token: %d, Retry-After %q; want 429 with Retry-After", r.Status, r.Header.Get("Retry-After"))
		}
	}
	if r := e.As(tok).Do("GET", "/zoos", ""); r.Status != 429 {
		t.Errorf("after 10 wrong tokens, a page with a token: %d, want 429", r.Status)
	}

	// Sign-ins count too, on a server of their own.
	s2 := webtest.MemoryStore(t)
	e2 := newEnv(t, s2, Config{})
	svcUser(t, s2, "bob", "a good password")
	for i := range 10 {
		if st := signIn(t, e2.URL, "bob", "wrong password"); st != 403 {
			t.Fatalf("wrong password %d: %d, want 403", i, st)
		}
	}
	if st := signIn(t, e2.URL, "bob", "a good password"); st != 429 {
		t.Errorf("after 10 failed sign-ins, the right password: %d, want 429", st)
	}
}

// TestSlowClients: connections that send a write's headers and then
// trickle its body hold no slot: others are answered meanwhile, and the
// trickling ones are cut off by the body's own deadline.
func TestSlowClients(t *testing.T) {
	s := webtest.MemoryStore(t)
	tok := webtest.User(t, s, "ann", zootour.Editor)
	url, _, _, _ := startRun(t, s, Config{MaxInFlight: 8})
	addr := strings.TrimPrefix(url, "http://")
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// Twice as many as there are slots, to the API and the sign-in page.
	for i := range 16 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		path, auth := "/signin", ""
		if i%2 == 0 {
			path, auth = "/api/zoos", "Authorization: Bearer "+tok+"\r\n"
		}
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: %s\r\n%sContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", path, addr, auth)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Second):
					c.Write([]byte(" "))
				}
			}
		})
	}
	defer func() { close(stop); wg.Wait() }()
	time.Sleep(200 * time.Millisecond)
	client := &http.Client{Timeout: 5 * time.Second}
	for i := range 10 {
		req, _ := http.NewRequest("GET", url+"/api/zoos", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if i%2 == 1 {
			req, _ = http.NewRequest("POST", url+"/api/zoos", strings.NewReader(`{"name":"n","location":"l"}`))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d beside 16 trickling clients: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != 201 {
			t.Errorf("request %d beside 16 trickling clients: %d", i, resp.StatusCode)
		}
	}
	// The trickling ones are answered 408 once their body's time is up.
	conns[0].SetReadDeadline(time.Now().Add(BodyWithin + 5*time.Second))
	line, _ := readLine(conns[0])
	if !strings.Contains(line, "408") {
		t.Errorf("a client trickling its body got %q, want 408", line)
	}
}

func readLine(c net.Conn) (string, error) {
	var b []byte
	one := make([]byte, 1)
	for {
		if _, err := c.Read(one); err != nil {
			return string(b), err
		}
		if one[0] == '\n' {
			return string(b), nil
		}
		b = append(b, one[0])
	}
}

// slowStore makes CreateZoo wait before it writes, so that its client
// has gone by then.
type slowStore struct {
	zootour.Store
	began chan struct{}
}

func (s slowStore) CreateZoo(ctx context.Context, z zootour.Zoo) (zootour.Zoo, error) {
	close(s.began)
	time.Sleep(300 * time.Millisecond)
	return s.Store.CreateZoo(ctx, z)
}

// TestWriteOutlivesClient: a write whose client hangs up still commits:
// it is reported failed only if it did not.
func TestWriteOutlivesClient(t *testing.T) {
	base := webtest.MemoryStore(t)
	tok := webtest.User(t, base, "ann", zootour.Editor)
	s := slowStore{Store: base, began: make(chan struct{})}
	url, _, _, _ := startRun(t, s, Config{})
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "POST", url+"/api/zoos", strings.NewReader(`{"name":"gone","location":"away"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	go func() { <-s.began; cancel() }()
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the request was answered %d before it was cancelled", resp.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		zs, err := base.FindZoos(t.Context(), zootour.ZooFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(zs) == 1 && zs[0].Name == "gone" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the write of a client that hung up did not commit: %+v", zs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := base.Changes(t.Context(), zootour.ChangeFilter{Kind: zootour.KindZoo})
	if len(log) != 1 || log[0].Actor != "ann" {
		t.Errorf("the write's log = %+v, want one entry by ann", log)
	}
}

// TestBaseURL: Location headers and printed links name the base URL, and
// behind an https one the session cookie is Secure.
func TestBaseURL(t *testing.T) {
	s := webtest.MemoryStore(t)
	tok := webtest.User(t, s, "ann", zootour.Editor)
	svcUser(t, s, "bob", "a good password")
	e := newEnv(t, s, Config{BaseURL: "https://zoo.example.org/"})
	r := webtest.Must(t, e.As(tok).Do("POST", "/api/zoos", `{"name":"A","location":"B"}`), 201)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "https://zoo.example.org/api/zoos/") {
		t.Errorf("Location %q, want it under the base URL", loc)
	}
	resp := postForm(t, e.URL+"/signin", "name=bob&password=a+good+password&next=/zoos")
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "https://zoo.example.org/zoos") {
		t.Errorf("sign-in's redirect %q, want it under the base URL", loc)
	}
	var secure bool
	for _, c := range resp.Cookies() {
		if c.Name == "zootour_session" {
			secure = c.Secure
		}
	}
	if !secure {
		t.Error("behind an https base URL, the session cookie is not Secure")
	}
	for _, bad := range []string{"zoo.example.org", "ftp://zoo.example.org", "https://zoo.example.org/zoo tour", "https://zoo.example.org/a/../b", "https://", "https://u:p@zoo.example.org"} {
		srv := New(s, Config{BaseURL: bad, Stderr: io.Discard, Logger: webtest.Logger(t)})
		if _, err := srv.Listen(); zootour.ErrorCode(err) != zootour.EINVALID {
			t.Errorf("--base-url %q: %v, want an invalid error", bad, err)
		}
	}
}

// TestTLS serves HTTPS from a certificate and key.
func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	s := webtest.MemoryStore(t)
	lines := make(lineWriter, 1)
	srv := New(s, Config{Addr: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile, Stdout: lines, Stderr: io.Discard, Logger: webtest.Logger(t), PublicRead: true})
	ln, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	line := <-lines
	if !strings.Contains(line, "https://127.0.0.1:") {
		t.Fatalf("Serve printed %q, want an https URL", line)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + ln.Addr().String() + "/api/zoos")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Errorf("GET over HTTPS: %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	bad := New(s, Config{TLSCert: certFile, Stderr: io.Discard})
	if _, err := bad.Listen(); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("--tls-cert without --tls-key: %v, want invalid", err)
	}
	broken := New(s, Config{Addr: "127.0.0.1:0", TLSCert: keyFile, TLSKey: keyFile, Stderr: io.Discard, Stdout: io.Discard})
	if err := broken.Run(t.Context()); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("a key given as the certificate: %v, want invalid", err)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "zootour test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// svcUser makes a user with a password.
func svcUser(t *testing.T, s zootour.Store, name, password string) {
	t.Helper()
	if _, err := accounts.New(s).AddUser(t.Context(), name, zootour.Editor, password); err != nil {
		t.Fatal(err)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// postForm fetches the form at url, then posts form to it with the form's
// token, without following the redirect.
func postForm(t *testing.T, url, form string) *http.Response {
	t.Helper()
	page := httpGet(t, url)
	m := csrfField.FindSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no form token on %s (%d)", url, page.Status)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Post(url, "application/x-www-form-urlencoded", strings.NewReader(form+"&csrf="+neturl.QueryEscape(html.UnescapeString(string(m[1])))))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// signIn signs in through the form and returns the status.
func signIn(t *testing.T, base, name, password string) int {
	t.Helper()
	return postForm(t, base+"/signin", "name="+neturl.QueryEscape(name)+"&password="+neturl.QueryEscape(password)).StatusCode
}

// faultyStore fails every write and Ready as a store does whose disk is
// full.
type faultyStore struct{ zootour.Store }

func (faultyStore) CreateZoo(context.Context, zootour.Zoo) (zootour.Zoo, error) {
	return zootour.Zoo{}, zootour.Unavailable("out of disk space", io.ErrShortWrite)
}

func (faultyStore) Ready(context.Context) error {
	return zootour.Unavailable("out of disk space", io.ErrShortWrite)
}

// TestStoreFaults: a fault of the store that may pass is 503 with
// Retry-After, on the API, the pages and /readyz, never a 500.
func TestStoreFaults(t *testing.T) {
	base := webtest.MemoryStore(t)
	tok := webtest.User(t, base, "ann", zootour.Editor)
	e := newEnv(t, faultyStore{base}, Config{}).As(tok)
	for _, r := range []webtest.Reply{
		e.Do("POST", "/api/zoos", `{"name":"n","location":"l"}`),
		e.Do("GET", "/readyz", ""),
	} {
		if r.Status != 503 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "disk") {
			t.Errorf("a store fault: %d, Retry-After %q, %s; want 503 with Retry-After saying why", r.Status, r.Header.Get("Retry-After"), r.Body)
		}
	}
}
