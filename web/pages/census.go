package pages

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/zootour/zootour"
)

// The census page: how many animals of each species every zoo held on a
// date, as a table paged by the store's key (zoo ID, species) and, on the
// first page, a chart of the zoos with the most animals, drawn on the
// server as inline SVG.

const (
	censusPerPage  = 100
	censusChartMax = 5000 // census rows read to draw the chart
	chartZoos      = 30   // bars in the chart: the zoos with the most animals
	chartSpecies   = 6    // species with a colour of their own; the rest are "other"
	chartRow       = 40   // CSS pixels per bar: a label line, then the bar
	chartLabelMax  = 32   // runes of a zoo name shown before an ellipsis
)

// censusPage is the data of /census.
type censusPage struct {
	layout
	On     *dateForm
	Groups []censusGroup
	Pager  pager
	Chart  *censusChart // on the first page only
	Later  bool         // a page after the first
}

// censusGroup is a zoo's rows on one page of the census table.
type censusGroup struct {
	Zoo       zootour.Zoo
	URL       string
	Rows      []zootour.CensusRow
	Continued bool // its rows began on the page before
}

// census answers /census: the census on a date, today unless ?on= says
// otherwise. Each page asks the store for one page of rows, and the first
// also for up to censusChartMax rows to draw the chart from; a census
// reads every animal's latest visit whatever its limit, so both cost about
// the same.
func (u *ui) census(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := &censusPage{layout: layout{Title: "Census", Section: "census"}, On: readOn(r, "Census on a date", "Count")}
	if !p.On.OK() {
		u.render(w, r, http.StatusBadRequest, "census.html", p)
		return nil
	}
	if !p.On.IsToday {
		p.Title = "Census on " + p.On.Date.String()
	}
	ps := readPageState(r, "on")
	after, err := ps.afterCursor()
	if err != nil {
		return err
	}
	rows, err := u.store.Census(ctx, zootour.CensusQuery{On: p.On.Date, After: after, Limit: censusPerPage + 1})
	if err != nil {
		return err
	}
	rows, next := cut(rows, censusPerPage, func(r zootour.CensusRow) string { return r.Cursor().String() })
	p.Pager = ps.links("Pages of the census", next)
	p.Pager.Download = downloadOf("/api/census", "on", p.On.Date.String())
	p.Later = ps.after != ""
	n := newNamer(ctx, u.store)
	for _, row := range rows {
		if k := len(p.Groups); k == 0 || p.Groups[k-1].Zoo.ID != row.ZooID {
			z, err := n.zoo(row.ZooID)
			if err != nil {
				return err
			}
			p.Groups = append(p.Groups, censusGroup{Zoo: z, URL: onURL(z.ID, p.On.Date), Continued: k == 0 && row.ZooID == after.ID})
		}
		g := &p.Groups[len(p.Groups)-1]
		g.Rows = append(g.Rows, row)
	}
	if !p.Later {
		all, err := u.store.Census(ctx, zootour.CensusQuery{On: p.On.Date, Limit: censusChartMax + 1})
		if err != nil {
			return err
		}
		capped := len(all) > censusChartMax
		if capped {
			all = all[:censusChartMax]
		}
		if p.Chart, err = drawCensus(ctx, n, p.On.Date, all, capped); err != nil {
			return err
		}
	}
	u.render(w, r, http.StatusOK, "census.html", p)
	return nil
}

// censusChart is the chart of a census: one horizontal bar per zoo, its
// length the zoo's count, in stacked segments by species.
type censusChart struct {
	Height      int
	Title, Desc string
	Summary     string // how many animals, species and zoos were counted
	Caption     string
	Bars        []chartBar
	Legend      []chartKey
}

type chartBar struct {
	LabelY, BarY int
	Label, Full  string
	Count        int
	Segs         []chartSeg
}

// A chartSeg is one species' part of a bar. The chart's width follows the
// page's, so segments are placed in percentages of it.
type chartSeg struct {
	X, Width string
	Class    string
	Title    string
}

type chartKey struct {
	Class, Label string
	Count        int
}

