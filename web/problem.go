package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/zootour/zootour"
)

// statusOf maps the domain's error codes to HTTP statuses, once for the
// whole API. Any other error is internal: 500.
var statusOf = map[string]int{
	zootour.EINVALID:  http.StatusBadRequest,
	zootour.ENOTFOUND: http.StatusNotFound,
	zootour.ECONFLICT: http.StatusConflict,
}

// An httpError is a failure that only HTTP has words for: 401, 403, 405,
// 413, 415, 503. Handlers set any header it needs (Allow, Retry-After)
// before returning it.
type httpError struct {
	status int
	detail string
}

func (e *httpError) Error() string { return e.detail }

// A problem is an RFC 9457 problem details object.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// apiFunc is an API handler: it writes a success itself and returns any
// failure for api to answer.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// api adapts h to http.Handler, answering its errors as problems.
func (srv *Server) api(h apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			srv.problem(w, r, err)
		}
	})
}

// problem answers err as application/problem+json. Internal errors are
// logged with their detail and shown only as "internal error".
func (srv *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	status, detail := http.StatusInternalServerError, "internal error"
	var he *httpError
	if errors.As(err, &he) {
		status, detail = he.status, he.detail
	} else if s, ok := statusOf[zootour.ErrorCode(err)]; ok {
		status, detail = s, err.Error()
	} else {
		srv.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	// about:blank: the status says what kind of problem it is.
	body, _ := json.Marshal(problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail})
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// writeJSON answers v as JSON with the given status. It encodes into a
// buffer first so that a failure can still be answered as a problem.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	// The status line is out: a failed write (a client gone) cannot be
	// answered any more, and is not the server's failure.
	w.Write(buf.Bytes())
	return nil
}
