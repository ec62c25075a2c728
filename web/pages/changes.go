package pages

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// The change log on the pages (docs/accounts.md): a History
// section on each record's page, the latest changes at /changes with
// filters, and a Revert button that undoes an entry's whole batch.

const (
	historyMax     = 10 // entries in a record page's History
	changesPerPage = 50
)

// entryView is a change as people read it.
type entryView struct {
	ID, Batch  int64
	At         string // "2024-05-01 14:03 UTC"
	ISO        string // RFC 3339, for <time datetime>
	Actor      string
	Verb       string // "added", "changed", "deleted", "imported"
	What       string // "visit 7", "user alice"
	URL        string // the record's page, if it has one
	HistoryURL string // every change of the record
	BatchURL   string // every change of its batch, when it has others
	Diffs      []diff
	Note       string // what the diffs do not say
	CanRevert  bool
}

// diff is one field of a change: its value before and after ("" for
// none: a create has no before, a delete no after).
type diff struct {
	Field               string
	Before, After       string
	BeforeURL, AfterURL string
	HasBefore, HasAfter bool
}

// historyPart is a list of changes with where a revert comes back to.
type historyPart struct {
	Entries   []entryView
	More      string // the whole history, when there is more than shown
	Back      string // the page the entries are on
	OneRecord bool   // the entries are one record's: no link to its history
}

// fieldOrder is the order in which a kind's fields are shown; fields not
// named here follow in name order, and hidden ones are not shown.
var fieldOrder = map[zootour.Kind][]string{
	zootour.KindZoo:    {"name", "location"},
	zootour.KindAnimal: {"name", "species"},
	zootour.KindVisit:  {"date", "zoo_id", "animal_id"},
	zootour.KindUser:   {"name", "role"},
	zootour.KindToken:  {"user", "label"},
}

var hiddenFields = []string{"id", "created_at", "last_used"}

var fieldLabels = map[string]string{"zoo_id": "Zoo", "animal_id": "Animal"}

func fieldLabel(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	return strings.ToUpper(name[:1]) + strings.ReplaceAll(name[1:], "_", " ")
}

var verbs = map[zootour.Action]string{
	zootour.Create: "added", zootour.Update: "changed", zootour.Delete: "deleted", zootour.Import: "imported",
}

var nouns = map[zootour.Action]string{
	zootour.Create: "addition", zootour.Update: "change", zootour.Delete: "deletion", zootour.Import: "import",
}

// kindPath is the path of the pages of a kind's records.
var kindPath = map[zootour.Kind]string{zootour.KindZoo: "/zoos/", zootour.KindAnimal: "/animals/", zootour.KindVisit: "/visits/"}

func recordURL(k zootour.Kind, id int64) string {
	if p, ok := kindPath[k]; ok {
		return p + strconv.FormatInt(id, 10)
	}
	return ""
}

// userURL is the admin's page of the user of a change of a user or a
// token ("" for other kinds).
func userURL(c zootour.Change) string {
	rec := fields(c.After)
	if rec == nil {
		rec = fields(c.Before)
	}
	switch c.Kind {
	case zootour.KindUser:
		return "/users/" + valueText(rec["name"])
	case zootour.KindToken:
		return "/users/" + valueText(rec["user"])
	}
	return ""
}

func historyURL(k zootour.Kind, id int64) string {
	return "/changes?" + url.Values{"kind": {string(k)}, "record_id": {strconv.FormatInt(id, 10)}}.Encode()
}

// revertNeeds is the role that may revert a change of kind k: users and
// tokens are an admin's.
func revertNeeds(k zootour.Kind) zootour.Role {
	if k == zootour.KindUser || k == zootour.KindToken {
		return zootour.Admin
	}
	return zootour.Editor
}

// fields decodes a record's JSON into its fields (nil for none).
func fields(raw json.RawMessage) map[string]json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// valueText writes a field's JSON value for people.
func valueText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return "none"
	}
	return string(raw)
}