// drawCensus lays out the chart of the census rows (in the store's order);
// capped says that the census has more rows than these. It returns nil
// when no animal was present.
func drawCensus(ctx context.Context, n *namer, on zootour.Date, rows []zootour.CensusRow, capped bool) (*censusChart, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	type zooTotal struct {
		id    int64
		count int
		rows  []zootour.CensusRow
	}
	var zoos []zooTotal
	species := map[string]int{}
	total := 0
	for _, r := range rows {
		if k := len(zoos); k == 0 || zoos[k-1].id != r.ZooID {
			zoos = append(zoos, zooTotal{id: r.ZooID})
		}
		z := &zoos[len(zoos)-1]
		z.count += r.Count
		z.rows = append(z.rows, r)
		species[r.Species] += r.Count
		total += r.Count
	}

	// The most common species get a colour each, in that order.
	names := make([]string, 0, len(species))
	for s := range species {
		names = append(names, s)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(species[b], species[a]), strings.Compare(a, b)) })
	rank := make(map[string]int, len(names))
	for i, s := range names {
		rank[s] = i
	}
	class := map[string]string{}
	c := &censusChart{}
	for i, s := range names[:min(len(names), chartSpecies)] {
		class[s] = fmt.Sprintf("s%d", i+1)
		c.Legend = append(c.Legend, chartKey{Class: class[s], Label: s, Count: species[s]})
	}
	if len(names) > chartSpecies {
		others := 0
		for _, s := range names[chartSpecies:] {
			others += species[s]
		}
		c.Legend = append(c.Legend, chartKey{Class: "s0", Label: plural(len(names)-chartSpecies, "other species", "other species"), Count: others})
	}

	slices.SortStableFunc(zoos, func(a, b zooTotal) int { return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.id, b.id)) })
	shown := zoos[:min(len(zoos), chartZoos)]
	most := float64(shown[0].count)
	pct := func(n int) string { return fmt.Sprintf("%.3f%%", float64(n)*100/most) }
	var desc []string
	for i, zt := range shown {
		z, err := n.zoo(zt.id)
		if err != nil {
			return nil, err
		}
		name := cmp.Or(z.Name, fmt.Sprintf("Zoo %d (deleted)", zt.id))
		b := chartBar{LabelY: i*chartRow + 16, BarY: i*chartRow + 22, Label: shorten(name, chartLabelMax), Full: name, Count: zt.count}
		if z.Location != "" {
			b.Full += ", " + z.Location
		}
		// Coloured species first, in the legend's order, then the rest as one.
		slices.SortFunc(zt.rows, func(a, b zootour.CensusRow) int { return cmp.Compare(rank[a.Species], rank[b.Species]) })
		at, other := 0, 0
		for _, r := range zt.rows {
			if cl, ok := class[r.Species]; ok {
				b.Segs = append(b.Segs, chartSeg{X: pct(at), Width: pct(r.Count), Class: cl, Title: fmt.Sprintf("%s: %s %s", name, formatCount(r.Count), r.Species)})
				at += r.Count
			} else {
				other += r.Count
			}
		}
		if other > 0 {
			b.Segs = append(b.Segs, chartSeg{X: pct(at), Width: pct(other), Class: "s0", Title: fmt.Sprintf("%s: %s of other species", name, formatCount(other))})
		}
		c.Bars = append(c.Bars, b)
		if i < 10 {
			desc = append(desc, fmt.Sprintf("%s %s", b.Full, formatCount(zt.count)))
		}
	}
	c.Height = len(shown) * chartRow

	c.Title = "Animals present at each zoo on " + on.String()
	c.Desc = "Animals present on " + on.String() + ", zoos with the most first: " + strings.Join(desc, "; ")
	if len(shown) > 10 {
		c.Desc += fmt.Sprintf("; and %d more zoos", len(shown)-10)
	}
	c.Desc += "."
	c.Summary = fmt.Sprintf("%s of %s at %s.", plural(total, "animal", "animals"), plural(len(names), "species", "species"), plural(len(zoos), "zoo", "zoos"))
	if len(zoos) > chartZoos {
		c.Caption = fmt.Sprintf("The %d zoos with the most animals, of %s with any. ", chartZoos, formatCount(len(zoos)))
	} else {
		c.Caption = "Every zoo with animals, the most first. "
	}
	c.Caption += "Colours show the most common species; the table below has every count."
	if capped {
		last := rows[len(rows)-1].ZooID
		c.Summary = "At least " + c.Summary
		c.Caption += fmt.Sprintf(" Only the census's first %s rows (zoos up to ID %d) are counted here.", formatCount(censusChartMax), last)
	}
	return c, nil
}
