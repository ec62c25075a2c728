package pages

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/csvio"
	"github.com/zootour/zootour/web/httpx"
)

// The import page (README, "Data files"): an editor uploads
// the three data files, a zip of them or a workbook. The upload streams to
// a private folder, a check runs in the background and shows the counts
// and the faults, and only a confirmation imports, all or nothing, as one
// entry of the change log. An upload is its uploader's alone, few are
// kept at once, and each expires.

const (
	importFaults   = 100              // faults a check shows
	importLife     = time.Hour        // how long a job is kept after its last step
	importsPerUser = 4                // jobs holding files, per user
	importsMax     = 16               // and in all
	importsKept    = 64               // jobs remembered, finished ones too
	uploadWithin   = 10 * time.Minute // for a slow link to send a large upload
	drainMax       = 1 << 30          // read of a refused upload, for the browser to see why
	importRefresh  = 2                // seconds between two looks at a running job
	quickWait      = time.Second      // a small job is done before its page is shown
)

// The states of an import job.
const (
	jobUploading = "uploading"
	jobChecking  = "checking"
	jobChecked   = "checked"
	jobImporting = "importing"
	jobImported  = "imported"
	jobFailed    = "failed"
)

// uploadFiles maps the form's file fields to the names they are kept
// under. The one file of a zip or a workbook ("file") keeps a safe form of
// the client's name, which its faults then name, in a folder of its own;
// csvio.Open tells which it is from its content.
var uploadFiles = map[string]string{
	"zoos":    csvio.ZoosFile,
	"animals": csvio.AnimalsFile,
	"visits":  csvio.VisitsFile,
	"file":    "one",
}

// imports holds the pages' import jobs.
type imports struct {
	transfer zootour.Transfer // nil: the store cannot import
	changes  zootour.ChangeLog
	max      int64
	life     time.Duration
	log      *slog.Logger
	run      chan struct{} // one check or import at a time: each holds the store's writer

	mu     sync.Mutex
	dir    string // the private folder of the uploads, made on the first
	jobs   map[string]*importJob
	closed bool
	wg     sync.WaitGroup // the jobs' goroutines
}

func newImports(s httpx.ReadWriter, opts httpx.Options) *imports {
	im := &imports{changes: s, max: opts.MaxUpload, life: importLife, log: opts.Logger,
		run: make(chan struct{}, 1), jobs: make(map[string]*importJob)}
	im.transfer, _ = s.(zootour.Transfer)
	return im
}

// importJob is one upload, from its check to its import.
type importJob struct {
	id     string
	owner  int64     // the uploader's user ID: a name may be a new user's later
	user   string    // and name, for the log
	root   string    // its folder, where the upload is kept
	at     time.Time // when it was uploaded
	ctx    context.Context
	cancel context.CancelFunc
	visits atomic.Int64 // read so far by the running step

	// Written by the upload's handler before it leaves jobUploading.
	path  string   // what csvio.Open reads: the job's folder, or the one file in it
	files []string // what was uploaded, as the page names it

	// Guarded by imports.mu.
	dir       string // the job's folder, "" once removed
	state     string
	waiting   bool          // for another job to finish
	done      chan struct{} // closed when the running step ends
	report    csvio.Report
	imported  zootour.Counts
	failure   string // why the check or the import failed
	changeURL string
	expires   time.Time
	timer     *time.Timer
}

func (j *importJob) running() bool {
	return j.state == jobUploading || j.state == jobChecking || j.state == jobImporting
}

// importable reports whether j was checked and found fit to import.
func (j *importJob) importable() bool {
	c := j.report.Counts
	return j.state == jobChecked && len(j.report.Faults) == 0 && !j.report.More && c.Zoos+c.Animals+c.Visits > 0
}

var errStopping = &httpx.Error{Status: http.StatusServiceUnavailable, RetryAfter: 10 * time.Second,
	Detail: "The server is stopping, so it takes no import now. Try again in a moment."}

