package pages

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// Zoos and animals have the same shape on the pages (a name and one more
// text field), so one set of handlers serves both, told apart by a kind.

// rec is a zoo or an animal as the pages show it.
type rec struct {
	ID     int64
	Name   string
	Detail string // the location of a zoo, the species of an animal
}

// kind describes zoos or animals to the shared handlers.
type kind struct {
	One, Many   string // "zoo", "zoos"
	Path        string // "/zoos"
	Detail      string // the form field of Detail: "location"
	DetailLabel string // "Location"

	get    func(context.Context, int64) (rec, error)
	find   func(context.Context, recFilter) ([]rec, error)
	create func(context.Context, rec) (rec, error)
	update func(context.Context, int64, rec) (rec, error)
	remove func(context.Context, int64, bool) error
	visits func(context.Context, int64, zootour.Query) ([]zootour.Visit, error)
	count  func(zootour.Counts) int64
}

func (k *kind) url(id int64) string { return k.Path + "/" + strconv.FormatInt(id, 10) }

func zooRec(z zootour.Zoo) rec       { return rec{z.ID, z.Name, z.Location} }
func animalRec(a zootour.Animal) rec { return rec{a.ID, a.Name, a.Species} }
func recs[T any](ts []T, f func(T) rec) []rec {
	out := make([]rec, len(ts))
	for i, t := range ts {
		out[i] = f(t)
	}
	return out
}

func zooKind(s httpx.ReadWriter) *kind {
	return &kind{
		One: "zoo", Many: "zoos", Path: "/zoos", Detail: "location", DetailLabel: "Location",
		get: func(ctx context.Context, id int64) (rec, error) {
			z, err := s.Zoo(ctx, id)
			return zooRec(z), err
		},
		find: func(ctx context.Context, f recFilter) ([]rec, error) {
			zs, err := s.FindZoos(ctx, zootour.ZooFilter{Search: f.Search, Sort: f.Sort, After: f.After, Limit: f.Limit})
			return recs(zs, zooRec), err
		},
		create: func(ctx context.Context, r rec) (rec, error) {
			z, err := s.CreateZoo(ctx, zootour.Zoo{Name: r.Name, Location: r.Detail})
			return zooRec(z), err
		},
		update: func(ctx context.Context, id int64, r rec) (rec, error) {
			z, err := s.UpdateZoo(ctx, id, zootour.ZooUpdate{Name: &r.Name, Location: &r.Detail})
			return zooRec(z), err
		},
		remove: s.DeleteZoo,
		visits: s.ZooVisits,
		count:  func(c zootour.Counts) int64 { return c.Zoos },
	}
}

func animalKind(s httpx.ReadWriter) *kind {
	return &kind{
		One: "animal", Many: "animals", Path: "/animals", Detail: "species", DetailLabel: "Species",
		get: func(ctx context.Context, id int64) (rec, error) {
			a, err := s.Animal(ctx, id)
			return animalRec(a), err
		},
		find: func(ctx context.Context, f recFilter) ([]rec, error) {
			as, err := s.FindAnimals(ctx, zootour.AnimalFilter{Search: f.Search, Species: f.Species, Sort: f.Sort, After: f.After, Limit: f.Limit})
			return recs(as, animalRec), err
		},
		create: func(ctx context.Context, r rec) (rec, error) {
			a, err := s.CreateAnimal(ctx, zootour.Animal{Name: r.Name, Species: r.Detail})
			return animalRec(a), err
		},
		update: func(ctx context.Context, id int64, r rec) (rec, error) {
			a, err := s.UpdateAnimal(ctx, id, zootour.AnimalUpdate{Name: &r.Name, Species: &r.Detail})
			return animalRec(a), err
		},
		remove: s.DeleteAnimal,
		visits: s.AnimalVisits,
		count:  func(c zootour.Counts) int64 { return c.Animals },
	}
}

// recFilter is what a list of zoos or animals asks the store for.
type recFilter struct {
	Search  zootour.Search
	Species string // animals only
	Sort    zootour.Sort
	After   zootour.Cursor
	Limit   int
}

// listPage is the data of /zoos and /animals.
type listPage struct {
	layout
	Kind    *kind
	Rows    []rec
	Total   int64
	Search  string // the search box, as typed
	Species string // the species box (animals)
	Sort    zootour.Sort
	Heads   sortHeads
	Pager   pager
	Error   string
	Found   bool // a search or filter is in force
}

