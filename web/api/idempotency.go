package api

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// Idempotency-Key (README, "Serving safely"): a write sent with a key
// stores it, with a fingerprint of the request, beside the batch it logs,
// in its own transaction. A retry with the key and the same request is
// answered from that batch as the first was, and writes nothing; with
// another request it is 422. A write that failed kept no key, so its
// retry runs again.

// maxKeyLen bounds an Idempotency-Key.
const maxKeyLen = 255

// idempotent wraps a write.
func (a *server) idempotent(h apiFunc) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key, ok := r.Header["Idempotency-Key"]
		if !ok {
			return h(w, r)
		}
		if len(key) != 1 || !validKey(key[0]) {
			return invalid("Idempotency-Key must be one value of 1 to 255 printable ASCII characters")
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return invalid("the request's body could not be read")
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		fp := fingerprint(httpx.WhoOf(r.Context()).User.Name, r.Method, r.URL.RequestURI(), body)
		if done, err := a.replay(w, r, key[0], fp); done || err != nil {
			return err
		}
		err = h(w, r.WithContext(zootour.WithIdempotency(r.Context(), key[0], fp)))
		if err != nil {
			// Another request with the key may have committed meanwhile,
			// which is why this one failed: then its answer is this one's.
			if done, rerr := a.replay(w, r, key[0], fp); done || rerr != nil {
				return rerr
			}
		}
		return err
	}
}

func validKey(k string) bool {
	if k == "" || len(k) > maxKeyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// fingerprint identifies a request: who sent it, its method, path and
// query, and its body.
func fingerprint(user, method, uri string, body []byte) string {
	h := sha256.New()
	for _, part := range []string{user, method, uri} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// replay answers r from the write the key was first used for, if the
// store keeps it: done reports whether it answered.
func (a *server) replay(w http.ResponseWriter, r *http.Request, key, fp string) (done bool, err error) {
	k, found, err := a.store.Idempotent(r.Context(), key)
	if err != nil || !found {
		return false, err
	}
	if k.Fingerprint != fp {
		return false, &httpx.Error{Status: http.StatusUnprocessableEntity,
			Detail: "this Idempotency-Key was used for another request in the last 24 hours: use a new key for a new request"}
	}
	entries, err := a.store.Changes(r.Context(), zootour.ChangeFilter{Batch: k.Batch})
	if err != nil || len(entries) == 0 {
		return false, err
	}
	slices.SortFunc(entries, func(x, y zootour.Change) int { return cmp.Compare(x.ID, y.ID) })
	w.Header().Set("Idempotent-Replayed", "true")
	first := entries[0]
	switch {
	case strings.HasSuffix(r.URL.Path, "/revert"):
		return true, writeJSON(w, http.StatusOK, map[string]any{"items": entries})
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
		return true, nil
	case r.Method == http.MethodPost:
		w.Header().Set("Location", strings.TrimSuffix(r.URL.Path, "/")+"/"+strconv.FormatInt(first.RecordID, 10))
		return true, writeJSON(w, http.StatusCreated, json.RawMessage(first.After))
	}
	return true, writeJSON(w, http.StatusOK, json.RawMessage(first.After))
}