// available refuses every import of a store that cannot import.
func (im *imports) available() error {
	if im.transfer == nil {
		return &httpx.Error{Status: http.StatusNotImplemented, Detail: "This server's store cannot import."}
	}
	return nil
}

// reserve makes a job, with a folder of its own, for an upload of owner's,
// unless too many hold files already. ctx names owner as the actor of
// the import.
func (im *imports) reserve(ctx context.Context, owner zootour.User) (*importJob, error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.closed {
		return nil, errStopping
	}
	mine, all := 0, 0
	for _, j := range im.jobs {
		if j.dir != "" {
			all++
			if j.owner == owner.ID {
				mine++
			}
		}
	}
	if mine >= importsPerUser {
		return nil, &httpx.Error{Status: http.StatusTooManyRequests, Detail: fmt.Sprintf(
			"You have %d uploads waiting, the most one person may have: import or discard one of them first (an upload is removed %s after its last step).", mine, durationText(im.life))}
	}
	if all >= importsMax {
		return nil, &httpx.Error{Status: http.StatusServiceUnavailable, RetryAfter: time.Minute, Detail: fmt.Sprintf(
			"The server holds %d uploads waiting, the most it keeps at once: try again in a while.", all)}
	}
	if im.dir == "" {
		dir, err := os.MkdirTemp("", "zootour-import-") // 0700: the uploads are their uploaders' only
		if err != nil {
			return nil, fmt.Errorf("import folder: %w", err)
		}
		im.dir = dir
	}
	id := rand.Text() // unguessable, so that a job's address tells no one of another's
	dir := filepath.Join(im.dir, id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("import folder: %w", err)
	}
	j := &importJob{id: id, owner: owner.ID, user: owner.Name, root: dir, at: time.Now(), dir: dir, state: jobUploading, done: make(chan struct{})}
	j.ctx, j.cancel = context.WithCancel(context.WithoutCancel(ctx))
	j.expires = j.at.Add(im.life)
	j.timer = time.AfterFunc(im.life, func() { im.expire(j) })
	im.forgetOld()
	im.jobs[id] = j
	return j, nil
}

// forgetOld drops the oldest finished jobs beyond importsKept; im.mu is
// held.
func (im *imports) forgetOld() {
	if len(im.jobs) < importsKept {
		return
	}
	var old []*importJob
	for _, j := range im.jobs {
		if j.dir == "" && !j.running() {
			old = append(old, j)
		}
	}
	slices.SortFunc(old, func(a, b *importJob) int { return a.expires.Compare(b.expires) })
	for _, j := range old[:min(len(old), len(im.jobs)-importsKept+1)] {
		im.drop(j)
	}
}

// expire drops j once its time is up, or later if it is still running.
func (im *imports) expire(j *importJob) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.jobs[j.id] != j {
		return
	}
	if j.running() {
		j.timer.Reset(im.life)
		return
	}
	im.drop(j)
}

// drop forgets j, stops what it does and removes its files; im.mu is held.
func (im *imports) drop(j *importJob) {
	delete(im.jobs, j.id)
	j.timer.Stop()
	j.cancel()
	im.removeFiles(j)
}

// discard drops j, if it is still there.
func (im *imports) discard(j *importJob) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.jobs[j.id] == j {
		im.drop(j)
	}
}

// removeFiles removes j's folder; im.mu is held.
func (im *imports) removeFiles(j *importJob) {
	if j.dir == "" {
		return
	}
	if err := os.RemoveAll(j.dir); err != nil {
		im.log.Error("remove an import's files", "err", err)
	}
	j.dir = ""
}

// Close stops every job, waits for them and removes every upload.
func (im *imports) Close() error {
	im.mu.Lock()
	im.closed = true
	for _, j := range im.jobs {
		im.drop(j)
	}
	dir := im.dir
	im.dir = ""
	im.mu.Unlock()
	im.wg.Wait()
	if dir == "" {
		return nil
	}
	return os.RemoveAll(dir)
}

// errNotReady refuses a step that j's state does not allow.
var errNotReady = errors.New("not ready")

