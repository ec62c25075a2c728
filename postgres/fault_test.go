package postgres_test

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres/pgtest"
)

// cutter forwards connections to PostgreSQL until cut, which drops them
// all and refuses new ones: the server gone, as the store sees it,
// without touching the server that other tests share.
type cutter struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	cut    bool
}

func newCutter(t *testing.T, target string) *cutter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); c.drop() })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			c.mu.Lock()
			refused := c.cut
			c.mu.Unlock()
			if refused {
				in.Close()
				continue
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	return c
}

func (c *cutter) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

func (c *cutter) set(cut bool) {
	c.mu.Lock()
	c.cut = cut
	c.mu.Unlock()
	if cut {
		c.drop()
	}
}

// TestServerGone cuts the store off from PostgreSQL: its reads, writes
// and Ready answer EUNAVAILABLE (a 503 over HTTP), not internal errors,
// nothing is half-written, and once the server is back the store is too.
func TestServerGone(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	c := newCutter(t, u.Host)
	u.Host = c.ln.Addr().String()
	s := openURL(t, u.String())
	ctx := t.Context()
	z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	c.set(true)
	_, werr := s.CreateZoo(ctx, zootour.Zoo{Name: "lost", Location: "L"})
	_, rerr := s.Zoo(ctx, z.ID)
	for what, err := range map[string]error{"a write": werr, "a read": rerr, "Ready": s.Ready(ctx)} {
		if zootour.ErrorCode(err) != zootour.EUNAVAILABLE {
			t.Errorf("%s with the server gone: %v (code %s), want unavailable", what, err, zootour.ErrorCode(err))
		}
	}
	c.set(false)
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready with the server back: %v", err)
	}
	zs, err := s.FindZoos(ctx, zootour.ZooFilter{})
	if err != nil || len(zs) != 1 || zs[0] != z {
		t.Errorf("zoos with the server back: %+v %v, want only %+v", zs, err, z)
	}
}
