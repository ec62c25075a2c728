package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/zootour/zootour"
)

// TestStatus checks the one mapping of errors to statuses that the API's
// problems and the pages' error pages both answer with.
func TestStatus(t *testing.T) {
	for _, tt := range []struct {
		err    error
		status int
		detail string
		ok     bool
	}{
		{&Error{Status: http.StatusTeapot, Detail: "short and stout"}, http.StatusTeapot, "short and stout", true},
		{zootour.Errorf(zootour.EINVALID, "bad"), http.StatusBadRequest, "bad", true},
		{fmt.Errorf("read: %w", zootour.Errorf(zootour.ENOTFOUND, "gone")), http.StatusNotFound, "read: gone", true},
		{zootour.Errorf(zootour.ECONFLICT, "taken"), http.StatusConflict, "taken", true},
		{zootour.Errorf(zootour.EINTERNAL, "bug"), http.StatusInternalServerError, "bug", false},
		{errors.New("disk on fire"), http.StatusInternalServerError, "disk on fire", false},
	} {
		status, detail, ok := Status(tt.err)
		if status != tt.status || detail != tt.detail || ok != tt.ok {
			t.Errorf("Status(%v) = %d %q %t, want %d %q %t", tt.err, status, detail, ok, tt.status, tt.detail, tt.ok)
		}
	}
}
