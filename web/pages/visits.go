package pages

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
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
	s       names
	zoos    map[int64]zootour.Zoo
	animals map[int64]zootour.Animal
}

// names is what a namer asks of a store.
type names interface {
	zootour.ZooReader
	zootour.AnimalReader
}

func newNamer(ctx context.Context, s names) *namer {
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
	Rows    []visitRow
	Total   int64
	Pager   pager
	Filters []*field // zoo, animal, from, to
	Sort    zootour.Sort
	DateURL string // the link of the date column's header
	Found   bool   // a filter is in force
	Error   string
}

// visits answers /visits: the visits newest first (or as ?sort= says),
// of a zoo, of an animal and in a window if the filters say so,
// recordsPerPage at a time. A zoo or animal filter takes an ID or words
// of the name, as the visit form does.
func (u *ui) visits(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	counts, err := u.store.Counts(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := &visitsPage{layout: layout{Title: "Visits", Section: "visits"}, Total: counts.Visits}
	zoo := &field{Name: "zoo", Label: "Zoo", Type: "search", Value: q.Get("zoo"), Autocomplete: "off", MaxLength: zootour.MaxTextLen}
	animal := &field{Name: "animal", Label: "Animal", Type: "search", Value: q.Get("animal"), Autocomplete: "off", MaxLength: zootour.MaxTextLen}
	from := &field{Name: "from", Label: "From", Type: "date", Value: q.Get("from"), Min: "0001-01-01", Max: "9999-12-31"}
	to := &field{Name: "to", Label: "To", Type: "date", Value: q.Get("to"), Min: "0001-01-01", Max: "9999-12-31"}
	p.Filters = []*field{zoo, animal, from, to}
	var f zootour.VisitFilter
	if f.Sort, err = zootour.ParseSort(q.Get("sort"), zootour.Sorts("visit")); err != nil {
		return &httpx.Error{Status: http.StatusBadRequest, Detail: sentence(err.Error())}
	}
	if f.Sort == "" {
		// The latest visits are what people look for first.
		f.Sort = zootour.SortDateDesc
	}
	p.Sort = f.Sort
	pick := func(fl *field, k *kind) (int64, error) {
		if strings.TrimSpace(fl.Value) == "" {
			return 0, nil
		}
		p.Found = true
		id, choices, problem, err := u.resolve(ctx, k, strings.TrimSpace(fl.Value))
		fl.Error = problem
		for _, c := range choices {
			fl.Choices = append(fl.Choices, choice{ID: c.ID, Name: c.Name, Detail: c.Detail, URL: k.url(c.ID)})
		}
		return id, err
	}
	if f.ZooID, err = pick(zoo, u.zoos); err != nil {
		return err
	}
	if f.AnimalID, err = pick(animal, u.animals); err != nil {
		return err
	}
	for _, d := range []struct {
		fl  *field
		out *zootour.Date
	}{{from, &f.From}, {to, &f.To}} {
		if d.fl.Value == "" {
			continue
		}
		p.Found = true
		if *d.out, err = zootour.ParseDate(d.fl.Value); err != nil {
			d.fl.Error = sentence(err.Error())
		}
	}
	if from.Error == "" && to.Error == "" && f.Validate() != nil {
		to.Error = "The to date comes before the from date."
	}
	dateSort := zootour.SortDate
	if f.Sort == zootour.SortDate {
		dateSort = zootour.SortDateDesc
	}
	link := url.Values{}
	for _, k := range []string{"zoo", "animal", "from", "to"} {
		if v := q.Get(k); v != "" {
			link.Set(k, v)
		}
	}
	link.Set("sort", string(dateSort))
	p.DateURL = "/visits?" + link.Encode()
	for _, fl := range p.Filters {
		if fl.Error != "" {
			p.Error = fl.Error
			u.render(w, r, http.StatusBadRequest, "visits.html", p)
			return nil
		}
	}
	ps := readPageState(r, "zoo", "animal", "from", "to", "sort")
	if f.After, err = ps.afterCursor(); err != nil {
		return err
	}
	f.Limit = recordsPerPage + 1
	vs, err := u.store.FindVisits(ctx, f)
	if err != nil {
		return err
	}
	vs, next := cut(vs, recordsPerPage, func(v zootour.Visit) string { return zootour.VisitCursor(v, f.Order()).String() })
	p.Pager = ps.links("Pages of visits", next)
	p.Pager.Download = downloadOf("/api/visits", "zoo_id", idText(f.ZooID), "animal_id", idText(f.AnimalID), "from", dateParam(f.From), "to", dateParam(f.To), "sort", string(f.Sort))
	if p.Rows, err = newNamer(ctx, u.store).rows(vs); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "visits.html", p)
	return nil
}

// visitPage is the data of /visits/{id}.
type visitPage struct {
	layout
	Visit   visitRow
	History *historyPart
}

func (u *ui) visit(w http.ResponseWriter, r *http.Request) error {
	v, id, err := lookup(r, "visit", u.store.Visit)
	if err != nil {
		return err
	}
	rows, err := newNamer(r.Context(), u.store).rows([]zootour.Visit{v})
	if err != nil {
		return err
	}
	p := &visitPage{layout: layout{Title: "Visit of " + rows[0].Animal.Name + " to " + rows[0].Zoo.Name, Section: "visits"}, Visit: rows[0]}
	if p.History, err = u.history(r, zootour.KindVisit, id); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "visit.html", p)
	return nil
}

// visitForm builds the form of a visit with the values given (as typed).
// The zoo and the animal are found as a person knows them, by name: see
// chooser and resolve.
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