// sortHeads are the links of the sortable column headers: each sorts by
// its column, or reverses the order when it already does.
type sortHeads struct {
	Name, ID   string
	NameSorted string // "ascending", "descending" or "" (aria-sort)
	IDSorted   string
}

// list answers /zoos or /animals: a page of records in name order (or
// the order asked for), found by ?q= and, for animals, ?species=.
func (u *ui) list(k *kind) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		counts, err := u.store.Counts(ctx)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		p := &listPage{layout: layout{Title: strings.ToUpper(k.Many[:1]) + k.Many[1:], Section: k.Many},
			Kind: k, Total: k.count(counts), Search: q.Get("q"), Species: q.Get("species")}
		var f recFilter
		status := http.StatusOK
		if strings.TrimSpace(p.Search) != "" {
			if f.Search, err = zootour.ParseSearch(p.Search); err != nil {
				p.Error, status = sentence(err.Error()), http.StatusBadRequest
			}
		}
		if k.One == "animal" && strings.TrimSpace(p.Species) != "" {
			if f.Species, err = zootour.CleanText("species", p.Species); err != nil {
				p.Error, status = sentence(err.Error()), http.StatusBadRequest
			}
		}
		p.Found = !f.Search.IsZero() || f.Species != ""
		if f.Sort, err = zootour.ParseSort(q.Get("sort"), zootour.Sorts(k.One)); err != nil {
			return &httpx.Error{Status: http.StatusBadRequest, Detail: sentence(err.Error())}
		}
		if f.Sort == "" {
			// People read lists by name; the store lists by ID unless asked.
			f.Sort = zootour.SortName
		}
		p.Sort = f.Sort
		p.Heads = sortLinks(r, f.Sort)
		ps := readPageState(r, "q", "species", "sort")
		if f.After, err = ps.afterCursor(); err != nil {
			return err
		}
		var next string
		if p.Error == "" {
			f.Limit = recordsPerPage + 1
			if p.Rows, err = k.find(ctx, f); err != nil {
				return err
			}
			p.Rows, next = cut(p.Rows, recordsPerPage, func(r rec) string {
				return recordCursor(r, f.Sort).String()
			})
		}
		p.Pager = ps.links("Pages of "+k.Many, next)
		if p.Error == "" {
			// What the page searched for: a blank q searches for nothing.
			search := ""
			if !f.Search.IsZero() {
				search = p.Search
			}
			p.Pager.Download = downloadOf("/api"+k.Path, "q", search, "species", f.Species, "sort", string(f.Sort))
		}
		u.render(w, r, status, "list.html", p)
		return nil
	}
}

// recordCursor is the cursor after r in a list in order s.
func recordCursor(r rec, s zootour.Sort) zootour.Cursor {
	return zootour.ZooCursor(zootour.Zoo{ID: r.ID, Name: r.Name}, s)
}

// sortLinks builds the column headers' links of a list in order s,
// keeping its filters and starting again at the first page.
func sortLinks(r *http.Request, s zootour.Sort) sortHeads {
	link := func(to zootour.Sort) string {
		q := r.URL.Query()
		q.Del("after")
		q.Del("prev")
		q.Set("sort", string(to))
		return r.URL.Path + "?" + q.Encode()
	}
	h := sortHeads{Name: link(zootour.SortName), ID: link(zootour.SortID)}
	switch s {
	case zootour.SortName:
		h.Name, h.NameSorted = link(zootour.SortNameDesc), "ascending"
	case zootour.SortNameDesc:
		h.NameSorted = "descending"
	case zootour.SortID:
		h.IDSorted = "ascending"
	}
	return h
}

// formPage is the data of every form: a record's, a visit's.
type formPage struct {
	layout
	Description string // a paragraph above the form
	Action      string
	Submit      string
	Cancel      string
	Fields      []*field
	Error       string // a problem with no one field to blame
	Hidden      []hidden
}

type hidden struct{ Name, Value string }

// field is one input of a form, with its value as sent and its problem.
type field struct {
	Name, Label, Type string
	Value             string
	Error, Hint       string
	Options           []option // for Type "select", and the datalist of List
	List              string   // the id of a <datalist> of Options
	Choices           []choice // records to choose from (the field's name + "-pick")
	Required          bool
	MaxLength         int
	Autocomplete      string
	Min, Max          string
}

