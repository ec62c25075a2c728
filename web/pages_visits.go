package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/zootour/zootour"
)

// visitRow is a visit with the zoo and the animal it joins, for people.
type visitRow struct {
	zootour.Visit
	Zoo    zootour.Zoo
	Animal zootour.Animal
}

// namer looks up the zoos and animals of visits, each once per request.
type namer struct {
	ctx     context.Context
	s       zootour.Store
	zoos    map[int64]zootour.Zoo
	animals map[int64]zootour.Animal
}

func newNamer(ctx context.Context, s zootour.Store) *namer {
	return &namer{ctx: ctx, s: s, zoos: map[int64]zootour.Zoo{}, animals: map[int64]zootour.Animal{}}
}

// rows names the zoo and animal of each visit. One deleted since the
// visits were read is shown by ID alone.
func (n *namer) rows(vs []zootour.Visit) ([]visitRow, error) {
	out := make([]visitRow, len(vs))
	for i, v := range vs {
		z, err := n.zoo(v.ZooID)
		if err != nil {
			return nil, err
		}
		a, err := n.animal(v.AnimalID)
		if err != nil {
			return nil, err
		}
		out[i] = visitRow{Visit: v, Zoo: z, Animal: a}
	}
	return out, nil
}

// zoo returns the zoo with the ID, or one with only the ID if it has been
// deleted.
func (n *namer) zoo(id int64) (zootour.Zoo, error) {
	z, ok := n.zoos[id]
	if !ok {
		var err error
		if z, err = n.s.Zoo(n.ctx, id); err != nil && zootour.ErrorCode(err) != zootour.ENOTFOUND {
			return z, err
		}
		z.ID = id
		n.zoos[id] = z
	}
	return z, nil
}

// animal is zoo for animals.
func (n *namer) animal(id int64) (zootour.Animal, error) {
	a, ok := n.animals[id]
	if !ok {
		var err error
		if a, err = n.s.Animal(n.ctx, id); err != nil && zootour.ErrorCode(err) != zootour.ENOTFOUND {
			return a, err
		}
		a.ID = id
		n.animals[id] = a
	}
	return a, nil
}

// visitsPage is the data of /visits.
type visitsPage struct {
	layout
	Rows  []visitRow
	Total int64
	Pager pager
}

// visits answers /visits: every visit by ID, recordsPerPage at a time.
func (u *ui) visits(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	counts, err := u.store.Counts(ctx)
	if err != nil {
		return err
	}
	ps := readPageState(r)
	after, err := ps.afterID()
	if err != nil {
		return err
	}
	vs, err := u.store.Visits(ctx, zootour.Page{After: after, Limit: recordsPerPage + 1})
	if err != nil {
		return err
	}
	vs, next := cut(vs, recordsPerPage, func(v zootour.Visit) string { return strconv.FormatInt(v.ID, 10) })
	p := &visitsPage{layout: layout{Title: "Visits", Section: "visits"}, Total: counts.Visits, Pager: ps.links("Pages of visits", next)}
	if p.Rows, err = newNamer(ctx, u.store).rows(vs); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "visits.html", p)
	return nil
}

// visitPage is the data of /visits/{id}.
type visitPage struct {
	layout
	Visit visitRow
}

func (u *ui) visit(w http.ResponseWriter, r *http.Request) error {
	v, _, err := lookup(r, "visit", u.store.Visit)
	if err != nil {
		return err
	}
	rows, err := newNamer(r.Context(), u.store).rows([]zootour.Visit{v})
	if err != nil {
		return err
	}
	p := &visitPage{layout: layout{Title: "Visit of " + rows[0].Animal.Name + " to " + rows[0].Zoo.Name, Section: "visits"}, Visit: rows[0]}
	u.render(w, r, http.StatusOK, "visit.html", p)
	return nil
}

// visitForm builds the form of a visit with the values given (as typed).
// The zoo and the animal are chosen by ID: from a list of names when there
// are at most chooserMax of them, else typed, with the name shown below.
func (u *ui) visitForm(title, action, date, zooID, animalID string) *formPage {
	return &formPage{
		layout: layout{Title: title, Section: "visits"},
		Action: action,
		Fields: []*field{
			{Name: "date", Label: "Date", Type: "date", Value: date, Required: true, Min: "0001-01-01", Max: "9999-12-31",
				Hint: "The day the animal arrived at the zoo."},
			{Name: "zoo", Label: "Zoo", Value: zooID, Required: true},
			{Name: "animal", Label: "Animal", Value: animalID, Required: true},
		},
	}
}

