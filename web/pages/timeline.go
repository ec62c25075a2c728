package pages

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zootour/zootour"
)

// An animal's timeline, drawn on the server as inline SVG from its stays:
// the whole tour along x, one row per zoo (in the order the animal first
// came to each), one bar per stay, a line that follows the tour, and
// today marked. The date axis sits at the top, above the rows, and stays
// in view while a long list of zoos scrolls under it; the picture keeps a
// readable size in CSS pixels and scrolls sideways on a narrow screen. The
// itinerary table beside it holds the same facts for those who do not see
// it.

// Geometry of the picture, in CSS pixels.
const (
	tlWidth     = 760
	tlLabelEnd  = 204 // zoo labels end here (right-aligned)
	tlPlotLeft  = 220
	tlPlotRight = 744
	tlAxis      = 34 // the axis picture's height
	tlLabelMax  = 24 // runes of a zoo name shown before an ellipsis
	tlTicks     = 6  // about how many dates the axis labels
)

// rowHeight is the height of a zoo's row: less as the zoos are more, so
// that a short tour is roomy and a tour of hundreds of zoos still scrolls
// in reasonable length.
func rowHeight(zoos int) int {
	switch {
	case zoos <= 15:
		return 30
	case zoos <= 60:
		return 20
	}
	return 14
}

type timeline struct {
	Width, Height   int // the rows' picture
	AxisHeight      int
	PlotLeft        int
	LabelEnd        int
	PlotRight       int
	Title, Desc     string
	Caption         string
	Rows            []tlRow
	Ticks           []tlTick
	Bars            []tlBar
	Points          string // the tour's line, "x,y x,y ..."
	Today           *tlTick
	Tall            bool // the rows scroll under the axis
	RowH, TextShift int
}

type tlRow struct {
	Y, Height, TextY int
	Label, Full      string
	Stays            int
}

type tlTick struct {
	X      int
	Label  string
	Anchor string // of the label: "middle", or "end" near the right edge
}

type tlBar struct {
	X, Y, W, H int
	Open       bool
	Title      string
}

