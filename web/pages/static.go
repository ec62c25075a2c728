package pages

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"time"

	"github.com/zootour/zootour/web/httpx"
)

// An asset is an embedded static file, with a URL that names its version
// so that browsers may keep it for good.
type asset struct {
	body []byte
	etag string
	url  string
}

func loadStatic() map[string]asset {
	assets := make(map[string]asset)
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		v := hex.EncodeToString(sum[:6])
		name := path.Base(p)
		assets[name] = asset{body: b, etag: `"` + v + `"`, url: "/static/" + name + "?v=" + v}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return assets
}

// serveStatic answers an embedded file; a request naming the current
// version may be cached for a year, any other is revalidated by ETag.
func (u *ui) serveStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := u.static[r.PathValue("name")]
	if !ok {
		u.page(func(w http.ResponseWriter, r *http.Request) error {
			return &httpx.Error{Status: http.StatusNotFound, Detail: "There is no page at " + r.URL.Path + "."}
		}).ServeHTTP(w, r)
		return
	}
	if "\""+r.URL.Query().Get("v")+"\"" == a.etag {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", a.etag)
	http.ServeContent(w, r, r.PathValue("name"), time.Time{}, bytes.NewReader(a.body))
}
