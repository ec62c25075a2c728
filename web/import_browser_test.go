package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

// importData are three data files that import 2 zoos, 1 animal and 3
// visits.
var importData = map[string]string{
	"zoos.csv":    "id,name,location\n10,Artis,Amsterdam\n11,Blijdorp,Rotterdam\n",
	"animals.csv": "id,name,species\n20,Rosa,flamingo\n",
	"visits.csv":  "id,date,zoo_id,animal_id\n30,2024-01-01,10,20\n31,2024-02-01,11,20\n32,2024-03-01,10,20\n",
}

// TestImportBrowser uploads the three files through the import page in
// Chromium, confirms the import and finds the records in the store.
func TestImportBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	s, base := serveSQLite(t)
	b := newBrowser(t, base)
	defer func() { t.Logf("screenshots of the pages: %s", b.shots) }()
	dir := t.TempDir()
	for name, content := range importData {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	b.open("/signin")
	b.do(chromedp.SendKeys(chromedp.ID("f-name"), browserUser), chromedp.SendKeys(chromedp.ID("f-password"), browserPassword))
	b.submit("form.record")
	b.follow(`nav a[href="/import"]`)
	b.contains("#import-limit", "Up to 64 MiB in all.")
	b.shoot("import")
	for _, f := range []string{"zoos", "animals", "visits"} {
		b.do(chromedp.SetUploadFiles(chromedp.ID("f-"+f), []string{filepath.Join(dir, f+".csv")}))
	}
	b.submit("form.import")
	job := b.path()
	if !strings.HasPrefix(job, "/import/") {
		t.Fatalf("the upload leads to %s, not a job's page", job)
	}
	b.until(job, "#import-confirm")
	b.contains("#import-counts", "The files hold 2 zoos, 1 animal, 3 visits.")
	b.contains("#import-confirm button", "Import 2 zoos, 1 animal, 3 visits")
	if c, err := s.Counts(t.Context()); err != nil || c != (zootour.Counts{}) {
		t.Fatalf("after the check the store holds %+v (%v), want nothing", c, err)
	}
	b.shoot("import-checked")

	b.submit("#import-confirm")
	b.until(job, "#import-result")
	b.contains("#import-result", "Imported 2 zoos, 1 animal, 3 visits.")
	b.shoot("import-done")
	if c, err := s.Counts(t.Context()); err != nil || c != (zootour.Counts{Zoos: 2, Animals: 1, Visits: 3}) {
		t.Fatalf("after the import the store holds %+v (%v)", c, err)
	}
	b.follow(`a[href^="/changes?batch="]`)
	b.contains("main", browserUser, "imported")
}

// until waits for the job's page at path to show sel, looking again as
// the page itself would.
func (b *browser) until(path, sel string) {
	b.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); b.eval(`document.querySelector("`+sel+`") ? 1 : 0`) != 1; {
		if time.Now().After(deadline) {
			b.t.Fatalf("%s never shows %s:\n%s", path, sel, b.text("main"))
		}
		time.Sleep(200 * time.Millisecond)
		b.open(path)
	}
}

// TestImportServer: an upload larger than a body of the API passes the
// whole server to the import page, which streams it, and one over the
// bound of an upload is refused with a page that names it.
func TestImportServer(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // the uploads' folder, which only Serve removes
	s := webtest.MemoryStore(t)
	tok := webtest.User(t, s, "ann", zootour.Editor)
	e := newEnv(t, s, Config{MaxUpload: 3 << 20})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path, ctype string, body io.Reader) (int, string, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, e.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok) // no form token needed
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("Location"), string(b)
	}
	// visits.csv padded with empty lines, which import skips.
	form := func(pad int) (string, io.Reader) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for _, name := range []string{"zoos", "animals", "visits"} {
			w, err := mw.CreateFormFile(name, name+".csv")
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, importData[name+".csv"])
			if name == "visits" {
				w.Write(bytes.Repeat([]byte("\n"), pad))
			}
		}
		mw.Close()
		return mw.FormDataContentType(), &b
	}

	ctype, body := form(4 << 20)
	status, _, page := do("POST", "/import", ctype, body)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(page, "The upload is larger than 3 MiB") {
		t.Fatalf("an upload of 4 MiB over a bound of 3: %d\n%s", status, page)
	}

	ctype, body = form(2 << 20)
	status, job, page := do("POST", "/import", ctype, body)
	if status != http.StatusSeeOther || !strings.HasPrefix(job, "/import/") {
		t.Fatalf("an upload of 2 MiB: %d to %q\n%s", status, job, page)
	}
	settle := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			status, _, page := do("GET", job, "", nil)
			if status != http.StatusOK {
				t.Fatalf("GET %s: %d\n%s", job, status, page)
			}
			if strings.Contains(page, want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s never shows %q:\n%s", job, want, page)
			}
		}
	}
	settle("Import 2 zoos, 1 animal, 3 visits")
	if status, _, page := do("POST", job, "application/x-www-form-urlencoded", strings.NewReader("")); status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", status, page)
	}
	settle("Imported 2 zoos, 1 animal, 3 visits.")
	if c := webtest.Snap(t, s).Counts; c != (zootour.Counts{Zoos: 2, Animals: 1, Visits: 3}) {
		t.Fatalf("after the import the store holds %+v", c)
	}
}
