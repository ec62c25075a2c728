package bench

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// The latency chart, drawn by hand: log-log axes, one line per store and
// one for the teaching model, solid for the typical zoo and dashed for the
// busy zoo.

const (
	chartW, chartH = 760, 460
	padL, padR     = 80, 190
	padT, padB     = 50, 60
)

var seriesColor = map[string]string{
	"teaching": "#777777",
	SQLite:     "#3366cc",
	Postgres:   "#d95f02",
}

// chartQuestion is the question the chart shows: a zoo's animals.
var chartQuestion = Question{rel: zooAnimals}

type point struct {
	visits int
	t      time.Duration
}

type series struct {
	name   string // "teaching" or a store
	role   string // "typical" or "busy"
	points []point
}

// chartSeries collects the chart's lines from the report.
func (r *Report) chartSeries() []series {
	var out []series
	for _, name := range append([]string{"teaching"}, r.stores()...) {
		for _, role := range []string{"typical", "busy"} {
			s := series{name: name, role: role}
			for _, sr := range r.Sizes {
				for _, row := range sr.Rels {
					if row.Question != chartQuestion || row.Record.Owner != "zoo" || row.Record.Role != role {
						continue
					}
					t := row.Teaching
					if name != "teaching" {
						if row.Store[name] == nil {
							continue
						}
						t = row.Store[name].Time
					}
					if t > 0 {
						s.points = append(s.points, point{sr.Visits, t})
					}
				}
			}
			if len(s.points) > 0 {
				out = append(out, s)
			}
		}
	}
	return out
}

// WriteSVG writes the chart of latency against the number of visits.
func (r *Report) WriteSVG(w io.Writer) error {
	ss := r.chartSeries()
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, p := range s.points {
			x, y := math.Log10(float64(p.visits)), math.Log10(p.t.Seconds())
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
	}
	if len(ss) == 0 {
		xmin, xmax, ymin, ymax = 4, 6, -6, 0
	}
	xmin, xmax = math.Floor(xmin), math.Ceil(xmax)
	if xmax == xmin {
		xmax++
	}
	ymin, ymax = math.Floor(ymin), math.Ceil(ymax)
	if ymax == ymin {
		ymax++
	}
	px := func(v float64) float64 {
		return padL + (v-xmin)/(xmax-xmin)*(chartW-padL-padR)
	}
	py := func(v float64) float64 {
		return chartH - padB - (v-ymin)/(ymax-ymin)*(chartH-padT-padB)
	}

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", chartW, chartH, chartW, chartH)
	p(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	p(`<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", padL, esc("A zoo's animals: latency against the number of visits"))

	// Grid and ticks: a line per decade.
	for e := xmin; e <= xmax; e++ {
		x := px(e)
		p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#dddddd"/>`+"\n", x, padT, x, chartH-padB)
		p(`<text x="%.1f" y="%d" text-anchor="middle">10<tspan dy="-6" font-size="9">%d</tspan></text>`+"\n", x, chartH-padB+18, int(e))
	}
	for e := ymin; e <= ymax; e++ {
		y := py(e)
		p(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dddddd"/>`+"\n", padL, y, chartW-padR, y)
		p(`<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", padL-8, y, esc(decade(int(e))))
	}
	p(`<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444444"/>`+"\n", padL, padT, chartW-padL-padR, chartH-padT-padB)
	p(`<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", px((xmin+xmax)/2), chartH-16, esc("visits in the store (log scale)"))
	p(`<text transform="translate(18 %.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", py((ymin+ymax)/2), esc("time per call (log scale)"))

	for _, s := range ss {
		color := seriesColor[s.name]
		dash := ""
		if s.role == "busy" {
			dash = ` stroke-dasharray="7 4"`
		}
		pts := make([]string, len(s.points))
		for i, pt := range s.points {
			pts[i] = fmt.Sprintf("%.1f,%.1f", px(math.Log10(float64(pt.visits))), py(math.Log10(pt.t.Seconds())))
		}
		p(`<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`+"\n", color, dash, strings.Join(pts, " "))
		for i, pt := range s.points {
			xy := strings.Split(pts[i], ",")
			p(`<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s</title></circle>`+"\n", xy[0], xy[1], color,
				esc(fmt.Sprintf("%s, %s zoo, %s visits: %s", s.name, s.role, count(pt.visits), dur(pt.t))))
		}
	}

	// Legend.
	lx, ly := chartW-padR+20, padT+10
	for i, name := range append([]string{"teaching"}, r.stores()...) {
		y := ly + i*22
		p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>`+"\n", lx, y, lx+28, y, seriesColor[name])
		label := name + " store"
		if name == "teaching" {
			label = "teaching model"
		}
		p(`<text x="%d" y="%d" dominant-baseline="middle">%s</text>`+"\n", lx+36, y, esc(label))
	}
	y := ly + (len(r.stores())+1)*22 + 10
	p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444444" stroke-width="2"/>`+"\n", lx, y, lx+28, y)
	p(`<text x="%d" y="%d" dominant-baseline="middle">typical zoo</text>`+"\n", lx+36, y)
	p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444444" stroke-width="2" stroke-dasharray="7 4"/>`+"\n", lx, y+22, lx+28, y+22)
	p(`<text x="%d" y="%d" dominant-baseline="middle">busy zoo</text>`+"\n", lx+36, y+22)
	p("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// decade names 10^e seconds: "1 µs", "100 ms".
func decade(e int) string {
	units := []string{"ns", "µs", "ms", "s"}
	i := (e + 9) / 3
	if e+9 < 0 || i >= len(units) {
		return fmt.Sprintf("1e%d s", e)
	}
	return fmt.Sprintf("%d %s", int(math.Pow10((e+9)%3)), units[i])
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
