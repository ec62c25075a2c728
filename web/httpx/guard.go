package httpx

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// A Guard holds the one rule of who may write, through the API or the
// pages: a client on loopback that addresses the server by a loopback name
// (so that a web page that rebinds its DNS name to 127.0.0.1 cannot
// write), or a client that shows the server's token, as a bearer token to
// the API or by signing in on the pages. A browser's cross-origin request
// never writes.
type Guard struct {
	token string
	csrf  *http.CrossOriginProtection
}

// NewGuard returns the guard of a server with the token ("" for none: then
// only loopback clients write).
func NewGuard(token string) *Guard {
	return &Guard{token: token, csrf: http.NewCrossOriginProtection()}
}

// CrossOrigin reports whether r is a browser's cross-origin request that
// may not write, by Sec-Fetch-Site and Origin.
func (g *Guard) CrossOrigin(r *http.Request) bool { return g.csrf.Check(r) != nil }

// Local reports whether r may write without a token: it comes over
// loopback and names the server by a loopback name.
func (g *Guard) Local(r *http.Request) bool {
	return LoopbackClient(r) && LoopbackHost(hostOnly(r.Host))
}

// HasToken reports whether the server has a token to write with.
func (g *Guard) HasToken() bool { return g.token != "" }

// IsToken reports, in constant time, whether s is the server's token.
func (g *Guard) IsToken(s string) bool {
	return g.token != "" && subtle.ConstantTimeCompare([]byte(s), []byte(g.token)) == 1
}

// LoopbackClient reports whether the request came over loopback. It looks
// at the connection's address only: headers are the client's to forge.
func LoopbackClient(r *http.Request) bool {
	return LoopbackHost(hostOnly(r.RemoteAddr))
}

// LoopbackHost reports whether host (a name or an IP, no port) names this
// machine's loopback interface.
func LoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostOnly strips any port from a host[:port] string.
func hostOnly(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}