// drawTimeline lays out the stays (in date order) of animal a, at the zoos
// zoo names; today is marked when the tour spans it. It returns nil when
// there is nothing to draw.
func drawTimeline(a zootour.Animal, stays []zootour.Stay, zoo func(id int64) zootour.Zoo, today zootour.Date) *timeline {
	if len(stays) == 0 {
		return nil
	}
	t := &timeline{Width: tlWidth, AxisHeight: tlAxis, PlotLeft: tlPlotLeft, PlotRight: tlPlotRight, LabelEnd: tlLabelEnd}

	row := make(map[int64]int) // zoo ID -> row
	visits := 0
	for _, s := range stays {
		visits += s.Visits
		i, ok := row[s.ZooID]
		if !ok {
			i = len(t.Rows)
			row[s.ZooID] = i
			z := zoo(s.ZooID)
			name := z.Name
			if name == "" {
				name = "(deleted)"
			}
			t.Rows = append(t.Rows, tlRow{Label: shorten(name, tlLabelMax), Full: strings.TrimSuffix(name+", "+z.Location, ", ")})
		}
		t.Rows[i].Stays++
	}
	h := rowHeight(len(t.Rows))
	t.RowH = h
	for i := range t.Rows {
		r := &t.Rows[i]
		r.Y, r.Height = i*h, h
		r.TextY = r.Y + h/2 + 4 // text sits centred on its baseline
	}
	t.Height = len(t.Rows) * h
	t.Tall = t.Height > 480

	// The span: the first arrival to the last departure, or to today (at
	// least a day past the last arrival) while the animal is still there.
	first, last := stays[0], stays[len(stays)-1]
	start, end := first.From, last.From.AddDays(1)
	if last.To != nil {
		end = *last.To
	} else if today.After(end) {
		end = today
	}
	span := start.DaysUntil(end)
	x := func(d zootour.Date) int {
		return tlPlotLeft + int(int64(start.DaysUntil(d))*int64(tlPlotRight-tlPlotLeft)/int64(span))
	}

	var pts strings.Builder
	for _, s := range stays {
		to := end
		if s.To != nil {
			to = *s.To
		}
		r := t.Rows[row[s.ZooID]]
		b := tlBar{X: x(s.From), Y: r.Y + h/4, H: max(h/2, 4), Open: s.To == nil}
		b.W = max(x(to)-b.X, 2)
		z := zoo(s.ZooID)
		b.Title = fmt.Sprintf("%s: %s, %s", s.From, z.Name, plural(s.Visits, "visit", "visits"))
		if s.To != nil {
			b.Title = fmt.Sprintf("%s to %s: %s, %s", s.From, *s.To, z.Name, plural(s.Visits, "visit", "visits"))
		} else {
			b.Title += ", still there"
		}
		t.Bars = append(t.Bars, b)
		fmt.Fprintf(&pts, "%d,%d ", b.X, r.Y+h/2)
	}
	t.Points = strings.TrimSpace(pts.String())
	for _, d := range axisDates(start, end) {
		t.Ticks = append(t.Ticks, tlTick{X: x(d), Label: d.String()})
	}
	if !today.Before(start) && !today.After(end) {
		t.Today = &tlTick{X: x(today), Label: "today", Anchor: "middle"}
		if t.Today.X > tlPlotRight-20 {
			t.Today.Anchor = "end"
		}
	}

	zoos := len(t.Rows)
	t.Title = "Timeline of " + a.Name + "'s visits"
	t.Desc = fmt.Sprintf("%s (%s) made %s to %s in %s, from %s", a.Name, a.Species, plural(visits, "visit", "visits"),
		plural(zoos, "zoo", "zoos"), plural(len(stays), "stay", "stays"), start)
	if last.To != nil {
		t.Desc += fmt.Sprintf(" to %s.", *last.To)
	} else {
		t.Desc += fmt.Sprintf("; it has been at %s since %s.", zoo(last.ZooID).Name, last.From)
	}
	var names []string
	for _, r := range t.Rows[:min(zoos, 10)] {
		names = append(names, r.Full+" ("+plural(r.Stays, "stay", "stays")+")")
	}
	t.Desc += " In order of first visit: " + strings.Join(names, "; ")
	if zoos > 10 {
		t.Desc += fmt.Sprintf("; and %d more", zoos-10)
	}
	t.Desc += "."
	t.Caption = "Each bar is a stay, from the day the animal came to a zoo to the day it came to the next; the line follows the tour."
	if t.Tall {
		t.Caption += " The zoos scroll under the dates."
	}
	return t
}

// axisDates returns about tlTicks dates from start to end to label the
// axis: the first of January of evenly spaced years for long spans, the
// first of months for short ones, or just the ends of a span of days.
func axisDates(start, end zootour.Date) []zootour.Date {
	days := start.DaysUntil(end)
	var out []zootour.Date
	if days >= 2*365 {
		years := end.Year() - start.Year()
		step := 1
		for _, s := range []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000} {
			if step = s; years/s <= tlTicks {
				break
			}
		}
		for y := (start.Year()/step + 1) * step; y <= end.Year(); y += step {
			d, err := zootour.NewDate(y, 1, 1)
			if err == nil && !d.After(end) {
				out = append(out, d)
			}
		}
		return out
	}
	if days >= 60 {
		months := days / 30
		step := max(1, (months+tlTicks-1)/tlTicks)
		y, m := start.Year(), start.Month()
		for {
			m += 1
			if m > 12 {
				y, m = y+1, 1
			}
			d, err := zootour.NewDate(y, m, 1)
			if err != nil || d.After(end) {
				return out
			}
			if (int(m)-1)%step == 0 {
				out = append(out, d)
			}
		}
	}
	return []zootour.Date{start, end}
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
