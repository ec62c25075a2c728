package pages

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zootour/zootour"
)

// An animal's timeline, drawn on the server as inline SVG: dates along x,
// one row per zoo (in the order the animal first came to each), one mark
// per visit, and a line that follows the tour in date order. The picture
// has a fixed size in CSS pixels so that its labels stay readable; on a
// narrow screen it scrolls sideways, and the itinerary table beside it
// holds the same facts for those who do not see it.

// Geometry of the picture, in CSS pixels.
const (
	tlWidth     = 760
	tlLabelEnd  = 204 // zoo labels end here (right-aligned)
	tlPlotLeft  = 220
	tlPlotRight = 744
	tlInset     = 10 // keeps marks off the plot's edges
	tlTop       = 8
	tlRowHeight = 32 // a row per zoo, or tlRowTight when there are many
	tlRowTight  = 22
	tlManyRows  = 15
	tlAxis      = 44 // room under the rows for the date labels
	tlLabelMax  = 24 // runes of a zoo name shown before an ellipsis
	tlTicks     = 4  // intervals between date labels
)

type timeline struct {
	Width, Height int
	PlotLeft      int
	LabelEnd      int
	PlotRight     int
	AxisY         int
	Title, Desc   string
	Caption       string
	Rows          []tlRow
	Ticks         []tlTick
	Marks         []tlMark
	Points        string // the tour's line, "x,y x,y ..."
}

type tlRow struct {
	Y, Height, TextY int
	Label, Full      string
	Visits           int
}

type tlTick struct {
	X              int // the date's line
	LabelX, LabelY int
	Label          string
	Anchor         string
}

type tlMark struct {
	X, Y  int
	Title string
}

// drawTimeline lays out the visits (in date order) of animal a; capped
// says that the window has more visits than these. It returns nil when
// there is nothing to draw.
func drawTimeline(a zootour.Animal, stops []zootour.AnimalZoo, capped bool) *timeline {
	if len(stops) == 0 {
		return nil
	}
	t := &timeline{Width: tlWidth, PlotLeft: tlPlotLeft, PlotRight: tlPlotRight, LabelEnd: tlLabelEnd}

	row := make(map[int64]int) // zoo ID -> row
	for _, s := range stops {
		i, ok := row[s.Zoo.ID]
		if !ok {
			i = len(t.Rows)
			row[s.Zoo.ID] = i
			t.Rows = append(t.Rows, tlRow{Label: shorten(s.Zoo.Name, tlLabelMax), Full: s.Zoo.Name + ", " + s.Zoo.Location})
		}
		t.Rows[i].Visits++
	}
	h := tlRowHeight
	if len(t.Rows) > tlManyRows {
		h = tlRowTight
	}
	for i := range t.Rows {
		r := &t.Rows[i]
		r.Y, r.Height = tlTop+i*h, h
		r.TextY = r.Y + h/2 + 4 // 13px text sits centred on its baseline
	}
	t.AxisY = tlTop + len(t.Rows)*h
	t.Height = t.AxisY + tlAxis

	first, last := stops[0].Date, stops[len(stops)-1].Date
	span := first.DaysUntil(last)
	left, right := tlPlotLeft+tlInset, tlPlotRight-tlInset
	x := func(d zootour.Date) int {
		if span == 0 {
			return (left + right) / 2
		}
		return left + int(int64(first.DaysUntil(d))*int64(right-left)/int64(span))
	}

	var pts strings.Builder
	for _, s := range stops {
		m := tlMark{X: x(s.Date), Y: t.Rows[row[s.Zoo.ID]].TextY - 4,
			Title: s.Date.String() + ": " + s.Zoo.Name + ", " + s.Zoo.Location}
		t.Marks = append(t.Marks, m)
		fmt.Fprintf(&pts, "%d,%d ", m.X, m.Y)
	}
	t.Points = strings.TrimSpace(pts.String())

	// Date labels at even steps; fewer when the days are fewer.
	n := min(tlTicks, span)
	for i := 0; i <= n; i++ {
		d := first
		if n > 0 {
			d = first.AddDays(span * i / n)
		}
		tk := tlTick{X: x(d), LabelY: t.AxisY + 22, Label: d.String(), Anchor: "middle"}
		tk.LabelX = tk.X
		switch {
		case n == 0:
		case i == 0: // the end labels stay inside the plot
			tk.Anchor, tk.LabelX = "start", tk.X-tlInset
		case i == n:
			tk.Anchor, tk.LabelX = "end", tk.X+tlInset
		}
		t.Ticks = append(t.Ticks, tk)
	}

	zoos := len(t.Rows)
	visits := plural(len(stops), "visit", "visits")
	t.Title = "Timeline of " + a.Name + "'s visits"
	if span == 0 {
		t.Desc = fmt.Sprintf("%s (%s) made %s to %s on %s.", a.Name, a.Species, visits, plural(zoos, "zoo", "zoos"), first)
	} else {
		t.Desc = fmt.Sprintf("%s (%s) made %s to %s between %s and %s.", a.Name, a.Species, visits, plural(zoos, "zoo", "zoos"), first, last)
	}
	var names []string
	for _, r := range t.Rows[:min(zoos, 10)] {
		names = append(names, r.Full+" ("+plural(r.Visits, "visit", "visits")+")")
	}
	t.Desc += " In order of first visit: " + strings.Join(names, "; ")
	if zoos > 10 {
		t.Desc += fmt.Sprintf("; and %d more", zoos-10)
	}
	t.Desc += "."
	t.Caption = "Each dot is a visit; the line follows the tour in date order."
	if capped {
		t.Caption += fmt.Sprintf(" Only the window's first %d visits are drawn: narrow the date window to see later ones.", timelineMax)
	}
	return t
}

// plural writes "1 visit" or "3 visits".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatCount(n) + " " + many
}

// shorten cuts s to at most n runes, ending with an ellipsis if cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