// begin moves j from state from to state to and runs step in the
// background, once no other job's step runs.
func (im *imports) begin(j *importJob, from, to string, step func(*importJob)) error {
	im.mu.Lock()
	defer im.mu.Unlock()
	switch {
	case im.closed:
		return errStopping
	case im.jobs[j.id] != j || j.state != from || (to == jobImporting && !j.importable()):
		return errNotReady
	}
	j.state, j.waiting, j.done = to, true, make(chan struct{})
	j.visits.Store(0)
	name := "check"
	if to == jobImporting {
		name = "import"
	}
	im.wg.Add(1)
	go func() {
		defer im.wg.Done()
		select {
		case im.run <- struct{}{}:
		case <-j.ctx.Done():
			im.end(j, func() { j.state, j.failure = jobFailed, "It was stopped before it began." })
			return
		}
		defer func() { <-im.run }()
		defer im.recovered(j, name)
		im.mu.Lock()
		j.waiting = false
		im.mu.Unlock()
		step(j)
	}()
	return nil
}

// recovered fails j if its step panicked: net/http recovers only its
// handlers' goroutines, so a panic here would stop the whole server.
func (im *imports) recovered(j *importJob, step string) {
	p := recover()
	if p == nil {
		return
	}
	im.log.Error("import "+step+" panicked", "job", j.id, "user", j.user, "panic", p, "stack", string(debug.Stack()))
	im.end(j, func() {
		j.state, j.failure = jobFailed, "The "+step+" failed: an internal error. Nothing was imported."
	})
}

// end records what j's step came to, removes its files unless they are
// still to be imported, and starts its time to expire again.
func (im *imports) end(j *importJob, record func()) {
	im.mu.Lock()
	defer im.mu.Unlock()
	select {
	case <-j.done:
		return // ended already, then panicked
	default:
	}
	record()
	if !j.importable() {
		im.removeFiles(j)
	}
	if im.jobs[j.id] == j {
		j.expires = time.Now().Add(im.life)
		j.timer.Reset(im.life)
	}
	close(j.done)
}

// await waits a moment for j's running step, so that a small upload's
// page shows its result at once rather than a page that refreshes.
func (im *imports) await(j *importJob) {
	im.mu.Lock()
	done := j.done
	im.mu.Unlock()
	select {
	case <-done:
	case <-time.After(quickWait):
	}
}

// check reads j's files and checks them against the store, changing
// nothing.
func (im *imports) check(j *importJob) {
	var rep csvio.Report
	err := im.open(j, func(f *csvio.Files) (err error) {
		rep, err = csvio.Check(j.ctx, im.transfer, f, importFaults, j.visits.Store)
		return err
	})
	failure := im.failureText(j, "check", err)
	im.end(j, func() {
		j.state, j.report = jobChecked, rep
		if err != nil {
			j.state, j.failure = jobFailed, failure
		}
	})
}

// load imports j's files, all or nothing, as one entry of the change log.
// The import stores an idempotency key of j's with its batch (README,
// "Serving safely"), which then tells the entry it wrote.
func (im *imports) load(j *importJob) {
	key := "import " + j.id
	ctx := zootour.WithIdempotency(j.ctx, key, key)
	var n zootour.Counts
	err := im.open(j, func(f *csvio.Files) (err error) {
		n, err = csvio.ImportFiles(ctx, im.transfer, f, j.visits.Store)
		return err
	})
	failure, link := im.failureText(j, "import", err), ""
	if err == nil {
		link = im.changeLink(ctx, key)
	}
	im.end(j, func() {
		j.state, j.imported, j.changeURL = jobImported, n, link
		if err != nil {
			j.state, j.failure = jobFailed, failure
		}
	})
}

func (im *imports) open(j *importJob, use func(*csvio.Files) error) error {
	f, err := csvio.Open(j.path)
	if err != nil {
		return err
	}
	defer f.Close()
	return use(f)
}

