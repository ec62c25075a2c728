package web

import (
	"cmp"
	"context"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/zootour/zootour"
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
	list   func(context.Context, zootour.Page) ([]rec, error)
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

func zooKind(s zootour.Store) *kind {
	return &kind{
		One: "zoo", Many: "zoos", Path: "/zoos", Detail: "location", DetailLabel: "Location",
		get: func(ctx context.Context, id int64) (rec, error) {
			z, err := s.Zoo(ctx, id)
			return zooRec(z), err
		},
		list: func(ctx context.Context, p zootour.Page) ([]rec, error) {
			zs, err := s.Zoos(ctx, p)
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

func animalKind(s zootour.Store) *kind {
	return &kind{
		One: "animal", Many: "animals", Path: "/animals", Detail: "species", DetailLabel: "Species",
		get: func(ctx context.Context, id int64) (rec, error) {
			a, err := s.Animal(ctx, id)
			return animalRec(a), err
		},
		list: func(ctx context.Context, p zootour.Page) ([]rec, error) {
			as, err := s.Animals(ctx, p)
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

// listPage is the data of /zoos and /animals.
type listPage struct {
	layout
	Kind      *kind
	Rows      []rec
	Total     int64
	ByName    bool
	ByNameURL string // "" when sorting by name is not offered
	ByIDURL   string
	Pager     pager
	Notice    string
}

// list answers /zoos or /animals: a page of records, by name or by ID.
//
// Sorting by name needs every record, since the store lists by ID only: it
// is offered, and the default, for up to nameSortMax records; beyond that
// the listing is by ID, paged by the store. (Sorting only within a page
// of IDs would look sorted and not be.)
func (u *ui) list(k *kind) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		counts, err := u.store.Counts(ctx)
		if err != nil {
			return err
		}
		p := &listPage{layout: layout{Title: strings.ToUpper(k.Many[:1]) + k.Many[1:], Section: k.Many},
			Kind: k, Total: k.count(counts)}
		sortable := p.Total <= nameSortMax
		switch r.URL.Query().Get("sort") {
		case "id":
		case "name":
			if !sortable {
				p.Notice = "There are more than " + formatCount(nameSortMax) + " " + k.Many + ", too many to sort by name here: they are listed by ID."
			}
			p.ByName = sortable
		default:
			p.ByName = sortable
		}
		if sortable {
			p.ByNameURL = k.Path + "?sort=name"
		}
		p.ByIDURL = k.Path + "?sort=id"
		ps := readPageState(r, "sort")
		var next string
		if p.ByName {
			p.Rows, next, err = u.pageByName(ctx, k, ps.after)
		} else {
			p.Rows, next, err = u.pageByID(ctx, k, ps)
		}
		if err != nil {
			return err
		}
		p.Pager = ps.links("Pages of "+k.Many, next)
		u.render(w, r, http.StatusOK, "list.html", p)
		return nil
	}
}

func (u *ui) pageByID(ctx context.Context, k *kind, ps pageState) ([]rec, string, error) {
	after, err := ps.afterID()
	if err != nil {
		return nil, "", err
	}
	rows, err := k.list(ctx, zootour.Page{After: after, Limit: recordsPerPage + 1})
	if err != nil {
		return nil, "", err
	}
	rows, next := cut(rows, recordsPerPage, func(r rec) string { return strconv.FormatInt(r.ID, 10) })
	return rows, next, nil
}

// pageByName reads every record (at most nameSortMax+1 of them), sorts
// them by name and returns the page after the key: base64 of "ID:name"
// of the last record of the previous page, so a page still follows on
// when that record has since been renamed or deleted.
func (u *ui) pageByName(ctx context.Context, k *kind, after string) ([]rec, string, error) {
	var all []rec
	for r, err := range zootour.All(1000, func(after int64) ([]rec, error) {
		return k.list(ctx, zootour.Page{After: after, Limit: 1000})
	}, func(r rec) int64 { return r.ID }) {
		if err != nil {
			return nil, "", err
		}
		if all = append(all, r); len(all) > nameSortMax {
			break
		}
	}
	order := func(a, b rec) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	}
	slices.SortFunc(all, order)
	start := 0
	if after != "" {
		b, err := base64.RawURLEncoding.DecodeString(after)
		ids, name, ok := strings.Cut(string(b), ":")
		id, err2 := strconv.ParseInt(ids, 10, 64)
		if err != nil || err2 != nil || !ok {
			return nil, "", errPageLink
		}
		key := rec{ID: id, Name: name}
		start, _ = slices.BinarySearchFunc(all, key, order)
		if start < len(all) && all[start].ID == id {
			start++
		}
	}
	page := all[start:]
	var next string
	if len(page) > recordsPerPage {
		page = page[:recordsPerPage]
		last := page[len(page)-1]
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last.ID, 10) + ":" + last.Name))
	}
	return page, next, nil
}

// formPage is the data of every form: a record's, a visit's.
type formPage struct {
	layout
	Action string
	Submit string
	Cancel string
	Fields []*field
	Error  string // a problem with no one field to blame
	Hidden []hidden
}

type hidden struct{ Name, Value string }

// field is one input of a form, with its value as sent and its problem.
type field struct {
	Name, Label, Type string
	Value             string
	Error, Hint       string
	Options           []option // for Type "select"
	Required          bool
	MaxLength         int
	Autocomplete      string
	Min, Max          string
}

type option struct {
	Value, Label string
	Selected     bool
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
		p := u.recordForm(k, "Add a "+k.One, k.Path, rec{})
		p.Submit, p.Cancel = "Add the "+k.One, k.Path
		u.render(w, r, http.StatusOK, "form.html", p)
		return nil
	}
}

func (u *ui) createRecord(k *kind) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := u.recordForm(k, "Add a "+k.One, k.Path, rec{})
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
	What    string // "the zoo Artis (Amsterdam)"
	Visits  int    // the visits that go with it
	Cascade bool
	Action  string
	Cancel  string
	Error   string
}

// countVisits counts a record's visits by walking its listing a page at a
// time: the store has no count per record.
func countVisits(ctx context.Context, k *kind, id int64) (int, error) {
	n := 0
	for _, err := range zootour.All(1000, func(after zootour.Position) ([]zootour.Visit, error) {
		return k.visits(ctx, id, zootour.Query{After: after, Limit: 1000})
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
	return &deletePage{
		layout:  layout{Title: "Delete " + cur.Name, Section: k.Many},
		What:    "the " + k.One + " " + cur.Name + " (" + cur.Detail + ")",
		Visits:  n,
		Cascade: n > 0,
		Action:  k.url(cur.ID) + "/delete",
		Cancel:  k.url(cur.ID),
	}, nil
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
			if strconv.Itoa(n) != r.PostForm.Get("visits") {
				err = zootour.Errorf(zootour.ECONFLICT, "the visits changed")
			} else {
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
