package api

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/internal/webtest"
)

// newEnv serves the API over s to an editor, who may read and write.
func newEnv(t *testing.T, s zootour.Store) *webtest.Env {
	t.Helper()
	return serve(t, s, false).As(webtest.User(t, s, "editor", zootour.Editor))
}

// serve serves the API over s to no one in particular: anonymous
// requests read only if publicRead.
func serve(t *testing.T, s zootour.Store, publicRead bool) *webtest.Env {
	t.Helper()
	auth := httpx.NewAuth(accounts.New(s), publicRead)
	return webtest.NewEnv(t, s, New(s, httpx.Options{Auth: auth, Logger: webtest.Logger(t)}))
}

// A problem is an RFC 9457 problem details object, as the API answers.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// jsonString marshals v as the server would.
func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// brokenStore fails every listing of visits with an internal error.
type brokenStore struct{ zootour.Store }

func (brokenStore) FindVisits(context.Context, zootour.VisitFilter) ([]zootour.Visit, error) {
	return nil, errors.New("disk on fire")
}