// choosers fills in how the zoo and the animal fields are chosen.
func (u *ui) choosers(ctx context.Context, p *formPage) error {
	counts, err := u.store.Counts(ctx)
	if err != nil {
		return err
	}
	if err := u.chooser(ctx, u.zoos, p.Fields[1], counts.Zoos); err != nil {
		return err
	}
	return u.chooser(ctx, u.animals, p.Fields[2], counts.Animals)
}

func (u *ui) chooser(ctx context.Context, k *kind, f *field, total int64) error {
	if total > chooserMax {
		f.Type, f.Min = "number", "1"
		f.Hint = "The " + k.One + "'s ID, shown on its page and in searches."
		if id, err := strconv.ParseInt(f.Value, 10, 64); err == nil && id > 0 && f.Error == "" {
			if rec, err := k.get(ctx, id); err == nil {
				f.Hint = strings.ToUpper(k.One[:1]) + k.One[1:] + " " + f.Value + " is " + rec.Name + " (" + rec.Detail + ")."
			}
		}
		return nil
	}
	all, err := k.list(ctx, zootour.Page{Limit: chooserMax + 1})
	if err != nil {
		return err
	}
	slices.SortFunc(all, func(a, b rec) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	f.Type = "select"
	f.Options = []option{{Value: "", Label: "Choose a " + k.One}}
	for _, r := range all {
		id := strconv.FormatInt(r.ID, 10)
		f.Options = append(f.Options, option{Value: id, Label: r.Name + " — " + r.Detail + " (" + k.One + " " + id + ")", Selected: id == f.Value})
	}
	return nil
}

// readVisit reads and checks a visit from a posted form, marking each
// field's problem on p.
func (u *ui) readVisit(r *http.Request, p *formPage) (zootour.Visit, bool) {
	var v zootour.Visit
	date, zoo, animal := p.Fields[0], p.Fields[1], p.Fields[2]
	date.Value = strings.TrimSpace(r.PostForm.Get("date"))
	zoo.Value = strings.TrimSpace(r.PostForm.Get("zoo"))
	animal.Value = strings.TrimSpace(r.PostForm.Get("animal"))
	if date.Value == "" {
		date.Error = "Enter the date of the visit."
	} else if d, err := zootour.ParseDate(date.Value); err != nil {
		date.Error = sentence(err.Error())
	} else {
		v.Date = d
	}
	readID := func(f *field, k *kind) int64 {
		if f.Value == "" {
			f.Error = "Choose " + article(k.One) + "."
			return 0
		}
		id, err := strconv.ParseInt(f.Value, 10, 64)
		if err != nil || id <= 0 {
			f.Error = fmt.Sprintf("%q is not the ID of %s: IDs are whole numbers from 1.", f.Value, article(k.One))
			return 0
		}
		if _, err := k.get(r.Context(), id); err != nil {
			f.Error = fmt.Sprintf("There is no %s %d.", k.One, id)
			return 0
		}
		return id
	}
	v.ZooID = readID(zoo, u.zoos)
	v.AnimalID = readID(animal, u.animals)
	return v, date.Error == "" && zoo.Error == "" && animal.Error == ""
}

func article(noun string) string {
	if strings.IndexByte("aeiou", noun[0]) >= 0 {
		return "an " + noun
	}
	return "a " + noun
}

// writeFailed shows a store's refusal of a visit on the form: a conflict
// on the date field, naming the visit in the way.
func (u *ui) writeFailed(ctx context.Context, p *formPage, v zootour.Visit, self int64, err error) bool {
	switch zootour.ErrorCode(err) {
	case zootour.ECONFLICT:
		p.Fields[0].Error = sentence(err.Error())
		others, _ := u.store.AnimalZoos(ctx, v.AnimalID, zootour.Query{From: v.Date, To: v.Date})
		for _, o := range others {
			if o.VisitID != self {
				a, _ := u.store.Animal(ctx, v.AnimalID)
				p.Fields[0].Error = fmt.Sprintf("%s is already at %s on %s (visit %d): an animal is at one zoo per date.", a.Name, o.Name, v.Date, o.VisitID)
			}
		}
		return true
	case zootour.EINVALID:
		p.Error = sentence(err.Error())
		return true
	}
	return false
}

func (u *ui) newVisit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := u.visitForm("Add a visit", "/visits", q.Get("date"), q.Get("zoo"), q.Get("animal"))
	p.Submit, p.Cancel = "Add the visit", "/visits"
	if back := q.Get("back"); back != "" {
		p.Cancel = safeNext(back)
		p.Hidden = append(p.Hidden, hidden{"back", p.Cancel})
	}
	if err := u.choosers(r.Context(), p); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "form.html", p)
	return nil
}