// failureText says, for the page, why j's step failed ("" if it did not):
// the store's or the files' words, never a path of the server's. A
// failure without a domain code, a file's included (a file system's
// error), is internal: logged, not shown.
func (im *imports) failureText(j *importJob, step string, err error) string {
	msg, code := "", zootour.ErrorCode(err)
	if err != nil {
		msg = err.Error()
	}
	var fe *csvio.Error
	if errors.As(err, &fe) {
		msg, code = fe.Error(), zootour.ErrorCode(fe.Err)
	}
	switch {
	case err == nil:
		return ""
	case j.ctx.Err() != nil:
		return "It was stopped: the upload was discarded, or the server is stopping."
	case code == "" || code == zootour.EINTERNAL:
		im.log.Error("import "+step, "job", j.id, "user", j.user, "err", err)
		return "Something went wrong on the server (an internal error). It has been logged."
	}
	return endSentence(j.scrub(msg))
}

// scrub takes j's folder out of msg: a file of the upload goes by its
// name, the folder itself by "the upload".
func (j *importJob) scrub(msg string) string {
	if j.path != j.root {
		msg = strings.ReplaceAll(msg, j.path, filepath.Base(j.path))
	}
	msg = strings.ReplaceAll(msg, j.root+string(filepath.Separator), "")
	return strings.ReplaceAll(msg, j.root, "the upload")
}

// changeLink returns the page of the change-log entry of the import that
// stored key: another server's import by the same user may be later.
func (im *imports) changeLink(ctx context.Context, key string) string {
	k, ok, err := im.changes.Idempotent(ctx, key)
	if err != nil || !ok {
		im.log.Warn("find an import's change", "found", ok, "err", err)
		return "/changes"
	}
	return "/changes?batch=" + strconv.FormatInt(k.Batch, 10)
}

// find returns the job id of owner's, or a 404 if there is none: another
// user's job is not found either.
func (im *imports) find(id string, owner int64) (*importJob, error) {
	im.mu.Lock()
	j := im.jobs[id]
	ok := j != nil && j.owner == owner && j.state != jobUploading
	life := im.life
	im.mu.Unlock()
	if !ok {
		return nil, &httpx.Error{Status: http.StatusNotFound, Detail: fmt.Sprintf(
			"There is no import of yours at /import/%s: it may have expired (an upload is kept %s after its last step) or been discarded.", shorten(id, 40), durationText(life))}
	}
	return j, nil
}

// streamed adapts an upload's handler as page does, but takes no slot of
// the Limiter: the upload streams to disk, not to the store, and a slow
// link must not hold a slot that others need (README, "Serving safely").
// The bound on uploads waiting bounds these instead.
func (u *ui) streamed(h pageFunc) http.Handler {
	free := *u
	free.limit = nil
	return free.page(h)
}

// Streams reports whether the pages read r's body themselves, as it
// arrives: an import's upload, bounded by httpx.Options.MaxUpload, which a
// server must leave unread rather than hold in memory under its bound of
// a body.
func Streams(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/import"
}

// importPage is the data of /import.
type importPage struct {
	layout
	Max   string // the bound of an upload, for people
	Error string
	Jobs  []jobView
}

// jobPage is the data of /import/{id}.
type jobPage struct {
	layout
	Job     jobView
	Refresh int // seconds, while the job runs
}

// jobView is an import job as the pages show it.
type jobView struct {
	URL       string
	State     string
	Waiting   bool
	Files     string
	Uploaded  string
	Expires   string
	Visits    int64 // read so far
	Counts    zootour.Counts
	What      string // the counts in words: "2 zoos, 1 animal, 3 visits"
	Faults    []faultView
	More      bool
	Empty     bool // checked: the files hold no records
	CanImport bool
	Failure   string
	ChangeURL string
}

type faultView struct {
	File   string // and the sheet of a workbook
	Line   int    // the row of a sheet
	Reason string
}

