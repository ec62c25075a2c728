package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// MaxBodyBytes is the largest request body the API reads (413 beyond).
const MaxBodyBytes = 1 << 20

func invalid(format string, args ...any) error {
	return zootour.Errorf(zootour.EINVALID, format, args...)
}

// queryParams reads ?from=, ?to= and, where the listing has it,
// ?distinct= of a relationship listing.
func queryParams(r *http.Request, distinct bool) (zootour.Query, error) {
	var q zootour.Query
	var err error
	if q.From, err = httpx.DateParam(r, "from"); err != nil {
		return q, err
	}
	if q.To, err = httpx.DateParam(r, "to"); err != nil {
		return q, err
	}
	if distinct {
		if q.Distinct, err = httpx.BoolParam(r, "distinct"); err != nil {
			return q, err
		}
	}
	return q, q.Validate()
}

// readJSON decodes the request body, one JSON object of at most
// MaxBodyBytes with no unknown fields, into v.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return &httpx.Error{Status: http.StatusUnsupportedMediaType, Detail: fmt.Sprintf("Content-Type %q is not application/json", ct)}
	}
	body := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var raw json.RawMessage
	if err := body.Decode(&raw); err != nil {
		return bodyError(err)
	}
	// One value only: trailing data means the client and server disagree
	// about what was sent.
	if err := body.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return bodyError(err)
		}
		return invalid("the request body holds more than one JSON value")
	}
	if raw[0] != '{' {
		return invalid("the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err)
	}
	return nil
}

// bodyError says in the API's terms what is wrong with a request body.
func bodyError(err error) error {
	var (
		tooBig *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		domain *zootour.Error
	)
	switch {
	case errors.As(err, &tooBig):
		return &httpx.Error{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("the request body is larger than %d bytes", MaxBodyBytes)}
	case errors.Is(err, io.EOF):
		return invalid("the request body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("the request body is not valid JSON: it ends too soon")
	case errors.As(err, &syntax):
		return invalid("the request body is not valid JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ):
		return invalid("field %q must be %s (got a JSON %s)", typ.Field, describe(typ.Type), typ.Value)
	case errors.As(err, &domain):
		return domain
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalid("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return invalid("the request body is not valid JSON: %v", err)
}

// describe names a field's type for a person.
func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[zootour.Date]():
		return "a date written YYYY-MM-DD"
	case t.Kind() == reflect.Int64:
		return "an integer from 1 to 2^63-1"
	case t.Kind() == reflect.String:
		return "a string"
	}
	return "a " + t.String()
}