func (u *ui) createVisit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := u.visitForm("Add a visit", "/visits", "", "", "")
	p.Submit, p.Cancel = "Add the visit", "/visits"
	back := r.PostForm.Get("back")
	if back != "" {
		p.Cancel = safeNext(back)
		p.Hidden = append(p.Hidden, hidden{"back", p.Cancel})
	}
	v, ok := u.readVisit(r, p)
	if ok {
		created, err := u.store.CreateVisit(ctx, v)
		if err == nil {
			to := "/visits/" + strconv.FormatInt(created.ID, 10)
			if back != "" {
				to = safeNext(back)
			}
			return redirect(w, r, to, "visit-created")
		}
		if !u.writeFailed(ctx, p, v, 0, err) {
			return err
		}
	}
	if err := u.choosers(ctx, p); err != nil {
		return err
	}
	u.render(w, r, http.StatusBadRequest, "form.html", p)
	return nil
}

func (u *ui) editVisit(w http.ResponseWriter, r *http.Request) error {
	v, id, err := lookup(r, "visit", u.store.Visit)
	if err != nil {
		return err
	}
	url := "/visits/" + strconv.FormatInt(id, 10)
	p := u.visitForm(fmt.Sprintf("Edit visit %d", id), url+"/edit", v.Date.String(),
		strconv.FormatInt(v.ZooID, 10), strconv.FormatInt(v.AnimalID, 10))
	p.Submit, p.Cancel = "Save", url
	if err := u.choosers(r.Context(), p); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "form.html", p)
	return nil
}

func (u *ui) updateVisit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, id, err := lookup(r, "visit", u.store.Visit)
	if err != nil {
		return err
	}
	url := "/visits/" + strconv.FormatInt(id, 10)
	p := u.visitForm(fmt.Sprintf("Edit visit %d", id), url+"/edit", "", "", "")
	p.Submit, p.Cancel = "Save", url
	v, ok := u.readVisit(r, p)
	if ok {
		_, err := u.store.UpdateVisit(ctx, id, zootour.VisitUpdate{Date: &v.Date, ZooID: &v.ZooID, AnimalID: &v.AnimalID})
		if err == nil {
			return redirect(w, r, url, "visit-saved")
		}
		if zootour.ErrorCode(err) == zootour.ENOTFOUND {
			return notFoundError("visit", id)
		}
		if !u.writeFailed(ctx, p, v, id, err) {
			return err
		}
	}
	if err := u.choosers(ctx, p); err != nil {
		return err
	}
	u.render(w, r, http.StatusBadRequest, "form.html", p)
	return nil
}

func (u *ui) confirmDeleteVisit(w http.ResponseWriter, r *http.Request) error {
	v, id, err := lookup(r, "visit", u.store.Visit)
	if err != nil {
		return err
	}
	rows, err := newNamer(r.Context(), u.store).rows([]zootour.Visit{v})
	if err != nil {
		return err
	}
	row := rows[0]
	url := "/visits/" + strconv.FormatInt(id, 10)
	p := &deletePage{
		layout: layout{Title: fmt.Sprintf("Delete visit %d", id), Section: "visits"},
		What:   fmt.Sprintf("the visit of %s to %s on %s", row.Animal.Name, row.Zoo.Name, row.Date),
		Action: url + "/delete",
		Cancel: url,
	}
	u.render(w, r, http.StatusOK, "delete.html", p)
	return nil
}

func (u *ui) deleteVisit(w http.ResponseWriter, r *http.Request) error {
	v, id, err := lookup(r, "visit", u.store.Visit)
	if err != nil {
		return err
	}
	if err := u.store.DeleteVisit(r.Context(), id); zootour.ErrorCode(err) == zootour.ENOTFOUND {
		return notFoundError("visit", id)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/zoos/"+strconv.FormatInt(v.ZooID, 10), "visit-deleted")
}
