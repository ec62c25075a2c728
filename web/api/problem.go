package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/zootour/zootour/web/httpx"
)

// apiFunc is an API handler: it writes a success itself and returns any
// failure for api to answer.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// api adapts h to http.Handler, answering its errors as problems.
func (a *server) api(h apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		var cut *httpx.CutShort
		switch {
		case errors.As(err, &cut):
			a.log.Error("download cut short", "method", r.Method, "path", r.URL.Path, "err", err)
			panic(http.ErrAbortHandler)
		case err != nil:
			a.problem(w, r, err)
		}
	})
}

// problem answers err as application/problem+json. Internal errors are
// logged with their detail and shown only as "internal error".
func (a *server) problem(w http.ResponseWriter, r *http.Request, err error) {
	httpx.SetRetryAfter(w, err)
	status, detail, ok := httpx.Status(err)
	if !ok {
		a.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		detail = "internal error"
	}
	httpx.WriteProblem(w, status, detail)
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