// chooser makes the zoo or animal field a search field: a person types
// the name, a few words of it, or the ID, and resolve finds the record. A
// <datalist> offers every name when there are at most chooserMax, so the
// browser completes it; the field names the record it stands for.
func (u *ui) chooser(ctx context.Context, k *kind, f *field, total int64) error {
	f.Type, f.Autocomplete, f.MaxLength = "text", "off", zootour.MaxTextLen
	if f.Hint == "" {
		f.Hint = "Type the " + k.One + "'s name, a few words of it, or its ID."
	}
	if id, ok := zootour.SearchID(f.Value); ok && f.Error == "" {
		if r, err := k.get(ctx, id); err == nil {
			f.Hint = strings.ToUpper(k.One[:1]) + k.One[1:] + " " + f.Value + " is " + r.Name + " (" + r.Detail + ")."
		}
	}
	if total > chooserMax {
		return nil
	}
	all, err := k.find(ctx, recFilter{Sort: zootour.SortName, Limit: chooserMax})
	if err != nil {
		return err
	}
	f.List = f.ID() + "-list"
	for _, r := range all {
		f.Options = append(f.Options, option{Value: choiceText(r), Label: k.One + " " + strconv.FormatInt(r.ID, 10)})
	}
	return nil
}

// choiceText is how the datalist writes a record into the field: its name,
// its detail and its ID, which resolve reads back.
func choiceText(r rec) string {
	return r.Name + " (" + r.Detail + ") #" + strconv.FormatInt(r.ID, 10)
}

// resolve finds the record a person typed into a zoo or animal field: an
// ID, a datalist entry (ending in #ID), or words of its name or detail.
// When the words match several records it returns them (at most pickMax)
// for the person to choose from, and a problem to show.
func (u *ui) resolve(ctx context.Context, k *kind, text string) (int64, []rec, string, error) {
	if text == "" {
		return 0, nil, "Choose " + article(k.One) + ": type its name or ID.", nil
	}
	id, ok := zootour.SearchID(text)
	if i := strings.LastIndex(text, " #"); !ok && i >= 0 {
		id, ok = zootour.SearchID(text[i+2:])
	}
	if ok {
		if _, err := k.get(ctx, id); zootour.ErrorCode(err) == zootour.ENOTFOUND {
			return 0, nil, fmt.Sprintf("There is no %s %d.", k.One, id), nil
		} else if err != nil {
			return 0, nil, "", err
		}
		return id, nil, "", nil
	}
	q, err := zootour.ParseSearch(text)
	if err != nil {
		return 0, nil, sentence(err.Error()), nil
	}
	found, err := k.find(ctx, recFilter{Search: q, Sort: zootour.SortName, Limit: pickMax + 1})
	switch {
	case err != nil:
		return 0, nil, "", err
	case len(found) == 0:
		return 0, nil, fmt.Sprintf("No %s matches %q: check the spelling, or add the %s first.", k.One, text, k.One), nil
	case len(found) == 1:
		return found[0].ID, nil, "", nil
	case len(found) > pickMax:
		return 0, found[:pickMax], fmt.Sprintf("More than %d %s match %q: choose one below, or type more of the name.", pickMax, k.Many, text), nil
	}
	return 0, found, fmt.Sprintf("%d %s match %q: choose one below.", len(found), k.Many, text), nil
}

// readVisit reads and checks a visit from a posted form, marking each
// field's problem on p.
func (u *ui) readVisit(r *http.Request, p *formPage) (zootour.Visit, bool, error) {
	var v zootour.Visit
	date, zoo, animal := p.Fields[0], p.Fields[1], p.Fields[2]
	date.Value = strings.TrimSpace(r.PostForm.Get("date"))
	if date.Value == "" {
		date.Error = "Enter the date of the visit."
	} else if d, err := zootour.ParseDate(date.Value); err != nil {
		date.Error = sentence(err.Error())
	} else {
		v.Date = d
	}
	readRec := func(f *field, k *kind) (int64, error) {
		f.Value = strings.TrimSpace(r.PostForm.Get(f.Name))
		if pick := r.PostForm.Get(f.Name + "-pick"); pick != "" {
			f.Value = pick
		}
		id, choices, problem, err := u.resolve(r.Context(), k, f.Value)
		f.Error = problem
		if id != 0 {
			f.Value = strconv.FormatInt(id, 10)
		}
		for _, c := range choices {
			f.Choices = append(f.Choices, choice{ID: c.ID, Name: c.Name, Detail: c.Detail, URL: k.url(c.ID)})
		}
		return id, err
	}
	var err error
	if v.ZooID, err = readRec(zoo, u.zoos); err != nil {
		return v, false, err
	}
	if v.AnimalID, err = readRec(animal, u.animals); err != nil {
		return v, false, err
	}
	if len(animal.Choices) > 0 {
		if err := u.whereNow(r.Context(), animal.Choices); err != nil {
			return v, false, err
		}
	}
	return v, date.Error == "" && zoo.Error == "" && animal.Error == "", nil
}

// whereNow notes on each animal of a choice where it is today, which is
// what tells two animals of one name apart.
func (u *ui) whereNow(ctx context.Context, cs []choice) error {
	today := zootour.DateOf(time.Now())
	for i := range cs {
		z, err := u.store.AnimalWhere(ctx, cs[i].ID, today)
		if err != nil {
			return err
		}
		if z != nil {
			cs[i].Now = z.Name
		}
	}
	return nil
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
	date := q.Get("date")
	if date == "" {
		// Most visits are recorded the day the animal arrives.
		date = zootour.DateOf(time.Now()).String()
	}
	p := u.visitForm("Add a visit", "/visits", date, q.Get("zoo"), q.Get("animal"))
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
	v, ok, err := u.readVisit(r, p)
	if err != nil {
		return err
	}
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
	v, ok, err := u.readVisit(r, p)
	if err != nil {
		return err
	}
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
		Undo:   undoText("visit"),
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
