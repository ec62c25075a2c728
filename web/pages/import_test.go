package pages

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/csvio"
	"github.com/zootour/zootour/sheet"
	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/internal/webtest"
)

// importEnv serves the pages over s, an upload bounded by max (the
// default if 0), with the uploads in a temporary folder of the test's,
// which it returns with the pages' imports.
func importEnv(t *testing.T, s zootour.Store, max int64) (*webtest.Env, *imports, string) {
	t.Helper()
	return importEnvLog(t, s, max, webtest.Logger(t))
}

// importEnvLog is importEnv with the pages' log sent to log.
func importEnvLog(t *testing.T, s zootour.Store, max int64, log *slog.Logger) (*webtest.Env, *imports, string) {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where os.MkdirTemp puts the pages' private folder
	mux := http.NewServeMux()
	im := Register(mux, s, httpx.Options{Auth: httpx.NewAuth(accounts.New(s), false), Logger: log, MaxUpload: max}).(*imports)
	e := webtest.NewEnv(t, s, mux)
	t.Cleanup(func() {
		if err := im.Close(); err != nil {
			t.Error(err)
		}
	})
	return e, im, tmp
}

// filesIn counts the files under dir.
func filesIn(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A part is a file of an upload: the form's field, the file's name and
// its content.
type part struct{ field, name, content string }

// csvParts are the three CSV files of data.
func csvParts(data map[string]string) []part {
	var ps []part
	for _, f := range []string{"zoos", "animals", "visits"} {
		if c, ok := data[f]; ok {
			ps = append(ps, part{f, f + ".csv", c})
		}
	}
	return ps
}

// multipartBody is an import form: the token (unless csrf is "-") and
// then the parts, or the parts first if late.
func multipartBody(t *testing.T, csrf string, late bool, parts ...part) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	token := func() {
		if csrf != "-" {
			if err := mw.WriteField("csrf", csrf); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !late {
		token()
	}
	for _, p := range parts {
		w, err := mw.CreateFormFile(p.field, p.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.content)
	}
	if late {
		token()
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// postBody posts body as the import form, of length size if it is known.
func (c *pageClient) postBody(ctype string, body io.Reader, size ...int64) page {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), "POST", c.base+"/import", body)
	if err != nil {
		c.t.Fatal(err)
	}
	if len(size) > 0 {
		req.ContentLength = size[0]
	}
	req.Header.Set("Content-Type", ctype)
	return c.send(req)
}

// upload sends the parts through the import form, as a browser would
// after showing it.
func (c *pageClient) upload(parts ...part) page {
	c.t.Helper()
	ctype, body := multipartBody(c.t, token(c.t, c.must("/import", http.StatusOK)), false, parts...)
	return c.postBody(ctype, bytes.NewReader(body))
}

var jobPath = regexp.MustCompile(`^/import/[A-Z2-7]{26}$`)

// uploaded uploads the parts and returns the job's page once its check
// is done.
func (c *pageClient) uploaded(parts ...part) (string, page) {
	c.t.Helper()
	p := c.upload(parts...)
	checkPage(c.t, "POST /import", p, http.StatusSeeOther)
	at := p.location()
	if !jobPath.MatchString(at) {
		c.t.Fatalf("the upload leads to %q, not a job's page", at)
	}
	return at, c.settled(at)
}

// settled returns the page of the job at path once it no longer runs.
func (c *pageClient) settled(path string) page {
	c.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		p := c.must(path, http.StatusOK)
		if !strings.Contains(p.body, `http-equiv="refresh"`) {
			return p
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s still runs:\n%s", path, p.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var goodData = map[string]string{
	"zoos":    "id,name,location\n10,Artis,Amsterdam\n11,Blijdorp,Rotterdam\n",
	"animals": "id,name,species\n20,Rosa,flamingo\n",
	"visits":  "id,date,zoo_id,animal_id\n30,2024-01-01,10,20\n31,2024-02-01,11,20\n32,2024-03-01,10,20\n",
}

// zipOf is a zip holding the three CSV files of data, in a folder.
func zipOf(t *testing.T, data map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range []string{"zoos", "animals", "visits"} {
		w, err := zw.Create("export/" + f + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, data[f])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// workbookOf is a workbook of the records of goodData.
func workbookOf(t *testing.T) string {
	t.Helper()
	wb := sheet.NewWorkbook()
	defer wb.Close()
	id, text, date := sheet.IntCell, sheet.TextCell, func(s string) sheet.Cell { return sheet.DateCell(zootour.MustDate(s)) }
	sheets := []struct {
		name   string
		header []string
		rows   [][]sheet.Cell
	}{
		{"zoos", []string{"id", "name", "location"}, [][]sheet.Cell{{id(10), text("Artis"), text("Amsterdam")}, {id(11), text("Blijdorp"), text("Rotterdam")}}},
		{"animals", []string{"id", "name", "species"}, [][]sheet.Cell{{id(20), text("Rosa"), text("flamingo")}}},
		{"visits", []string{"id", "date", "zoo_id", "animal_id"}, [][]sheet.Cell{
			{id(30), date("2024-01-01"), id(10), id(20)}, {id(31), date("2024-02-01"), id(11), id(20)}, {id(32), date("2024-03-01"), id(10), id(20)}}},
	}
	for _, s := range sheets {
		sw, err := wb.Sheet(s.name)
		if err != nil {
			t.Fatal(err)
		}
		if err := sw.Header(s.header); err != nil {
			t.Fatal(err)
		}
		for _, r := range s.rows {
			if err := sw.Row(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if _, err := wb.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestImport uploads the same records as three CSV files, as a zip and as
// a workbook: each is checked, changing nothing, and imported on
// confirmation as one entry of the change log, its files then removed.
func TestImport(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		for _, tc := range []struct {
			name  string
			parts func(t *testing.T) []part
		}{
			{"csv", func(*testing.T) []part { return csvParts(goodData) }},
			{"zip", func(t *testing.T) []part { return []part{{"file", "tour.zip", zipOf(t, goodData)}} }},
			{"xlsx", func(t *testing.T) []part { return []part{{"file", "tour.xlsx", workbookOf(t)}} }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e, _, tmp := importEnv(t, open(t), 0)
				c := member(t, e, zootour.Editor)
				has(t, "GET /import", c.must("/import", http.StatusOK), `enctype="multipart/form-data"`, "Up to 64 MiB in all.", `<a href="/import" aria-current="page">Import</a>`)
				logged := len(webtest.Log(t, e.Store))

				at, p := c.uploaded(tc.parts(t)...)
				has(t, at, p, "Ready to import", "The files hold 2 zoos, 1 animal, 3 visits.",
					"Import 2 zoos, 1 animal, 3 visits", `action="`+at+`"`)
				if got := webtest.Snap(t, e.Store).Counts; got != (zootour.Counts{}) {
					t.Fatalf("the check changed the store: %+v", got)
				}
				if got := len(webtest.Log(t, e.Store)); got != logged {
					t.Fatalf("the check logged %d entries", got-logged)
				}
				has(t, "GET /import", c.must("/import", http.StatusOK), `href="`+at+`"`, "Checked: ready to import")

				res := c.post(at, url.Values{"csrf": {token(t, p)}})
				checkPage(t, "POST "+at, res, http.StatusSeeOther)
				done := c.settled(at)
				has(t, at, done, "Imported 2 zoos, 1 animal, 3 visits.")
				if got, want := webtest.Snap(t, e.Store).Counts, (zootour.Counts{Zoos: 2, Animals: 1, Visits: 3}); got != want {
					t.Fatalf("after the import the store holds %+v, want %+v", got, want)
				}
				log := webtest.Log(t, e.Store)
				if got, want := len(log), logged+1; got != want {
					t.Fatalf("the import logged %d entries, want 1", got-logged)
				}
				if got := log[0]; got.Action != zootour.Import || got.Actor != "editor" {
					t.Fatalf("the import's entry is %+v", got)
				}
				has(t, at, done, fmt.Sprintf(`href="/changes?batch=%d"`, log[0].Batch))
				if n := filesIn(t, tmp); n != 0 {
					t.Fatalf("%d files are left after the import", n)
				}
				// The form posted again only shows the result: nothing more.
				if res := c.post(at, url.Values{"csrf": {token(t, p)}}); res.status != http.StatusSeeOther || res.location() != at {
					t.Fatalf("the confirmation again: %d to %q", res.status, res.location())
				}
				if got := len(webtest.Log(t, e.Store)); got != logged+1 {
					t.Fatalf("the confirmation again logged %d entries", got-logged-1)
				}
			})
		}
	})
}

// TestImportFaults: faults are shown with their file, line and reason,
// the first 100 of them, and nothing can be imported; the store is
// unchanged and the files are removed at once.
func TestImportFaults(t *testing.T) {
	s := webtest.MemoryStore(t)
	webtest.Seed(t, s)
	e, _, tmp := importEnv(t, s, 0)
	c := member(t, e, zootour.Editor)
	before, logged := webtest.Snap(t, s), len(webtest.Log(t, s))

	many := "id,date,zoo_id,animal_id\n"
	for i := range 150 {
		many += fmt.Sprintf("%d,2024-13-01,1,1\n", 100+i)
	}
	for _, tc := range []struct {
		name  string
		parts []part
		want  []string
		rows  int
	}{
		{"rows", csvParts(map[string]string{
			"animals": "id,name,species\n20,Rosa,\n21,Bram,bear\n",
			"visits":  "id,date,zoo_id,animal_id\n30,2024-01-01,1,21\n31,2024-02-30,1,21\n",
		}), []string{"Checked: 2 faults", "Besides the rows with faults, the files hold 0 zoos, 1 animal, 1 visit.", "<td>animals.csv</td><td class=\"num\">2</td>", "<td>visits.csv</td><td class=\"num\">3</td>", "2024-02-30"}, 2},
		{"store", csvParts(map[string]string{"zoos": "id,name,location\n1,Artis,Amsterdam\n"}),
			[]string{"Checked: 1 fault", "<td>zoos.csv</td><td class=\"num\">2</td>"}, 1},
		{"many", csvParts(map[string]string{"visits": many}), []string{"Checked: more than 100 faults", "The first 100 faults: there are more"}, 100},
		{"workbook", []part{{"file", "../my tour?.xlsx", "not a workbook"}}, []string{"Nothing was imported", "my tour_.xlsx is not a zip file"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at, p := c.uploaded(tc.parts...)
			has(t, at, p, tc.want...)
			hasNot(t, at, p, `id="import-confirm"`, tmp)
			if got := strings.Count(p.body, "<tr><td>"); got != tc.rows {
				t.Errorf("%d faults shown, want %d", got, tc.rows)
			}
			if res := c.post(at, url.Values{"csrf": {token(t, p)}}); res.status != http.StatusConflict {
				t.Errorf("confirming a faulty upload: %d, want 409", res.status)
			}
			if !webtest.Snap(t, s).Equal(before) || len(webtest.Log(t, s)) != logged {
				t.Fatal("a faulty upload changed the store")
			}
			if n := filesIn(t, tmp); n != 0 {
				t.Fatalf("%d files are kept of a faulty upload", n)
			}
		})
	}
}

// TestImportRefusals: who may not upload or see an upload, and uploads
// that are refused whole, keeping nothing.
func TestImportRefusals(t *testing.T) {
	s := webtest.MemoryStore(t)
	e, _, tmp := importEnv(t, s, 0)
	ann := member(t, e, zootour.Editor)
	at, p := ann.uploaded(csvParts(goodData)...)
	kept := filesIn(t, tmp)

	// Signed out: to sign in. A viewer: 403, nothing read.
	anon := newPageClient(t, e.URL)
	if p := anon.get("/import"); p.status != http.StatusSeeOther || p.location() != "/signin?next=%2Fimport" {
		t.Fatalf("signed out, GET /import: %d to %q", p.status, p.location())
	}
	viewer := member(t, e, zootour.Viewer)
	viewer.must("/import", http.StatusForbidden)
	viewer.must(at, http.StatusForbidden)
	ctype, body := multipartBody(t, token(t, viewer.must("/", http.StatusOK)), false, csvParts(goodData)...)
	checkPage(t, "a viewer's upload", viewer.postBody(ctype, bytes.NewReader(body)), http.StatusForbidden)

	// Another editor's: not found, whatever is asked.
	bob := signedIn(t, e, "bob", zootour.Editor)
	bob.must(at, http.StatusNotFound)
	bobToken := token(t, bob.must("/import", http.StatusOK))
	checkPage(t, "bob confirms ann's", bob.post(at, url.Values{"csrf": {bobToken}}), http.StatusNotFound)
	checkPage(t, "bob discards ann's", bob.post(at+"/discard", url.Values{"csrf": {bobToken}}), http.StatusNotFound)
	hasNot(t, "bob's /import", bob.must("/import", http.StatusOK), at)
	ann.must(at, http.StatusOK)
	ann.must("/import/NOSUCHJOB", http.StatusNotFound)

	// A wrong token, none, or one after the files: 403.
	for _, tc := range []struct {
		name, csrf string
		late       bool
	}{{"wrong", "not-the-token", false}, {"none", "-", false}, {"late", token(t, p), true}} {
		ctype, body := multipartBody(t, tc.csrf, tc.late, csvParts(goodData)...)
		res := ann.postBody(ctype, bytes.NewReader(body))
		checkPage(t, tc.name+" token", res, http.StatusForbidden)
		has(t, tc.name+" token", res, "This form has expired or did not come from this site.")
	}
	if n := filesIn(t, tmp); n != kept {
		t.Fatalf("refused uploads left %d files", n-kept)
	}
	// A bearer token needs no form token.
	bearer, _ := bearerClient(t, e, "cat", zootour.Editor)
	ctype, body = multipartBody(t, "-", false, csvParts(goodData)...)
	if res := bearer.postBody(ctype, bytes.NewReader(body)); res.status != http.StatusSeeOther {
		t.Fatalf("an upload with a bearer token: %d\n%s", res.status, res.body)
	}
	kept = filesIn(t, tmp)

	// Not a multipart form, no file, or both kinds of file: 400, the
	// form again with the reason.
	checkPage(t, "a plain form", ann.post("/import", url.Values{"csrf": {token(t, p)}}), http.StatusBadRequest)
	for _, tc := range []struct {
		name  string
		parts []part
		want  string
	}{
		{"no file", []part{{"zoos", "", ""}}, "Choose the files to import"},
		{"both", append(csvParts(goodData), part{"file", "a.zip", zipOf(t, goodData)}), "not both"},
		{"twice", []part{{"zoos", "a.csv", goodData["zoos"]}, {"zoos", "b.csv", goodData["zoos"]}}, "holds zoos.csv twice"},
	} {
		res := ann.upload(tc.parts...)
		checkPage(t, tc.name, res, http.StatusBadRequest)
		has(t, tc.name, res, tc.want, `enctype="multipart/form-data"`)
	}
	if n := filesIn(t, tmp); n != kept {
		t.Fatalf("refused uploads left %d files", n-kept)
	}
	if got := webtest.Snap(t, s).Counts; got != (zootour.Counts{}) {
		t.Fatalf("refused uploads changed the store: %+v", got)
	}
}

// repeat reads n bytes of b, again and again, holding none of them.
type repeat struct {
	b byte
	n int64
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	for i := range p {
		p[i] = r.b
	}
	r.n -= int64(len(p))
	return len(p), nil
}

// largeBody is an import form whose visits.csv holds n bytes more than a
// header, and its length.
func largeBody(t *testing.T, csrf string, n int64) (string, io.Reader, int64) {
	t.Helper()
	ctype, head := multipartBody(t, csrf, false)
	boundary := strings.TrimPrefix(ctype, "multipart/form-data; boundary=")
	head = bytes.TrimSuffix(head, []byte("--"+boundary+"--\r\n"))
	head = fmt.Appendf(head, "--%s\r\nContent-Disposition: form-data; name=\"visits\"; filename=\"visits.csv\"\r\n\r\nid,date,zoo_id,animal_id\n", boundary)
	tail := fmt.Sprintf("\r\n--%s--\r\n", boundary)
	return ctype, io.MultiReader(bytes.NewReader(head), &repeat{'\n', n}, strings.NewReader(tail)), int64(len(head)) + n + int64(len(tail))
}

// TestImportTooLarge: an upload over the bound, said so or found so as it
// streams, is answered 413 naming the bound, and leaves nothing.
func TestImportTooLarge(t *testing.T) {
	t.Run("100MB", func(t *testing.T) {
		s := webtest.MemoryStore(t)
		e, _, tmp := importEnv(t, s, 0)
		c := member(t, e, zootour.Editor)
		ctype, body, size := largeBody(t, token(t, c.must("/import", http.StatusOK)), 100e6)
		res := c.postBody(ctype, body, size) // with its length, as browsers send
		checkPage(t, "a 100 MB upload", res, http.StatusRequestEntityTooLarge)
		has(t, "a 100 MB upload", res, "The upload is larger than 64 MiB", "nothing of it was kept", `enctype="multipart/form-data"`)
		if n := filesIn(t, tmp); n != 0 {
			t.Fatalf("%d files kept", n)
		}
		if got := webtest.Snap(t, s).Counts; got != (zootour.Counts{}) {
			t.Fatalf("the store changed: %+v", got)
		}
	})
	t.Run("streamed", func(t *testing.T) {
		s := webtest.MemoryStore(t)
		e, im, tmp := importEnv(t, s, 64<<10)
		c := member(t, e, zootour.Editor)
		has(t, "GET /import", c.must("/import", http.StatusOK), "Up to 64 KiB in all.")
		ctype, body, _ := largeBody(t, token(t, c.must("/import", http.StatusOK)), 1<<20)
		res := c.postBody(ctype, body) // no length: the bound is found on the way
		checkPage(t, "a streamed upload", res, http.StatusRequestEntityTooLarge)
		has(t, "a streamed upload", res, "The upload is larger than 64 KiB")
		if n := filesIn(t, tmp); n != 0 {
			t.Fatalf("%d files kept", n)
		}
		im.mu.Lock()
		jobs := len(im.jobs)
		im.mu.Unlock()
		if jobs != 0 {
			t.Fatalf("%d jobs kept", jobs)
		}
	})
}

// TestImportJobs: uploads waiting are bounded per user, can be discarded,
// expire, and go when the pages close.
func TestImportJobs(t *testing.T) {
	s := webtest.MemoryStore(t)
	e, im, tmp := importEnv(t, s, 0)
	c := member(t, e, zootour.Editor)
	var jobs []string
	for range importsPerUser {
		at, _ := c.uploaded(csvParts(goodData)...)
		jobs = append(jobs, at)
	}
	res := c.upload(csvParts(goodData)...)
	checkPage(t, "one upload too many", res, http.StatusTooManyRequests)
	has(t, "one upload too many", res, fmt.Sprintf("You have %d uploads waiting", importsPerUser))
	if n := filesIn(t, tmp); n != 3*importsPerUser {
		t.Fatalf("%d files kept, want %d", n, 3*importsPerUser)
	}

	// Discarded, one makes room.
	p := c.must(jobs[0], http.StatusOK)
	checkPage(t, "discard", c.post(jobs[0]+"/discard", url.Values{"csrf": {token(t, p)}}), http.StatusSeeOther)
	c.must(jobs[0], http.StatusNotFound)
	at, _ := c.uploaded(csvParts(goodData)...)

	// Expired, a job goes with its files.
	im.mu.Lock()
	im.life = time.Millisecond
	j := im.jobs[strings.TrimPrefix(at, "/import/")]
	j.timer.Reset(im.life)
	im.mu.Unlock()
	for deadline := time.Now().Add(5 * time.Second); c.get(at).status != http.StatusNotFound; {
		if time.Now().After(deadline) {
			t.Fatal("the job did not expire")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := filesIn(t, tmp); n != 3*(importsPerUser-1) {
		t.Fatalf("%d files kept, want %d", n, 3*(importsPerUser-1))
	}

	// Closed, the pages remove every upload and take no more.
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	if n := filesIn(t, tmp); n != 0 {
		t.Fatalf("%d files kept after Close", n)
	}
	c.must(jobs[1], http.StatusNotFound)
	checkPage(t, "an upload after Close", c.upload(csvParts(goodData)...), http.StatusServiceUnavailable)
}

// gateStore holds every import, a check's dry run included, until release
// is closed.
type gateStore struct {
	zootour.Store
	release chan struct{}
}

func (g gateStore) Import(ctx context.Context, src zootour.Source) error {
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.Store.Import(ctx, src)
}

// TestImportProgress: while a check runs its page says how far it is and
// looks again by itself; a second upload waits for the first, and can be
// discarded meanwhile.
func TestImportProgress(t *testing.T) {
	g := gateStore{webtest.MemoryStore(t), make(chan struct{})}
	e, _, tmp := importEnv(t, g, 0)
	c := member(t, e, zootour.Editor)

	first := c.upload(csvParts(goodData)...)
	checkPage(t, "the first upload", first, http.StatusSeeOther)
	p := c.must(first.location(), http.StatusOK)
	has(t, "a running check", p, `<meta http-equiv="refresh" content="2">`, "<h1>Checking the upload</h1>", "Checking: 3 visits read so far.", `<progress aria-label="Checking">`)
	hasNot(t, "a running check", p, `id="import-confirm"`)

	second := c.upload(csvParts(goodData)...)
	checkPage(t, "the second upload", second, http.StatusSeeOther)
	p = c.must(second.location(), http.StatusOK)
	has(t, "a waiting check", p, `<meta http-equiv="refresh"`, "Waiting for another import to finish first.")
	checkPage(t, "discard", c.post(second.location()+"/discard", url.Values{"csrf": {token(t, p)}}), http.StatusSeeOther)
	c.must(second.location(), http.StatusNotFound)
	if n := filesIn(t, tmp); n != 3 {
		t.Fatalf("%d files kept, want the first upload's 3", n)
	}

	close(g.release)
	has(t, "the first check", c.settled(first.location()), "Ready to import")
	hasNot(t, "/import", c.must("/import", http.StatusOK), "Checking", `<meta http-equiv="refresh"`)
}

// panicStore panics in every import that is a dry run (a check's) if dry,
// or in every other one.
type panicStore struct {
	zootour.Store
	dry bool
}

func (p panicStore) Import(ctx context.Context, src zootour.Source) error {
	if src.DryRun == p.dry {
		panic("the store broke")
	}
	return p.Store.Import(ctx, src)
}

// TestImportPanic: a check or an import that panics fails its job, with
// the panic and its stack in the log, its files removed, and the server
// serving on.
func TestImportPanic(t *testing.T) {
	for _, tc := range []struct {
		name string
		dry  bool
	}{{"check", true}, {"import", false}} {
		t.Run(tc.name, func(t *testing.T) {
			var log webtest.LockedBuffer
			s := webtest.MemoryStore(t)
			e, _, tmp := importEnvLog(t, panicStore{s, tc.dry}, 0, slog.New(slog.NewTextHandler(&log, nil)))
			c := member(t, e, zootour.Editor)
			want := "The " + tc.name + " failed: an internal error. Nothing was imported."
			// Twice: the first leaves no other job waiting.
			for range 2 {
				at, p := c.uploaded(csvParts(goodData)...)
				if !tc.dry {
					has(t, at, p, "Ready to import")
					checkPage(t, "POST "+at, c.post(at, url.Values{"csrf": {token(t, p)}}), http.StatusSeeOther)
					p = c.settled(at)
				}
				has(t, at, p, "<h1>Nothing was imported</h1>", want)
				hasNot(t, at, p, "the store broke", tmp)
				if n := filesIn(t, tmp); n != 0 {
					t.Fatalf("%d files kept after a panic", n)
				}
			}
			if got := log.String(); !strings.Contains(got, "import "+tc.name+" panicked") || !strings.Contains(got, "the store broke") || !strings.Contains(got, "import_test.go") {
				t.Fatalf("the log lacks the panic and its stack:\n%s", got)
			}
			if got := webtest.Snap(t, s).Counts; got != (zootour.Counts{}) {
				t.Fatalf("the store changed: %+v", got)
			}
			c.must("/import", http.StatusOK)
		})
	}
}

// failStore fails every import with what fail makes of the folder of the
// one upload in the pages' private folder (under TMPDIR, as importEnv
// sets it).
type failStore struct {
	zootour.Store
	fail func(root string) error
}

func (f failStore) Import(ctx context.Context, src zootour.Source) error {
	roots, _ := filepath.Glob(filepath.Join(os.TempDir(), "zootour-import-*", "*"))
	if len(roots) != 1 {
		return fmt.Errorf("%d uploads, not one", len(roots))
	}
	return f.fail(roots[0])
}

// TestImportFailure: a failure names no path of the server's, and one
// without a domain code, wrapped as a file's or not, is logged and shown
// only as an internal error.
func TestImportFailure(t *testing.T) {
	const internal = "Something went wrong on the server (an internal error). It has been logged."
	for _, tc := range []struct {
		name   string
		parts  []part
		fail   func(root string) error
		want   string
		logged string // "": nothing
	}{
		{"file system", csvParts(goodData), func(root string) error {
			return &csvio.Error{File: csvio.ZoosFile, Err: &fs.PathError{Op: "open", Path: filepath.Join(root, csvio.ZoosFile), Err: syscall.EMFILE}}
		}, internal, "too many open files"},
		{"internal in a file's", csvParts(goodData), func(string) error {
			return &csvio.Error{File: csvio.VisitsFile, Line: 3, Err: errors.New("database disk image is malformed")}
		}, internal, "malformed"},
		{"internal", csvParts(goodData), func(root string) error {
			return fmt.Errorf("read %s: %w", root, &zootour.Error{Code: zootour.EINTERNAL, Message: "input/output error"})
		}, internal, "input/output error"},
		{"domain in a file's", csvParts(goodData), func(root string) error {
			return &csvio.Error{File: csvio.ZoosFile, Err: zootour.Errorf(zootour.EUNAVAILABLE, "%s cannot be read for now", filepath.Join(root, csvio.ZoosFile))}
		}, "zoos.csv: zoos.csv cannot be read for now.", ""},
		{"domain naming the upload", csvParts(goodData), func(root string) error {
			return zootour.Errorf(zootour.EUNAVAILABLE, "%s cannot be read for now", root)
		}, "the upload cannot be read for now.", ""},
		{"domain naming the one file", []part{{"file", "tour.zip", zipOf(t, goodData)}}, func(root string) error {
			return zootour.Errorf(zootour.EUNAVAILABLE, "%s cannot be read for now", filepath.Join(root, "one", "tour.zip"))
		}, "tour.zip cannot be read for now.", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log webtest.LockedBuffer
			e, _, tmp := importEnvLog(t, failStore{webtest.MemoryStore(t), tc.fail}, 0, slog.New(slog.NewTextHandler(&log, nil)))
			c := member(t, e, zootour.Editor)
			at, p := c.uploaded(tc.parts...)
			has(t, at, p, "<h1>Nothing was imported</h1>", tc.want)
			hasNot(t, at, p, tmp, strings.TrimPrefix(at, "/import/"), "uploads, not one")
			if tc.logged != "" {
				hasNot(t, at, p, tc.logged)
			}
			switch got := log.String(); {
			case tc.logged == "" && strings.Contains(got, "level=ERROR"):
				t.Fatalf("a failure of the upload's was logged:\n%s", got)
			case !strings.Contains(got, tc.logged):
				t.Fatalf("the log lacks %q:\n%s", tc.logged, got)
			}
		})
	}
}

// TestImportUserAgain: a user deleted and made again under the same name
// is a new user, who neither sees nor imports the old one's uploads.
func TestImportUserAgain(t *testing.T) {
	s := webtest.MemoryStore(t)
	e, im, _ := importEnv(t, s, 0)
	old := signedIn(t, e, "ann", zootour.Editor)
	at, _ := old.uploaded(csvParts(goodData)...)
	if err := s.DeleteUser(t.Context(), "ann"); err != nil {
		t.Fatal(err)
	}
	ann := signedIn(t, e, "ann", zootour.Editor)
	ann.must(at, http.StatusNotFound)
	hasNot(t, "the new ann's /import", ann.must("/import", http.StatusOK), at)
	annToken := token(t, ann.must("/import", http.StatusOK))
	checkPage(t, "the new ann confirms", ann.post(at, url.Values{"csrf": {annToken}}), http.StatusNotFound)
	checkPage(t, "the new ann discards", ann.post(at+"/discard", url.Values{"csrf": {annToken}}), http.StatusNotFound)
	if got := webtest.Snap(t, s).Counts; got != (zootour.Counts{}) {
		t.Fatalf("the store changed: %+v", got)
	}
	im.mu.Lock()
	_, kept := im.jobs[strings.TrimPrefix(at, "/import/")]
	im.mu.Unlock()
	if !kept {
		t.Fatal("the old upload was discarded")
	}
}

// racingStore, after each import, imports again as the same actor, as
// another server on the same database might at that moment.
type racingStore struct{ zootour.Store }

func (r racingStore) Import(ctx context.Context, src zootour.Source) error {
	if err := r.Store.Import(ctx, src); err != nil || src.DryRun {
		return err
	}
	other := zootour.WithActor(context.Background(), zootour.ActorOf(ctx))
	return r.Store.Import(other, zootour.Source{Zoos: webtest.SeqOf(zootour.Zoo{ID: 99, Name: "Ouwehands", Location: "Rhenen"})})
}

// TestImportChangeLink: an import links to its own entry of the change
// log, not to a later import by the same user.
func TestImportChangeLink(t *testing.T) {
	s := webtest.MemoryStore(t)
	e, _, _ := importEnv(t, racingStore{s}, 0)
	c := member(t, e, zootour.Editor)
	at, p := c.uploaded(csvParts(goodData)...)
	checkPage(t, "POST "+at, c.post(at, url.Values{"csrf": {token(t, p)}}), http.StatusSeeOther)
	done := c.settled(at)
	var log []zootour.Change
	for _, c := range webtest.Log(t, s) {
		if c.Action == zootour.Import {
			log = append(log, c)
		}
	}
	if len(log) != 2 {
		t.Fatalf("the log holds %d imports, want 2", len(log))
	}
	has(t, at, done, "Imported 2 zoos, 1 animal, 3 visits.", fmt.Sprintf(`href="/changes?batch=%d"`, log[1].Batch))
	hasNot(t, at, done, fmt.Sprintf(`href="/changes?batch=%d"`, log[0].Batch))
}