// view returns j for the pages; im.mu is held.
func (im *imports) view(j *importJob) jobView {
	v := jobView{URL: "/import/" + j.id, State: j.state, Waiting: j.waiting,
		Files: strings.Join(j.files, ", "), Uploaded: timeText(j.at), Expires: timeText(j.expires),
		Visits: j.visits.Load(), More: j.report.More, CanImport: j.importable(), Failure: j.failure, ChangeURL: j.changeURL}
	switch j.state {
	case jobChecked:
		v.Counts = j.report.Counts
		v.Empty = v.Counts.Zoos+v.Counts.Animals+v.Counts.Visits == 0 && len(j.report.Faults) == 0
	case jobImported:
		v.Counts = j.imported
	}
	v.What = fmt.Sprintf("%s, %s, %s", plural(int(v.Counts.Zoos), "zoo", "zoos"),
		plural(int(v.Counts.Animals), "animal", "animals"), plural(int(v.Counts.Visits), "visit", "visits"))
	for _, f := range j.report.Faults {
		file := f.File
		if f.Sheet != "" {
			file += ", sheet " + f.Sheet
		}
		v.Faults = append(v.Faults, faultView{File: file, Line: f.Line, Reason: sentence(zootour.ErrorMessage(f.Err))})
	}
	return v
}

// list returns owner's jobs, newest first.
func (im *imports) list(owner int64) []jobView {
	im.mu.Lock()
	defer im.mu.Unlock()
	var js []*importJob
	for _, j := range im.jobs {
		if j.owner == owner && j.state != jobUploading {
			js = append(js, j)
		}
	}
	slices.SortFunc(js, func(a, b *importJob) int { return b.at.Compare(a.at) })
	vs := make([]jobView, len(js))
	for i, j := range js {
		vs[i] = im.view(j)
	}
	return vs
}

func (u *ui) newImportPage(r *http.Request) *importPage {
	return &importPage{layout: layout{Title: "Import", Section: "import"}, Max: sizeText(u.imports.max),
		Jobs: u.imports.list(httpx.WhoOf(r.Context()).User.ID)}
}

// importForm answers GET /import: the form of an upload, and the
// uploader's imports.
func (u *ui) importForm(w http.ResponseWriter, r *http.Request) error {
	if err := u.imports.available(); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "import.html", u.newImportPage(r))
	return nil
}

// upload answers POST /import: it streams the upload into a new job's
// folder, starts its check and sends the browser to the job's page.
func (u *ui) upload(w http.ResponseWriter, r *http.Request) error {
	im := u.imports
	if err := im.available(); err != nil {
		return err
	}
	if err := u.sameSite(r); err != nil {
		return err
	}
	// A large upload over a slow link outlasts the server's bounds of a
	// request; it has its own, and answers after it.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(uploadWithin))
	rc.SetWriteDeadline(time.Now().Add(uploadWithin + time.Minute))
	r = r.WithContext(context.WithoutCancel(r.Context()))
	raw := r.Body
	j, err := u.receive(w, r)
	if err == nil {
		if err = im.begin(j, jobUploading, jobChecking, im.check); errors.Is(err, errNotReady) {
			err = errStopping // dropped meanwhile: the server is closing
		}
	}
	if err != nil {
		if j != nil {
			im.discard(j)
		}
		// The browser is still sending: it shows the answer only once it
		// has sent everything.
		io.CopyN(io.Discard, raw, drainMax)
		var he *httpx.Error
		if errors.As(err, &he) && he.Status != http.StatusForbidden {
			httpx.SetRetryAfter(w, err)
			p := u.newImportPage(r)
			p.Error = he.Detail
			u.render(w, r, he.Status, "import.html", p)
			return nil
		}
		return err
	}
	im.await(j)
	return redirect(w, r, "/import/"+j.id, "")
}