type option struct {
	Value, Label string
	Selected     bool
}

// choice is a record a search field matched, when it matched several.
type choice struct {
	ID           int64
	Name, Detail string
	Now          string // for an animal, the zoo it is at today
	URL          string
}

// ID is the field's element id.
func (f *field) ID() string { return "f-" + f.Name }

// DescribedBy lists the ids of the hint and error that describe the field.
func (f *field) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID()+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID()+"-error")
	}
	return strings.Join(ids, " ")
}

// Problems counts the form's problems.
func (p *formPage) Problems() int {
	n := len(p.Invalid())
	if p.Error != "" {
		n++
	}
	return n
}

// Invalid lists the fields with a problem, for the summary at the top.
func (p *formPage) Invalid() []*field {
	var bad []*field
	for _, f := range p.Fields {
		if f.Error != "" {
			bad = append(bad, f)
		}
	}
	return bad
}

func (u *ui) recordForm(k *kind, title, action string, r rec) *formPage {
	return &formPage{
		layout: layout{Title: title, Section: k.Many},
		Action: action,
		Fields: []*field{
			{Name: "name", Label: "Name", Type: "text", Value: r.Name, Required: true, MaxLength: zootour.MaxTextLen, Autocomplete: "off"},
			{Name: k.Detail, Label: k.DetailLabel, Type: "text", Value: r.Detail, Required: true, MaxLength: zootour.MaxTextLen, Autocomplete: "off"},
		},
	}
}

// readRecord reads and checks a record's fields from a posted form,
// marking each field's problem on p.
func readRecord(r *http.Request, p *formPage) (rec, bool) {
	var out rec
	ok := true
	for _, f := range p.Fields {
		f.Value = r.PostForm.Get(f.Name)
		clean, err := zootour.CleanText(f.Name, f.Value)
		if err != nil {
			f.Error, ok = sentence(err.Error()), false
			continue
		}
		if f.Name == "name" {
			out.Name = clean
		} else {
			out.Detail = clean
		}
	}
	return out, ok
}

func (u *ui) newRecord(k *kind) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := u.recordForm(k, "Add "+article(k.One), k.Path, rec{})
		p.Submit, p.Cancel = "Add the "+k.One, k.Path
		u.render(w, r, http.StatusOK, "form.html", p)
		return nil
	}
}

func (u *ui) createRecord(k *kind) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := u.recordForm(k, "Add "+article(k.One), k.Path, rec{})
		p.Submit, p.Cancel = "Add the "+k.One, k.Path
		in, ok := readRecord(r, p)
		if !ok {
			u.render(w, r, http.StatusBadRequest, "form.html", p)
			return nil
		}
		out, err := k.create(r.Context(), in)
		if zootour.ErrorCode(err) == zootour.EINVALID {
			p.Error = sentence(err.Error())
			u.render(w, r, http.StatusBadRequest, "form.html", p)
			return nil
		} else if err != nil {
			return err
		}
		return redirect(w, r, k.url(out.ID), k.One+"-created")
	}
}

func (u *ui) editRecord(k *kind) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		cur, id, err := lookup(r, k.One, k.get)
		if err != nil {
			return err
		}
		p := u.recordForm(k, "Edit "+cur.Name, k.url(id)+"/edit", cur)
		p.Submit, p.Cancel = "Save", k.url(id)
		u.render(w, r, http.StatusOK, "form.html", p)
		return nil
	}
}

func (u *ui) updateRecord(k *kind) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		cur, id, err := lookup(r, k.One, k.get)
		if err != nil {
			return err
		}
		p := u.recordForm(k, "Edit "+cur.Name, k.url(id)+"/edit", cur)
		p.Submit, p.Cancel = "Save", k.url(id)
		in, ok := readRecord(r, p)
		if !ok {
			u.render(w, r, http.StatusBadRequest, "form.html", p)
			return nil
		}
		_, err = k.update(r.Context(), id, in)
		switch zootour.ErrorCode(err) {
		case "":
			return redirect(w, r, k.url(id), k.One+"-saved")
		case zootour.ENOTFOUND:
			return notFoundError(k.One, id)
		case zootour.EINVALID:
			p.Error = sentence(err.Error())
			u.render(w, r, http.StatusBadRequest, "form.html", p)
			return nil
		}
		return err
	}
}