// describe names the record of a change: "zoo 3", "user alice".
func describe(c zootour.Change) string {
	if c.Action == zootour.Import {
		return "an import"
	}
	rec := fields(c.After)
	if rec == nil {
		rec = fields(c.Before)
	}
	switch c.Kind {
	case zootour.KindUser:
		if n, ok := rec["name"]; ok {
			return "user " + valueText(n)
		}
	case zootour.KindToken:
		if n, ok := rec["user"]; ok {
			return fmt.Sprintf("token %d of %s", c.RecordID, valueText(n))
		}
	}
	return fmt.Sprintf("%s %d", c.Kind, c.RecordID)
}

func timeText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// views turns changes into what the pages show: each field that changed,
// the zoos and animals of visits by name, and a Revert button for whoever
// may use it.
func (u *ui) views(ctx context.Context, cs []zootour.Change) ([]entryView, error) {
	who := httpx.WhoOf(ctx)
	n := newNamer(ctx, u.store)
	inBatch := make(map[int64]int)
	for _, c := range cs {
		inBatch[c.Batch]++
	}
	out := make([]entryView, 0, len(cs))
	for _, c := range cs {
		e := entryView{ID: c.ID, Batch: c.Batch, At: timeText(c.At), ISO: c.At.UTC().Format(time.RFC3339),
			Actor: c.Actor, Verb: verbs[c.Action], What: describe(c), URL: recordURL(c.Kind, c.RecordID)}
		if c.Kind != "" {
			e.HistoryURL = historyURL(c.Kind, c.RecordID)
		}
		if c.Batch != c.ID || inBatch[c.Batch] > 1 {
			e.BatchURL = "/changes?batch=" + strconv.FormatInt(c.Batch, 10)
		}
		if who.Can(zootour.Admin) {
			e.URL = userURL(c)
		}
		e.CanRevert = c.Action != zootour.Import && who.Can(revertNeeds(c.Kind))
		if c.Action == zootour.Import {
			var counts zootour.Counts
			if json.Unmarshal(c.After, &counts) == nil {
				e.Note = fmt.Sprintf("Imported %s, %s and %s.", plural(int(counts.Zoos), "zoo", "zoos"),
					plural(int(counts.Animals), "animal", "animals"), plural(int(counts.Visits), "visit", "visits"))
			}
			out = append(out, e)
			continue
		}
		var err error
		if e.Diffs, err = u.diffs(n, c); err != nil {
			return nil, err
		}
		if len(e.Diffs) == 0 && c.Action == zootour.Update {
			e.Note = "No field shown here changed."
			if c.Kind == zootour.KindUser {
				e.Note = "A new password (passwords are never logged)."
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// diffs lists the fields of a change: every field of a create or a
// delete, the fields that differ of an update.
func (u *ui) diffs(n *namer, c zootour.Change) ([]diff, error) {
	before, after := fields(c.Before), fields(c.After)
	var names []string
	seen := make(map[string]bool)
	add := func(k string) {
		if !seen[k] && !slices.Contains(hiddenFields, k) {
			seen[k] = true
			names = append(names, k)
		}
	}
	for _, k := range fieldOrder[c.Kind] {
		if _, ok := before[k]; ok {
			add(k)
		} else if _, ok := after[k]; ok {
			add(k)
		}
	}
	var rest []string
	for _, m := range []map[string]json.RawMessage{before, after} {
		for k := range m {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		add(k)
	}
	var out []diff
	for _, k := range names {
		b, hasB := before[k]
		a, hasA := after[k]
		if hasB && hasA && valueText(b) == valueText(a) {
			continue
		}
		d := diff{Field: fieldLabel(k), HasBefore: hasB, HasAfter: hasA}
		var err error
		if hasB {
			if d.Before, d.BeforeURL, err = u.valueOf(n, k, b); err != nil {
				return nil, err
			}
		}
		if hasA {
			if d.After, d.AfterURL, err = u.valueOf(n, k, a); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// valueOf writes a field's value, naming the zoo or animal of a visit.
func (u *ui) valueOf(n *namer, field string, raw json.RawMessage) (string, string, error) {
	var id int64
	if field != "zoo_id" && field != "animal_id" || json.Unmarshal(raw, &id) != nil || id <= 0 {
		return valueText(raw), "", nil
	}
	var name, kind string
	if field == "zoo_id" {
		z, err := n.zoo(id)
		if err != nil {
			return "", "", err
		}
		name, kind = z.Name, "zoo"
	} else {
		a, err := n.animal(id)
		if err != nil {
			return "", "", err
		}
		name, kind = a.Name, "animal"
	}
	url := recordURL(zootour.Kind(kind), id)
	if name == "" {
		return fmt.Sprintf("%s %d (gone)", kind, id), url, nil
	}
	return fmt.Sprintf("%s (%s %d)", name, kind, id), url, nil
}

// history returns the History section of a record's page, or nil for a
// client that is not signed in (the log is for those who are).
func (u *ui) history(r *http.Request, k zootour.Kind, id int64) (*historyPart, error) {
	ctx := r.Context()
	if httpx.WhoOf(ctx).Anonymous() {
		return nil, nil
	}
	cs, err := u.store.Changes(ctx, zootour.ChangeFilter{Kind: k, RecordID: id, Limit: historyMax + 1})
	if err != nil {
		return nil, err
	}
	h := &historyPart{Back: r.URL.Path, OneRecord: true}
	if len(cs) > historyMax {
		cs, h.More = cs[:historyMax], historyURL(k, id)
	}
	h.Entries, err = u.views(ctx, cs)
	return h, err
}

// changesPage is the data of /changes.
type changesPage struct {
	layout
	Filters []*field // kind, record_id, actor, from, to
	Batch   string
	History *historyPart
	Pager   pager
	Found   bool // a filter is in force
	Error   string
}

// changes answers /changes: the change log newest first, filtered by
// kind, record, actor, dates (of the change, UTC) and batch,
// changesPerPage at a time.
func (u *ui) changes(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	kindField := &field{Name: "kind", Label: "Kind", Type: "select", Value: q.Get("kind")}
	kindField.Options = append(kindField.Options, option{Value: "", Label: "Any kind", Selected: kindField.Value == ""})
	for _, k := range zootour.Kinds {
		kindField.Options = append(kindField.Options, option{Value: string(k), Label: string(k), Selected: kindField.Value == string(k)})
	}
	idField := &field{Name: "record_id", Label: "Record ID", Type: "text", Value: q.Get("record_id"), Autocomplete: "off", MaxLength: 20}
	actorField := &field{Name: "actor", Label: "Who", Type: "search", Value: q.Get("actor"), Autocomplete: "off", MaxLength: 100}
	from := &field{Name: "from", Label: "From", Type: "date", Value: q.Get("from"), Min: "0001-01-01", Max: "9999-12-31"}
	to := &field{Name: "to", Label: "To", Type: "date", Value: q.Get("to"), Min: "0001-01-01", Max: "9999-12-31"}
	p := &changesPage{layout: layout{Title: "Latest changes", Section: "changes"},
		Filters: []*field{kindField, idField, actorField, from, to}, Batch: q.Get("batch")}
	var f zootour.ChangeFilter
	if v := kindField.Value; v != "" {
		k, err := zootour.ParseKind(v)
		if err != nil {
			kindField.Error = sentence(err.Error())
		}
		f.Kind = k
	}
	if v := strings.TrimSpace(idField.Value); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil || id <= 0:
			idField.Error = "A record ID is a whole number above 0."
		case f.Kind == "" && kindField.Error == "":
			idField.Error = "Choose the kind of the record too."
		}
		f.RecordID = max(id, 0)
	}
	f.Actor = strings.TrimSpace(actorField.Value)
	for _, d := range []struct {
		fl  *field
		out *zootour.Date
	}{{from, &f.From}, {to, &f.To}} {
		if d.fl.Value == "" {
			continue
		}
		var err error
		if *d.out, err = zootour.ParseDate(d.fl.Value); err != nil {
			d.fl.Error = sentence(err.Error())
		}
	}
	if from.Error == "" && to.Error == "" && !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		to.Error = "The to date comes before the from date."
	}
	if p.Batch != "" {
		b, err := strconv.ParseInt(p.Batch, 10, 64)
		if err != nil || b <= 0 {
			return &httpx.Error{Status: http.StatusBadRequest, Detail: "A batch is the ID of a change, a whole number above 0."}
		}
		f.Batch = b
	}
	p.Found = f.Kind != "" || f.RecordID != 0 || f.Actor != "" || !f.From.IsZero() || !f.To.IsZero() || f.Batch != 0
	for _, fl := range p.Filters {
		if fl.Error != "" {
			p.Error = fl.Error
			u.render(w, r, http.StatusBadRequest, "changes.html", p)
			return nil
		}
	}
	ps := readPageState(r, "kind", "record_id", "actor", "from", "to", "batch")
	after, err := ps.afterID()
	if err != nil {
		return err
	}
	f.After, f.Limit = zootour.Cursor{ID: after}, changesPerPage+1
	cs, err := u.store.Changes(ctx, f)
	if zootour.ErrorCode(err) == zootour.EINVALID {
		p.Error = sentence(err.Error())
		u.render(w, r, http.StatusBadRequest, "changes.html", p)
		return nil
	} else if err != nil {
		return err
	}
	cs, next := cut(cs, changesPerPage, func(c zootour.Change) string { return strconv.FormatInt(c.ID, 10) })
	p.Pager = ps.links("Pages of changes", next)
	if f.Batch == 0 { // the API's listing has no batch filter
		p.Pager.Download = downloadOf("/api/changes", "kind", string(f.Kind), "record_id", idText(f.RecordID), "actor", f.Actor, "from", dateParam(f.From), "to", dateParam(f.To))
	}
	p.History = &historyPart{Back: r.URL.RequestURI()}
	if p.History.Entries, err = u.views(ctx, cs); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "changes.html", p)
	return nil
}

// revert undoes the batch of a change, all or nothing, and goes back to
// the page the button was on with a flash that says what was undone; a
// conflict is shown as its sentence, with nothing changed.
func (u *ui) revert(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pageID(r, "change")
	if err != nil {
		return err
	}
	c, err := u.store.Change(ctx, id)
	if zootour.ErrorCode(err) == zootour.ENOTFOUND {
		return &httpx.Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("There is no change %d.", id)}
	} else if err != nil {
		return err
	}
	batch, err := u.store.Changes(ctx, zootour.ChangeFilter{Batch: c.Batch})
	if err != nil {
		return err
	}
	need := zootour.Editor
	for _, e := range batch {
		if revertNeeds(e.Kind) == zootour.Admin {
			need = zootour.Admin
		}
	}
	if who := httpx.WhoOf(ctx); !who.Can(need) {
		return refuse(who, need)
	}
	back := "/changes"
	if b := r.PostForm.Get("back"); b != "" {
		back = safeNext(b)
	}
	wrote, err := u.store.Revert(ctx, id)
	switch zootour.ErrorCode(err) {
	case "":
	case zootour.ECONFLICT:
		return &withBack{&httpx.Error{Status: http.StatusConflict,
			Detail: fmt.Sprintf("Change %d was not undone, and nothing was changed: %s.", id, strings.TrimSuffix(zootour.ErrorMessage(err), "."))}, back}
	default:
		return err
	}
	// A page whose record the revert deleted is gone: go to its history.
	path, _, _ := strings.Cut(back, "?")
	for _, e := range wrote {
		if e.Action == zootour.Delete && e.Kind != "" && (path == recordURL(e.Kind, e.RecordID) || e.Kind == zootour.KindUser && path == userURL(e)) {
			back = historyURL(e.Kind, e.RecordID)
		}
	}
	return redirect(w, r, back, "reverted."+strconv.FormatInt(id, 10))
}

// revertedText says what reverting change id undid, for the flash.
func (u *ui) revertedText(ctx context.Context, id int64) string {
	c, err := u.store.Change(ctx, id)
	if err != nil {
		return "The change was undone."
	}
	batch, err := u.store.Changes(ctx, zootour.ChangeFilter{Batch: c.Batch})
	if err != nil {
		return "The change was undone."
	}
	s := fmt.Sprintf("Undone: the %s of %s that %s made on %s", nouns[c.Action], describe(c), c.Actor, timeText(c.At))
	if others := len(batch) - 1; others > 0 {
		s += fmt.Sprintf(", with the %s made with it", plural(others, "other change", "other changes"))
	}
	return s + "."
}