// receive reads the parts of an upload's form: the form token first, so
// that nothing is kept before it is checked, then the files, each into
// the folder of a new job. It returns the job, if it made one, with any
// error.
func (u *ui) receive(w http.ResponseWriter, r *http.Request) (*importJob, error) {
	im := u.imports
	if r.ContentLength > im.max {
		return nil, im.tooLarge()
	}
	r.Body = http.MaxBytesReader(w, r.Body, im.max)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &httpx.Error{Status: http.StatusBadRequest, Detail: "The upload could not be read: send it from the import page."}
	}
	who := httpx.WhoOf(r.Context())
	checked := who.Via == "token"
	var j *importJob
	saved := make(map[string]bool)
	var one string // the path of the one file, if it came
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return j, im.readFailed(err)
		}
		if p.FormName() == "csrf" {
			token, err := io.ReadAll(io.LimitReader(p, 512))
			if err != nil {
				return j, im.readFailed(err)
			}
			if !checked {
				if err := u.checkToken(r, string(token)); err != nil {
					return j, err
				}
				checked = true
			}
			continue
		}
		if !checked {
			return j, u.checkToken(r, "")
		}
		name, ok := uploadFiles[p.FormName()]
		if !ok {
			return j, &httpx.Error{Status: http.StatusBadRequest, Detail: fmt.Sprintf("The upload has a field %q that the import page does not have.", shorten(p.FormName(), 40))}
		}
		if p.FileName() == "" {
			continue // an input left empty
		}
		if saved[name] {
			return j, &httpx.Error{Status: http.StatusBadRequest, Detail: fmt.Sprintf("The upload holds %s twice.", name)}
		}
		if j == nil {
			if j, err = im.reserve(r.Context(), who.User); err != nil {
				return nil, err
			}
		}
		path := filepath.Join(j.root, name)
		if name == "one" {
			if err := os.Mkdir(path, 0o700); err != nil {
				return j, err
			}
			path = filepath.Join(path, safeName(p.FileName()))
			one = path
		}
		n, err := saveFile(path, p)
		if err != nil {
			return j, im.readFailed(err)
		}
		saved[name] = true
		j.files = append(j.files, fmt.Sprintf("%s (%s)", uploadedName(p.FileName()), sizeText(n)))
	}
	switch {
	case j == nil:
		return nil, &httpx.Error{Status: http.StatusBadRequest, Detail: "Choose the files to import: any of the three CSV files, or one zip or workbook."}
	case saved["one"] && len(saved) > 1:
		return j, &httpx.Error{Status: http.StatusBadRequest, Detail: "Choose either the CSV files or one zip or workbook, not both."}
	case saved["one"]:
		j.path = one
	default:
		j.path = j.root
	}
	return j, nil
}

// safeName is a client's file name fit to keep a file under: letters,
// digits, spaces and a few signs, no path, never hidden.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" .-_()", r) {
			return r
		}
		return '_'
	}, uploadedName(s))
	s = strings.TrimLeft(strings.TrimSpace(s), ".")
	if s == "" {
		return "upload"
	}
	return s
}

// saveFile writes r to a new file at path.
func saveFile(path string, r io.Reader) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

func (im *imports) tooLarge() error {
	return &httpx.Error{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf(
		"The upload is larger than %s, the most this server takes at once, so nothing of it was kept. Upload the files one at a time, or ask whoever runs the server to raise the limit.", sizeText(im.max))}
}

// readFailed says why an upload could not be read or kept.
func (im *imports) readFailed(err error) error {
	var tooBig *http.MaxBytesError
	var pe *fs.PathError
	switch {
	case errors.As(err, &tooBig):
		return im.tooLarge()
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &httpx.Error{Status: http.StatusRequestTimeout, Detail: fmt.Sprintf(
			"The upload took longer than %s to arrive, so nothing of it was kept.", durationText(uploadWithin))}
	case errors.As(err, &pe):
		return fmt.Errorf("keep an upload: %w", err) // the server's disk: internal
	}
	return &httpx.Error{Status: http.StatusBadRequest, Detail: "The upload was cut off before its end, so nothing of it was kept. Try again."}
}