// deletePage is the data of a page that asks to confirm a delete.
type deletePage struct {
	layout
	What     string // "the zoo Artis (Amsterdam)"
	Visits   int    // the visits that go with it
	Cascade  bool
	TypeName string // the name to type to confirm, when many visits go
	Typed    *field
	Verb     string // what the page says it does: "deletes" unless set
	Button   string // the button's words, if not the delete's own
	Undo     string // how to undo it
	Action   string
	Cancel   string
	Error    string
}

// typeNameAbove is how many visits a delete may take before the page asks
// for the record's name to be typed: a slip of the mouse is not enough.
const typeNameAbove = 5

// undoText says how to undo a delete of a record of kind k.
func undoText(k string) string {
	return "You can undo this afterwards: Latest changes lists the delete, with a Revert button that brings the " + k + " back with its ID" +
		map[bool]string{true: " and its visits.", false: "."}[k != "visit"]
}

// countVisits counts a record's visits by walking its listing a page at a
// time: the store has no count per record.
func countVisits(ctx context.Context, k *kind, id int64) (int, error) {
	n := 0
	for _, err := range zootour.All(func(after zootour.Cursor, limit int) ([]zootour.Visit, error) {
		return k.visits(ctx, id, zootour.Query{After: after, Limit: limit})
	}, zootour.Visit.Position) {
		if err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

func (u *ui) confirmPage(ctx context.Context, k *kind, cur rec) (*deletePage, error) {
	n, err := countVisits(ctx, k, cur.ID)
	if err != nil {
		return nil, err
	}
	p := &deletePage{
		layout:  layout{Title: "Delete " + cur.Name, Section: k.Many},
		What:    "the " + k.One + " " + cur.Name + " (" + cur.Detail + ")",
		Visits:  n,
		Cascade: n > 0,
		Undo:    undoText(k.One),
		Action:  k.url(cur.ID) + "/delete",
		Cancel:  k.url(cur.ID),
	}
	if n > typeNameAbove {
		p.TypeName = cur.Name
		p.Typed = &field{Name: "confirm_name", Label: "Type the " + k.One + "'s name to confirm", Type: "text", Required: true,
			Autocomplete: "off", MaxLength: zootour.MaxTextLen, Hint: "Its name is " + cur.Name + "."}
	}
	return p, nil
}

func (u *ui) confirmDelete(k *kind) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		cur, _, err := lookup(r, k.One, k.get)
		if err != nil {
			return err
		}
		p, err := u.confirmPage(r.Context(), k, cur)
		if err != nil {
			return err
		}
		u.render(w, r, http.StatusOK, "delete.html", p)
		return nil
	}
}

// deleteRecord deletes with its visits only if the confirmation page said
// so (cascade=yes). If visits came in since, it asks again.
func (u *ui) deleteRecord(k *kind) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		cur, id, err := lookup(r, k.One, k.get)
		if err != nil {
			return err
		}
		cascade := r.PostForm.Get("cascade") == "yes"
		if cascade {
			// The page promised a number of visits: take no more than that.
			n, cerr := countVisits(r.Context(), k, id)
			if cerr != nil {
				return cerr
			}
			switch {
			case strconv.Itoa(n) != r.PostForm.Get("visits"):
				err = zootour.Errorf(zootour.ECONFLICT, "the visits changed")
			case n > typeNameAbove && strings.TrimSpace(r.PostForm.Get("confirm_name")) != cur.Name:
				p, err := u.confirmPage(r.Context(), k, cur)
				if err != nil {
					return err
				}
				p.Typed.Value = r.PostForm.Get("confirm_name")
				p.Typed.Error = "That is not the " + k.One + "'s name, so nothing was deleted. Type " + cur.Name + " exactly."
				u.render(w, r, http.StatusBadRequest, "delete.html", p)
				return nil
			default:
				err = k.remove(r.Context(), id, true)
			}
		} else {
			err = k.remove(r.Context(), id, false)
		}
		switch zootour.ErrorCode(err) {
		case "":
			return redirect(w, r, k.Path, k.One+"-deleted")
		case zootour.ENOTFOUND:
			return notFoundError(k.One, id)
		case zootour.ECONFLICT:
			p, err := u.confirmPage(r.Context(), k, cur)
			if err != nil {
				return err
			}
			p.Error = "The visits of this " + k.One + " changed since the page was shown. Check the count below and confirm again."
			u.render(w, r, http.StatusConflict, "delete.html", p)
			return nil
		}
		return err
	}
}