// uploadedName is the client's name of a file, fit to show.
func uploadedName(s string) string {
	s = strings.ToValidUTF8(filepath.Base(strings.ReplaceAll(s, `\`, "/")), "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return shorten(s, 80)
}

// importJob answers GET /import/{id}: a running job's progress, on a page
// that refreshes itself, or what it came to.
func (u *ui) importJob(w http.ResponseWriter, r *http.Request) error {
	im := u.imports
	j, err := im.find(r.PathValue("id"), httpx.WhoOf(r.Context()).User.ID)
	if err != nil {
		return err
	}
	im.mu.Lock()
	p := &jobPage{Job: im.view(j)}
	im.mu.Unlock()
	p.Section = "import"
	switch p.Job.State {
	case jobChecking:
		p.Title, p.Refresh = "Checking the upload", importRefresh
	case jobImporting:
		p.Title, p.Refresh = "Importing", importRefresh
	case jobChecked:
		switch n := len(p.Job.Faults); {
		case p.Job.CanImport:
			p.Title = "Ready to import"
		case p.Job.Empty:
			p.Title = "Nothing to import"
		case p.Job.More:
			p.Title = fmt.Sprintf("Checked: more than %d faults", n)
		default:
			p.Title = "Checked: " + plural(n, "fault", "faults")
		}
	case jobImported:
		p.Title = "Imported"
	default:
		p.Title = "Nothing was imported"
	}
	u.render(w, r, http.StatusOK, "import-job.html", p)
	return nil
}

// confirmImport answers POST /import/{id}: it starts the import of a job
// that was checked and found fit. A second post of the form (a double
// click) only shows the page again.
func (u *ui) confirmImport(w http.ResponseWriter, r *http.Request) error {
	im := u.imports
	j, err := im.find(r.PathValue("id"), httpx.WhoOf(r.Context()).User.ID)
	if err != nil {
		return err
	}
	if err := im.begin(j, jobChecked, jobImporting, im.load); errors.Is(err, errNotReady) {
		im.mu.Lock()
		state := j.state
		im.mu.Unlock()
		if state == jobImporting || state == jobImported {
			return redirect(w, r, "/import/"+j.id, "")
		}
		return &withBack{&httpx.Error{Status: http.StatusConflict, Detail: "This upload cannot be imported: it has faults, holds no records, or has not been checked."}, "/import/" + j.id}
	} else if err != nil {
		return err
	}
	im.await(j)
	return redirect(w, r, "/import/"+j.id, "")
}

// discardImport answers POST /import/{id}/discard: it forgets a job and
// removes its files, unless it is being imported.
func (u *ui) discardImport(w http.ResponseWriter, r *http.Request) error {
	im := u.imports
	j, err := im.find(r.PathValue("id"), httpx.WhoOf(r.Context()).User.ID)
	if err != nil {
		return err
	}
	im.mu.Lock()
	importing := j.state == jobImporting
	if !importing && im.jobs[j.id] == j {
		im.drop(j)
	}
	im.mu.Unlock()
	if importing {
		return &withBack{&httpx.Error{Status: http.StatusConflict, Detail: "This upload is being imported: it can no longer be discarded."}, "/import/" + j.id}
	}
	return redirect(w, r, "/import", "")
}

// sizeText writes a number of bytes for people: "64 MiB", "1.5 KiB".
func sizeText(n int64) string {
	one := func(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }
	switch {
	case n >= 1<<20:
		return one(float64(n)/(1<<20)) + " MiB"
	case n >= 1<<10:
		return one(float64(n)/(1<<10)) + " KiB"
	}
	return plural(int(n), "byte", "bytes")
}

// durationText writes a whole duration for people: "an hour", "10 minutes".
func durationText(d time.Duration) string {
	switch {
	case d == time.Hour:
		return "an hour"
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour", "hours")
	case d >= time.Minute:
		return plural(int(d/time.Minute), "minute", "minutes")
	}
	return plural(int(d/time.Second), "second", "seconds")
}

// endSentence ends s with a full stop, keeping its first letter: a file's
// name such as "visits.csv" may begin it.
func endSentence(s string) string {
	if s != "" && !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
