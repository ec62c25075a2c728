package bench

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour"
)

// Command is the command that reproduces the report, as BENCHMARKS.md
// shows it.
const Command = "ZOOTOUR_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go run ./bench/cmd/benchreport -sizes 10000,1000000"

// targetSize is where the targets of issue 7 are set.
const targetSize = 1_000_000

// Targets of issue 7, and of the pages and searches.
const (
	sqlLimitTarget     = 1.3
	sqliteImportTarget = 300_000.0
	// growthTarget is how much more a typical record's answer may cost per
	// row at the largest size than at the smallest: a few more levels of
	// B-tree, nothing that grows with the total.
	growthTarget = 2.0
	// searchTarget is "a few times" a single-record lookup, the most a
	// search page may cost.
	searchTarget = 5.0
	// pageEndsTarget is how much more the last page of a listing may cost
	// than its first: "the same", up to the noise of a shared machine.
	pageEndsTarget = 1.5
)

// WriteMarkdown writes the report as BENCHMARKS.md; chart is the path of
// the latency chart relative to it.
//
// analysis, if not empty, is Markdown written for a run of the report (why
// targets are missed, and what to change); it follows the targets.
func (r *Report) WriteMarkdown(w io.Writer, command, chart, analysis string) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("Every figure here comes from one run of the benchmark program (package `bench`, issue 7) on %s; the run took %s. ",
		r.Started.Format("2006-01-02"), r.Took.Round(time.Second))
	p("Each store's time stands beside baselines measured in the same run: the **teaching model**, which scans every visit (\"×faster\": how many times faster the store is), and the **limit**, the least work that gives the same answer (\"×limit\": how many times the limit the store takes); a page or a search stands beside a **lookup** of one record by ID in the same store (\"×lookup\"); a where-and-when first page beside the first page of the busy animal's or zoo's **visits** (\"×unit\"); a write of a visit beside **the plain insert and delete, no stays** (\"×plain\").\n\n")
	p("To reproduce (about %.0f minutes; without `ZOOTOUR_TEST_POSTGRES` PostgreSQL is skipped):\n\n", math.Ceil(r.Took.Minutes()))
	p("```\n%s\n```\n\n", command)
	if analysis != "" {
		p("`-save results.json` keeps the figures, and `-load results.json -analysis bench/analysis.md` writes this file again from them with the hand-written analysis that follows the targets.\n\n")
	}
	p("`go test -bench . ./bench/` runs the same questions at 10^4 visits (`ZOOTOUR_BENCH_VISITS` and `ZOOTOUR_BENCH_VISITS_PER_ANIMAL` change the size) for quick comparisons; `go test ./bench/` runs the report at a tiny size as a smoke test.\n\n")
	m := r.Machine
	p("**Machine:** %s, %d cores (shared with other work, so figures vary by ±30%% between runs), %s memory, %s; %s; SQLite %s",
		orDash(m.CPU), m.Cores, gib(m.Memory), orDash(m.OS), m.Go, orDash(m.SQLite))
	if m.Postgres != "" {
		p("; PostgreSQL %s on the same machine, over loopback", m.Postgres)
	}
	p(".\n\n")
	if m.Commit != "" {
		p("**Code measured:** the working tree at commit %s.\n\n", m.Commit)
	}

	r.writeTargets(p)
	if analysis != "" {
		p("%s\n\n", strings.TrimSpace(analysis))
	}
	if chart != "" {
		p("## Latency against the number of visits\n\n")
		p("![Latency of a zoo's animals against the number of visits, log-log](%s)\n\n", chart)
		p("A zoo's animals (no window) for the typical zoo (solid) and the busy zoo (dashed), log-log. The typical zoo's answer is the same size at every size of data set, so its line should be flat for a store and grow with the visits for the teaching model.\n\n")
	}
	r.writeMethod(p)
	for _, sr := range r.Sizes {
		r.writeRelations(p, sr)
	}
	r.writeGrowth(p)
	for _, sr := range r.Sizes {
		r.writeWhere(p, sr)
	}
	for _, sr := range r.Sizes {
		r.writeFirstPages(p, sr)
	}
	for _, sr := range r.Sizes {
		r.writePages(p, sr)
	}
	for _, sr := range r.Sizes {
		r.writeWrites(p, sr)
	}
	r.writeTransfer(p)
	r.writeHTTP(p)
	r.writePlans(p)
	if notes := r.notes(); len(notes) > 0 {
		p("## Not measured\n\n")
		for _, n := range notes {
			p("- %s\n", n)
		}
		p("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type printer func(format string, args ...any)

// notes returns the report's notes. Saved results from before the memory
// store was retired carry notes about where it was not run; the note that
// it is retired stands for them all.
func (r *Report) notes() []string {
	var out []string
	retired := false
	for _, n := range r.Notes {
		if strings.HasPrefix(n, "The memory store") {
			if retired {
				continue
			}
			n, retired = retiredNote, true
		}
		out = append(out, n)
	}
	if !retired {
		out = append(out, retiredNote)
	}
	return out
}

// stores returns the stores measured at any size, in table order.
func (r *Report) stores() []string {
	var out []string
	for _, name := range StoreNames {
		for _, sr := range r.Sizes {
			if sr.Stores[name] != nil {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// targetResult returns the size at which the targets are judged: 10^6
// visits, or the largest size run below it.
func (r *Report) targetResult() *SizeResult {
	var best *SizeResult
	for _, sr := range r.Sizes {
		if sr.Visits <= targetSize && (best == nil || sr.Visits > best.Visits) {
			best = sr
		}
	}
	if best == nil && len(r.Sizes) > 0 {
		best = r.Sizes[0]
	}
	return best
}

func (r *Report) writeTargets(p printer) {
	sr := r.targetResult()
	if sr == nil {
		return
	}
	p("## Targets at %s visits\n\n", count(sr.Visits))
	if sr.Visits != targetSize {
		p("(The targets are set at 10^6 visits; this run's largest size up to that is %s, so they are judged there.)\n\n", count(sr.Visits))
	}
	p("| target | measured | met |\n| --- | --- | --- |\n")
	row := func(target, measured string, ok bool) { p("| %s | %s | %s |\n", target, measured, yesNo(ok)) }
	for _, name := range []string{SQLite, Postgres} {
		if sr.Stores[name] == nil {
			continue
		}
		worst, n, over := 0.0, 0, 0
		var worstRow *RelRow
		for _, row := range sr.Rels {
			t := row.Store[name]
			x := ratio(t.Time, t.Limit)
			n++
			if x > sqlLimitTarget {
				over++
			}
			if x > worst {
				worst, worstRow = x, row
			}
		}
		if worstRow != nil {
			row(fmt.Sprintf("%s within %.1fx of its limit", name, sqlLimitTarget),
				fmt.Sprintf("%d of %d rows over; worst %.2fx (%s, %s)", over, n, worst, worstRow.Question.Name(), worstRow.Record.Label()),
				over == 0)
		}
		wrong := 0
		for _, row := range sr.Rels {
			if row.Store[name].Wrong != "" {
				wrong++
			}
		}
		if wrong > 0 {
			row(name+" answers equal the teaching model's", fmt.Sprintf("%d rows differ", wrong), false)
		}
	}
	r.pageTargets(sr, row)
	r.staysTargets(sr, row)
	for _, name := range []string{SQLite, Postgres} {
		res := sr.Stores[name]
		if res == nil {
			continue
		}
		var probs []string
		for _, pp := range res.Plans {
			for _, pr := range pp.Store.Problems {
				probs = append(probs, pp.Store.Question+", "+pp.Store.Record+": "+pr)
			}
		}
		measured := fmt.Sprintf("none in the %d plans of the store's queries (every question, busy and typical record)", len(res.Plans))
		if len(probs) > 0 {
			measured = strings.Join(probs, "; ")
		}
		row(name+" plans: no full scan, no sort over the whole table", measured, len(probs) == 0)
		if len(res.PagePlans) > 0 {
			probs = nil
			for _, pl := range res.PagePlans {
				for _, pr := range pl.Problems {
					probs = append(probs, pl.Question+": "+pr)
				}
			}
			measured = fmt.Sprintf("none in the %d plans of the pages and searches", len(res.PagePlans))
			if len(probs) > 0 {
				measured = strings.Join(probs, "; ")
			}
			row(name+" page plans: no full scan; a page after a cursor starts at the cursor; only a search sorts (its matches)", measured, len(probs) == 0)
		}
	}
	if res := sr.Stores[SQLite]; res != nil {
		row(fmt.Sprintf("SQLite import at least %s visits/s", count(sqliteImportTarget)), count(res.ImportRate)+" visits/s", res.ImportRate >= sqliteImportTarget)
		if pg := sr.Stores[Postgres]; pg != nil {
			row("PostgreSQL import (COPY) at least as fast as SQLite's", fmt.Sprintf("%s visits/s, %.2fx SQLite's", count(pg.ImportRate), pg.ImportRate/res.ImportRate), pg.ImportRate >= res.ImportRate)
		}
	}
	for _, name := range []string{SQLite, Postgres} {
		sizes := r.sizesOf(name)
		if len(sizes) < 2 {
			continue
		}
		// Bounded means the two largest sizes peak alike: a store may use
		// a fixed amount (a page cache, a sort buffer) that a small import
		// does not fill.
		var peaks []string
		for _, sr := range sizes {
			peaks = append(peaks, fmt.Sprintf("%s at %s", mib(sr.Stores[name].ImportPeak), short(sr.Visits)))
		}
		a, b := sizes[len(sizes)-2].Stores[name].ImportPeak, sizes[len(sizes)-1].Stores[name].ImportPeak
		row(name+" import in constant memory (the two largest sizes peak alike)", "peak RSS "+strings.Join(peaks, ", "),
			float64(b) < 1.25*float64(a)+16<<20)
	}
	for _, name := range r.stores() {
		first, last := r.firstLast(name)
		if first == nil || first == last {
			continue
		}
		worst, which := r.growth(name, first, last)
		row(fmt.Sprintf("%s: a typical record's time grows with its answer, not with the total visits", name),
			fmt.Sprintf("time per row at %s visits is at most %.2fx that at %s (%s)", count(last.Visits), worst, count(first.Visits), which),
			worst <= growthTarget)
	}
	p("\n")
	r.writeFlatness(p)
}

// sizesOf returns the sizes at which a store ran.
func (r *Report) sizesOf(name string) []*SizeResult {
	var out []*SizeResult
	for _, sr := range r.Sizes {
		if sr.Stores[name] != nil {
			out = append(out, sr)
		}
	}
	return out
}

// firstLast returns the smallest and largest sizes at which a store ran.
func (r *Report) firstLast(name string) (first, last *SizeResult) {
	for _, sr := range r.Sizes {
		if sr.Stores[name] == nil {
			continue
		}
		if first == nil {
			first = sr
		}
		last = sr
	}
	return first, last
}

// growth returns the largest ratio, over the typical records' questions,
// of the time per row of the answer at last to that at first.
func (r *Report) growth(name string, first, last *SizeResult) (float64, string) {
	worst, which := 0.0, ""
	for i, row := range last.Rels {
		if row.Record.Role != "typical" {
			continue
		}
		before := first.Rels[i]
		perRow := func(rr *RelRow) float64 { return rr.Store[name].Time.Seconds() / float64(max(rr.Rows, 1)) }
		if x := perRow(row) / perRow(before); x > worst {
			worst, which = x, row.Question.Name()+", "+row.Record.Label()
		}
	}
	return worst, which
}

func (r *Report) writeMethod(p printer) {
	c := r.Config
	p("## How it was measured\n\n")
	perAnimal := cmp.Or(c.VisitsPerAnimal, DefaultVisitsPerAnimal)
	p("- **Data**: `generate.Source` with seed %d; zoos = visits/1400 and animals = visits/%d, so the typical zoo and the typical animal have the same number of visits at every size (listed with each size's relationship questions). The **busy** record is the zoo (or animal) with the most visits, the **typical** one the median by number of visits. The **window** of a record runs from the date of its visit a third of the way through to that of the visit two thirds through.\n", Seed, perAnimal)
	p("- **Timing**: each figure is the median of %d samples, each a batch of calls lasting at least %v (3 samples for calls over %v), after one call to warm up. Data is warm: what the questions read is in SQLite's page cache (the store's setting, per connection), PostgreSQL's shared buffers (128 MiB here) or the operating system's file cache.\n", c.Timer.Reps, c.Timer.MinSample, c.Timer.Slow)
	p("- **Teaching model**: `teaching.Model` holding the same data, in the same process. Its where-and-when questions scan every visit once per animal (present, census) or once per animal per stay (contacts); where that would take longer than %v a call, the time is estimated as that many scans of the typical animal's visits (marked ≈) and not run.\n", c.TeachingBudget)
	p("- **Limit**: the fastest of a few single SQL queries for the same answer (see the plans below), prepared once and run through the same driver (database/sql with modernc.org/sqlite; pgx) on a connection of its own, scanning into the same types, with no zootour code around it: no transaction, no existence check. Every limit's answer is checked equal to the teaching model's, and so is every store's.\n")
	p("- **PostgreSQL** gets `VACUUM ANALYZE` after its import (the stays too), the state autovacuum leaves it in within a minute. Each import goes into a fresh schema, dropped at the end.\n")
	p("- **Import and export**: `Store.Import` of `generate.Source` into an empty store, and `Store.Export` to a sink that counts, each in a child process; median of %d runs up to 10^6 visits, one run above. The rate includes opening and closing the store (SQLite checkpoints its log on close). **Peak memory** is the child's peak resident set size (getrusage `ru_maxrss`), so it counts the Go runtime and the driver; \"open only\" is a child that opens and closes the store, for comparison. For PostgreSQL only the client is counted, not the server.\n", c.ImportReps)
	p("- **Pages and searches**: one call each for a page of at most %d entries (`FindAnimals`, `FindZoos`, `FindVisits`, `ZooPresent` with a window), their samples alternating with those of `Animal` of the typical animal, the unit of \"×lookup\". Each answer is checked equal to the teaching model's (`FindAnimals`, `FindZoos`, `FindVisits`, `PresentDuring`, whole answers cut to the page); the last page starts after the cursor of the entry %d from the end, from the teaching model's whole listing.\n", pageSize, pageSize+1)
	p("- **Where and when, first pages**: the first page (limit %d) of the busy animal's contacts, of the census on the median date, and of who was at the busy zoo on the date of its middle visit and during the year from it (`AnimalContacts`, `Census`, `ZooPresent`); their samples alternate with those of their units, the first page (limit %d) of the busy animal's visits (for the contacts) and of the busy zoo's visits (for the rest), and \"×unit\" is the time over the unit's. Each answer is checked equal to the teaching model's whole answer cut to the page. That answer is asked of small models, since an animal's stays depend on its own visits only: for the census and who was present, one model per animal with its visits, the answers summed or merged; for the contacts, the animal and the animals with a visit to one of its zoos, %d at a time in ID order, with all their visits, until the page is full. So the check is exact at every size, where the whole model would read every visit once per animal.\n", pageSize, pageSize, contactBatch)
	p("- **Writes**: for the typical and the busy animal, a visit on the first date from its middle visit on which it has none, at a zoo other than the one it is at that day (so the write splits a stay): `CreateVisit` then `DeleteVisit` of that visit, timed as a pair and halved, so each figure is per write. Its samples alternate with those of **the plain insert and delete, no stays**: a single-row `INSERT ... RETURNING id` and a `DELETE` by ID, prepared, through the store's own driver on a connection of its own (SQLite: database/sql on the same file with the store's pragmas; PostgreSQL: pgx on the same schema), each in its own transaction. The write before the stays existed cannot run here; it also checked the zoo, the animal and the date in one transaction, which the plain one does not, so \"×plain\" overstates what the stays add. After the writes each animal's stays are checked equal to the teaching model's.\n")
	p("- **The stays' share of an import**: the import's last step, which writes every stay from the visits into the empty table, is replayed on the imported store and timed (median of as many runs as imports); the import without the stays is estimated as the import's median time less that. SQLite: the store's `Rebuild` (`zootour.Checker`), which deletes every stay and runs exactly that step, less the time of the `DELETE` alone, taken in a transaction rolled back. PostgreSQL: `Rebuild` fills the table with its keys in place, a foreign-key check a row, where the import drops the keys and indexes and builds them after, so the import's statements (copied in `bench/writes.go`, checked equal by a test) run instead, in a transaction that empties the table first and is rolled back.\n")
	p("- **Disk per visit**: SQLite's pages of the visits table and its indexes (`dbstat`), PostgreSQL's `pg_total_relation_size('visits')`; and the whole file or schema. For scale, a visit in `visits.csv` takes the bytes shown, and in the teaching model's slice 32 bytes.\n")
	p("- **HTTP**: the real server (`web.New`) on a loopback port; %d goroutines send %s requests in all for the first page (100 entries) of the busy zoo's animals, each after the previous answer, then stop. \"direct\" is the same page asked of the store by a call.\n\n", c.HTTPClients, count(c.HTTPRequests))
}

func (r *Report) writeRelations(p printer, sr *SizeResult) {
	stores := r.storesAt(sr)
	p("## Relationship questions at %s visits\n\n", count(sr.Visits))
	p("%s zoos, %s animals, %s visits. ", count(sr.Gen.Zoos), count(sr.Gen.Animals), count(sr.Visits))
	var recs []string
	for _, rec := range sr.Records {
		if rec.Owner == "date" {
			continue
		}
		recs = append(recs, fmt.Sprintf("%s #%d: %s visits, window %s..%s", rec.Label(), rec.ID, count(rec.Visits), rec.From, rec.To))
	}
	p("%s.\n\n", strings.Join(recs, "; "))
	p("| question | record | rows | teaching |")
	for _, s := range stores {
		p(" %s | ×faster | ×limit |", s)
	}
	p("\n| --- | --- | ---: | ---: |")
	for range stores {
		p(" ---: | ---: | ---: |")
	}
	p("\n")
	for _, row := range sr.Rels {
		p("| %s | %s | %s | %s |", row.Question.Name(), row.Record.Label(), count(row.Rows), dur(row.Teaching))
		for _, s := range stores {
			t := row.Store[s]
			p(" %s | %s | %s |", dur(t.Time)+wrongMark(t), count(ratio(row.Teaching, t.Time))+"x", fmt.Sprintf("%.2fx", ratio(t.Time, t.Limit)))
		}
		p("\n")
	}
	p("\n")
	if slices.Contains(stores, SQLite) || slices.Contains(stores, Postgres) {
		p("The limits' times, and which query was fastest:\n\n| question | record |")
		for _, s := range stores {
			p(" %s limit |", s)
		}
		p("\n| --- | --- |")
		for range stores {
			p(" --- |")
		}
		p("\n")
		for _, row := range sr.Rels {
			p("| %s | %s |", row.Question.Name(), row.Record.Label())
			for _, s := range stores {
				t := row.Store[s]
				p(" %s (%s) |", dur(t.Limit), t.LimitName)
			}
			p("\n")
		}
		p("\n")
	}
	r.writeWrong(p, sr)
}

// storesAt returns the stores measured at sr, in table order.
func (r *Report) storesAt(sr *SizeResult) []string {
	var out []string
	for _, name := range StoreNames {
		if sr.Stores[name] != nil {
			out = append(out, name)
		}
	}
	return out
}

func (r *Report) writeWrong(p printer, sr *SizeResult) {
	for _, row := range sr.Rels {
		for _, s := range r.storesAt(sr) {
			if w := row.Store[s].Wrong; w != "" {
				p("**%s gave a wrong answer** to %s about %s: \n```\n%s\n```\n\n", s, row.Question.Name(), row.Record.Label(), w)
			}
		}
	}
	for _, row := range sr.Where {
		for _, s := range r.storesAt(sr) {
			if t := row.Store[s]; t != nil && t.Wrong != "" {
				p("**%s gave a wrong answer** to %s about %s: \n```\n%s\n```\n\n", s, row.Question, row.Record.Label(), t.Wrong)
			}
		}
	}
}

func (r *Report) writeGrowth(p printer) {
	if len(r.Sizes) < 2 {
		return
	}
	p("## Growth with the number of visits\n\n")
	p("The typical records' questions at every size: the answers stay about the same size while the visits grow a hundredfold or more, so a store's time should stay flat and the teaching model's grow with the visits. Rows, then time per size.\n\n")
	p("| question | record | rows |")
	cols := []string{"teaching"}
	cols = append(cols, r.stores()...)
	for _, c := range cols {
		for _, sr := range r.Sizes {
			p(" %s %s |", c, short(sr.Visits))
		}
	}
	p("\n| --- | --- | --- |")
	for range cols {
		for range r.Sizes {
			p(" ---: |")
		}
	}
	p("\n")
	for i, row := range r.Sizes[0].Rels {
		if row.Record.Role != "typical" {
			continue
		}
		var rows []string
		for _, sr := range r.Sizes {
			rows = append(rows, count(sr.Rels[i].Rows))
		}
		p("| %s | %s | %s |", row.Question.Name(), row.Record.Label(), strings.Join(rows, " / "))
		for _, c := range cols {
			for _, sr := range r.Sizes {
				rr := sr.Rels[i]
				switch t := rr.Store[c]; {
				case c == "teaching":
					p(" %s |", dur(rr.Teaching))
				case t == nil:
					p(" – |")
				default:
					p(" %s |", dur(t.Time))
				}
			}
		}
		p("\n")
	}
	p("\n")
}

func (r *Report) writeWhere(p printer, sr *SizeResult) {
	stores := r.storesAt(sr)
	p("## Where and when at %s visits\n\n", count(sr.Visits))
	p("The questions of `zootour.WhereWhen`. \"where\" and \"present\" are asked on the date of the record's middle visit, the census on the date of the middle visit of all (%s); contacts with a window use the record's window.", sr.Records[len(sr.Records)-1].On)
	for _, s := range stores {
		if note := sr.Stores[s].WhereNote; note != "" {
			p(" The %s store %s, so it has no figures here.", s, note)
		}
	}
	p("\n\n| question | record | rows | teaching |")
	for _, s := range stores {
		p(" %s | ×faster |", s)
	}
	p("\n| --- | --- | ---: | ---: |")
	for range stores {
		p(" ---: | ---: |")
	}
	p("\n")
	for _, row := range sr.Where {
		est := ""
		if row.Estimated {
			est = "≈ "
		}
		p("| %s | %s | %s | %s%s |", row.Question, row.Record.Label(), count(row.Rows), est, dur(row.Teaching))
		for _, s := range stores {
			t := row.Store[s]
			if t == nil {
				p(" – | – |")
				continue
			}
			p(" %s | %s%sx |", dur(t.Time)+wrongMark(t), est, count(ratio(row.Teaching, t.Time)))
		}
		p("\n")
	}
	p("\n")
}

func (r *Report) writePages(p printer, sr *SizeResult) {
	stores := r.storesAt(sr)
	if len(sr.Pages) == 0 || len(stores) == 0 {
		return
	}
	p("## Pages and searches at %s visits\n\n", count(sr.Visits))
	p("%s zoos, %s animals. Each question asks the store for one page of at most %d entries; ×lookup is its time over that of `Animal` (the first row) in the same store, their samples alternating. A search page should cost at most a few times the lookup, and the last page of a listing the same as its first.\n\n",
		count(sr.Gen.Zoos), count(sr.Gen.Animals), pageSize)
	p("| question | asked | rows |")
	for _, s := range stores {
		p(" %s | ×lookup |", s)
	}
	p("\n| --- | --- | ---: |")
	for range stores {
		p(" ---: | ---: |")
	}
	p("\n")
	for _, row := range sr.Pages {
		p("| %s | %s | %s |", row.Question, cell(row.Asked), count(row.Rows))
		for _, s := range stores {
			t := row.Store[s]
			if t == nil {
				p(" – | – |")
				continue
			}
			p(" %s | %.1fx |", dur(t.Time)+wrongMark(t), float64(t.Time)/sr.lookupTime(s))
		}
		p("\n")
	}
	p("\n")
	for _, row := range sr.Pages {
		for _, s := range stores {
			if t := row.Store[s]; t != nil && t.Wrong != "" {
				p("**%s gave a wrong answer** to %s (%s): \n```\n%s\n```\n\n", s, row.Question, row.Asked, t.Wrong)
			}
		}
	}
}

// pageTargets adds the targets of the pages and searches at sr.
func (r *Report) pageTargets(sr *SizeResult, row func(target, measured string, ok bool)) {
	find := func(question string) *PageRow {
		for _, pr := range sr.Pages {
			if pr.Question == question {
				return pr
			}
		}
		return nil
	}
	for _, name := range []string{SQLite, Postgres} {
		lookup := sr.lookupTime(name)
		if lookup == 0 {
			continue
		}
		var parts []string
		ok := true
		for _, pr := range sr.Pages {
			t := pr.Store[name]
			if !strings.HasPrefix(pr.Question, "search ") || t == nil {
				continue
			}
			x := float64(t.Time) / lookup
			ok = ok && x <= searchTarget && t.Wrong == ""
			parts = append(parts, fmt.Sprintf("%s %.1fx%s", pr.Question, x, wrongMark(t)))
		}
		if len(parts) > 0 {
			row(fmt.Sprintf("%s: a search page at most %.0fx a single-record lookup (%s animals)", name, searchTarget, count(sr.Gen.Animals)),
				strings.Join(parts, "; "), ok)
		}
		parts, ok = nil, true
		for _, listing := range []string{"animals by name", "visits newest first"} {
			first, last := find(listing+", first page"), find(listing+", last page")
			if first == nil || last == nil || first.Store[name] == nil || last.Store[name] == nil {
				continue
			}
			tf, tl := first.Store[name], last.Store[name]
			x := ratio(tl.Time, tf.Time)
			ok = ok && x <= pageEndsTarget && tf.Wrong == "" && tl.Wrong == ""
			parts = append(parts, fmt.Sprintf("%s: last %s, first %s, %.2fx", listing, dur(tl.Time), dur(tf.Time), x))
		}
		if len(parts) > 0 {
			row(fmt.Sprintf("%s: the last page of a listing costs the first's (within %.1fx)", name, pageEndsTarget), strings.Join(parts, "; "), ok)
		}
	}
}

// cell makes text safe in a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func (r *Report) writeTransfer(p printer) {
	p("## Import, export, memory and disk\n\n")
	p("| store | visits | import visits/s (runs) | import peak RSS | export visits/s | export peak RSS | open-only RSS | bytes per visit |\n")
	p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, name := range r.stores() {
		for _, sr := range r.Sizes {
			res := sr.Stores[name]
			if res == nil {
				continue
			}
			runs := make([]string, len(res.Imports))
			for i, x := range res.Imports {
				runs[i] = short(int(x))
			}
			per := fmt.Sprintf("%.0f visits and indexes, %.0f all (%.1fx visits.csv's %.0f)", res.DiskPerVisit, res.FilePerVisit, res.DiskPerVisit/sr.CSVBytes, sr.CSVBytes)
			p("| %s | %s | %s (%s) | %s | %s | %s | %s | %s |\n", name, count(sr.Visits), count(res.ImportRate), strings.Join(runs, ", "),
				mib(res.ImportPeak), count(res.ExportRate), mib(res.ExportPeak), mib(res.OpenPeak), per)
		}
	}
	p("\nGenerating the visits alone runs at about 15 million a second, a small part of every import.\n\n")
	r.writeImportShare(p)
	r.writeShellImport(p)
	r.writeDownloads(p)
}

func (r *Report) writeHTTP(p printer) {
	p("## HTTP API under load\n\n")
	p("| store | visits | requests/s | p50 | p99 | max | direct call | p50 ÷ direct |\n")
	p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, name := range r.stores() {
		for _, sr := range r.Sizes {
			res := sr.Stores[name]
			if res == nil {
				continue
			}
			h := res.HTTP
			p("| %s | %s | %s | %s | %s | %s | %s | %.1fx |\n", name, count(sr.Visits), count(h.PerSecond), dur(h.P50), dur(h.P99), dur(h.Max), dur(res.Direct), ratio(h.P50, res.Direct))
		}
	}
	p("\n")
}

func (r *Report) writePlans(p printer) {
	var sr *SizeResult
	for _, s := range r.Sizes { // the largest size with plans
		for _, name := range []string{SQLite, Postgres} {
			if res := s.Stores[name]; res != nil && len(res.Plans)+len(res.PagePlans) > 0 {
				sr = s
			}
		}
	}
	if sr == nil {
		return
	}
	p("## Query plans at %s visits\n\n", count(sr.Visits))
	p("For each question on the busy and the typical record: the plan of the store's query (copied from the store in `bench/storesql.go`, checked equal by a test), then that of the fastest limit query. PostgreSQL's are `EXPLAIN (ANALYZE)`, first the plan for the values given, then the generic plan the server may switch to after five calls of a prepared statement. The rule: no full scan of visits, zoos or animals, no probe that reads more than twice the record's visits, no sort of more rows than the record has visits. (The targets above judge the plans at 10^6 visits; these are the largest size's.)\n\n")
	for _, name := range []string{SQLite, Postgres} {
		res := sr.Stores[name]
		if res == nil || len(res.Plans) == 0 {
			continue
		}
		p("### %s\n\n| question | record | store query | limit query |\n| --- | --- | --- | --- |\n", name)
		for _, pp := range res.Plans {
			p("| %s | %s | %s | %s |\n", pp.Store.Question, pp.Store.Record, planVerdict(pp.Store), planVerdict(pp.Limit))
		}
		p("\n")
		for _, pp := range res.Plans {
			p("<details><summary>%s: %s, %s</summary>\n\nStore:\n\n```sql\n%s\n```\n\n```\n%s\n```\n\n", name, pp.Store.Question, pp.Store.Record, pp.Store.Query, pp.Store.Text)
			if pp.Store.Generic != "" {
				p("Generic plan:\n\n```\n%s\n```\n\n", pp.Store.Generic)
			}
			p("Limit:\n\n```sql\n%s\n```\n\n```\n%s\n```\n\n", pp.Limit.Query, pp.Limit.Text)
			if pp.Limit.Generic != "" {
				p("Generic plan:\n\n```\n%s\n```\n\n", pp.Limit.Generic)
			}
			p("</details>\n\n")
		}
		if len(res.PagePlans) == 0 {
			continue
		}
		p("Pages and searches (the SQL the store builds with `internal/findsql`; the lookup and the presence are not explained here):\n\n| question | asked | plan |\n| --- | --- | --- |\n")
		for _, pl := range res.PagePlans {
			p("| %s | %s | %s |\n", pl.Question, cell(pl.Record), pageVerdict(pl))
		}
		p("\n")
		for _, pl := range res.PagePlans {
			p("<details><summary>%s: %s</summary>\n\n```sql\n%s\n```\n\n```\n%s\n```\n\n", name, pl.Question, pl.Query, pl.Text)
			if pl.Generic != "" {
				p("Generic plan:\n\n```\n%s\n```\n\n", pl.Generic)
			}
			p("</details>\n\n")
		}
	}
}

func pageVerdict(pl Plan) string {
	switch {
	case len(pl.Problems) > 0:
		return "**" + strings.Join(pl.Problems, "; ") + "**"
	case len(pl.Sorts) > 0:
		return "index reads; sorts only the matches or a page (" + strings.Join(pl.Sorts, "; ") + ")"
	}
	return "index reads only, no sort"
}

func planVerdict(pl Plan) string {
	switch {
	case len(pl.Problems) > 0:
		return "**" + strings.Join(pl.Problems, "; ") + "**"
	case len(pl.Sorts) > 0:
		return "index seeks; sorts only the record's rows (" + strings.Join(pl.Sorts, "; ") + ")"
	}
	return "index seeks, no sort"
}

func wrongMark(t *Timing) string {
	if t.Wrong != "" {
		return " (**wrong**)"
	}
	return ""
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return math.Inf(1)
	}
	return float64(a) / float64(b)
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// dur formats a duration with three significant digits.
func dur(d time.Duration) string {
	s := d.Seconds()
	switch {
	case d <= 0:
		return "–"
	case s >= 2*3600:
		return sig(s/3600) + " h"
	case s >= 120:
		return sig(s/60) + " min"
	case s >= 1:
		return sig(s) + " s"
	case s >= 1e-3:
		return sig(s*1e3) + " ms"
	case s >= 1e-6:
		return sig(s*1e6) + " µs"
	}
	return sig(s*1e9) + " ns"
}

// sig formats x with three significant digits (no exponent).
func sig(x float64) string {
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// count formats a number with thousands separators; below 10 it keeps one
// decimal.
func count[T int | float64](n T) string {
	x := float64(n)
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return "∞"
	}
	if x < 10 && x != math.Trunc(x) {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	s := strconv.FormatInt(int64(math.Round(x)), 10)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// short writes a size as a power of ten where it is one: 10^6.
func short(n int) string {
	for e, p := 0, 1; p <= n; e, p = e+1, p*10 {
		if p == n && e >= 3 {
			return fmt.Sprintf("10^%d", e)
		}
	}
	if n >= 1000 {
		return fmt.Sprintf("%sk", count(float64(n)/1000))
	}
	return strconv.Itoa(n)
}

// gib turns /proc/meminfo's "24684092 kB" into "23.5 GiB".
func gib(kb string) string {
	n, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(kb, "kB")), 64)
	if err != nil {
		return orDash(kb)
	}
	return fmt.Sprintf("%.1f GiB", n/(1<<20))
}

func mib(b int64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

// staysTargets adds the targets of the where-and-when first pages and of
// the writes at sr (the targets 1, 2, 3 and 5).
func (r *Report) staysTargets(sr *SizeResult, row func(target, measured string, ok bool)) {
	groups := []struct {
		target    string
		questions []string
	}{
		{"the first page of the busy animal's contacts", []string{"animal contacts"}},
		{"the first page of the census", []string{"census"}},
		{"the first page of who was at the busy zoo on a date, and during a year,", []string{"zoo present on a date", "zoo present during a year"}},
	}
	for _, name := range []string{SQLite, Postgres} {
		if sr.Stores[name] == nil {
			continue
		}
		for _, g := range groups {
			var parts []string
			ok := true
			unitName := ""
			for _, fp := range sr.FirstPages {
				t, unit := fp.Store[name], firstPageUnit(sr.FirstPages, fp)
				if fp.Unit == "" || !slices.Contains(g.questions, fp.Question) || t == nil || unit == nil || unit.Store[name] == nil {
					continue
				}
				u := unit.Store[name]
				x := ratio(t.Time, u.Time)
				ok = ok && x <= firstPageTarget && t.Wrong == "" && u.Wrong == ""
				parts = append(parts, fmt.Sprintf("%s %s, %s %s: %.1fx", fp.Question, dur(t.Time)+wrongMark(t), unit.Question, dur(u.Time), x))
				unitName = unit.Record.Label() + "'s visits"
			}
			if len(parts) > 0 {
				row(fmt.Sprintf("%s: %s within %.0fx the first page of the %s", name, g.target, firstPageTarget, unitName),
					strings.Join(parts, "; "), ok)
			}
		}
		var parts []string
		ok := true
		for _, w := range sr.Writes {
			t := w.Store[name]
			if t == nil {
				continue
			}
			x := ratio(t.Time, t.Plain)
			ok = ok && x <= writeTarget
			parts = append(parts, fmt.Sprintf("%s %s, plain %s: %.2fx", w.Record.Label(), dur(t.Time), dur(t.Plain), x))
		}
		if len(parts) > 0 {
			row(fmt.Sprintf("%s: a write of one visit at most %.1fx the plain insert and delete, no stays (the same-run stand-in for the write before the stays)", name, writeTarget),
				strings.Join(parts, "; "), ok)
		}
		parts, ok = nil, true
		var share float64 // the largest share of an entry, for the import
		for _, w := range sr.Writes {
			t := w.Store[name]
			if t == nil || t.Logged == 0 {
				continue
			}
			x := t.withoutLog()
			ok = ok && x > 0 && x <= logWriteTarget
			share = max(share, t.logShare())
			parts = append(parts, fmt.Sprintf("%s %s, of which its log entry %s: %.2fx", w.Record.Label(), dur(t.Time), dur(time.Duration(t.logShare())), x))
		}
		if len(parts) > 0 {
			row(fmt.Sprintf("%s: a write with its log entry at most %.1fx the write alone (estimated: its time less its entry's share, replayed)", name, logWriteTarget),
				strings.Join(parts, "; "), ok)
			if imp := sr.importTime(name); imp > 0 {
				x := ratio(imp, imp-time.Duration(share))
				row(fmt.Sprintf("%s: an import of %s visits, with its one log entry, at most %.1fx the import alone", name, count(sr.Visits), logImportTarget),
					fmt.Sprintf("import %s, of which its entry at most %s: %.4fx", dur(imp), dur(time.Duration(share)), x), x <= logImportTarget)
			}
		}
		if res := sr.Stores[name]; res.StaysFill > 0 {
			imp := sr.importTime(name)
			x := ratio(imp, imp-res.StaysFill)
			row(fmt.Sprintf("%s: an import of %s visits at most %.1fx the import without the stays (estimated: its time less its fill of the stays, replayed)", name, count(sr.Visits), importTarget),
				fmt.Sprintf("import %s (%s visits/s), of which the stays %s: %.2fx", dur(imp), count(res.ImportRate), dur(res.StaysFill), x),
				x <= importTarget && res.StaysFill < imp)
		}
	}
}

// writeFlatness notes the time per row of each first page at every size
// (the target 4: flat from 10^4 to 10^7 visits).
func (r *Report) writeFlatness(p printer) {
	var sizes []*SizeResult
	for _, sr := range r.Sizes {
		if len(sr.FirstPages) > 0 {
			sizes = append(sizes, sr)
		}
	}
	if len(sizes) < 2 {
		return
	}
	first, last := sizes[0], sizes[len(sizes)-1]
	p("**Flatness of the where-and-when first pages** (target 4: flat from 10^4 to 10^7 visits, time per row of the answer; a note, not judged here): the time per row of each first page at every size, and the largest size's over the smallest's.\n\n")
	p("| question | store |")
	for _, sr := range sizes {
		p(" %s |", short(sr.Visits))
	}
	p(" %s ÷ %s |\n| --- | --- |", short(last.Visits), short(first.Visits))
	for range sizes {
		p(" ---: |")
	}
	p(" ---: |\n")
	perRow := func(sr *SizeResult, i int, name string) time.Duration {
		if i >= len(sr.FirstPages) {
			return 0
		}
		fp := sr.FirstPages[i]
		if t := fp.Store[name]; t != nil {
			return t.Time / time.Duration(max(fp.Rows, 1))
		}
		return 0
	}
	for _, name := range r.stores() {
		for i, fp := range last.FirstPages {
			p("| %s | %s |", fp.Question, name)
			for _, sr := range sizes {
				p(" %s |", dur(perRow(sr, i, name)))
			}
			if a, b := perRow(first, i, name), perRow(last, i, name); a > 0 && b > 0 {
				p(" %.2fx |\n", ratio(b, a))
			} else {
				p(" – |\n")
			}
		}
	}
	p("\n")
}

func (r *Report) writeFirstPages(p printer, sr *SizeResult) {
	stores := r.storesAt(sr)
	if len(sr.FirstPages) == 0 || len(stores) == 0 {
		return
	}
	p("## Where and when, first pages at %s visits\n\n", count(sr.Visits))
	p("%s zoos, %s animals. Each question asks for its first page (at most %d entries) beside its unit, the first page of the busy animal's visits (for the contacts) or of the busy zoo's visits (for the rest), their samples alternating; ×unit is its time over the unit's, which the targets hold to %.0fx. The busy animal has %s visits, the busy zoo %s.\n\n",
		count(sr.Gen.Zoos), count(sr.Gen.Animals), pageSize, firstPageTarget, count(sr.FirstPages[0].Record.Visits), count(firstPageUnitRecord(sr).Visits))
	p("| question | record | asked | rows |")
	for _, s := range stores {
		p(" %s | ×unit |", s)
	}
	p("\n| --- | --- | --- | ---: |")
	for range stores {
		p(" ---: | ---: |")
	}
	p("\n")
	for _, fp := range sr.FirstPages {
		p("| %s | %s | %s | %s |", fp.Question, fp.Record.Label(), cell(fp.Asked), count(fp.Rows))
		unit := firstPageUnit(sr.FirstPages, fp)
		for _, s := range stores {
			t := fp.Store[s]
			switch {
			case t == nil:
				p(" – | – |")
			case fp.Unit == "":
				p(" %s | unit |", dur(t.Time)+wrongMark(t))
			case unit == nil || unit.Store[s] == nil:
				p(" %s | – |", dur(t.Time)+wrongMark(t))
			default:
				p(" %s | %.1fx |", dur(t.Time)+wrongMark(t), ratio(t.Time, unit.Store[s].Time))
			}
		}
		p("\n")
	}
	p("\n")
	for _, fp := range sr.FirstPages {
		for _, s := range stores {
			if t := fp.Store[s]; t != nil && t.Wrong != "" {
				p("**%s gave a wrong answer** to %s (%s): \n```\n%s\n```\n\n", s, fp.Question, fp.Asked, t.Wrong)
			}
		}
	}
}

// firstPageUnitRecord returns the busy zoo, the record of the zoo's
// visits unit.
func firstPageUnitRecord(sr *SizeResult) Record {
	for _, fp := range sr.FirstPages {
		if fp.Question == unitZooVisits {
			return fp.Record
		}
	}
	return Record{}
}

func (r *Report) writeWrites(p printer, sr *SizeResult) {
	stores := r.storesAt(sr)
	if len(sr.Writes) == 0 || len(stores) == 0 || sr.Writes[0].Store[stores[0]] == nil {
		return
	}
	p("## Writes at %s visits\n\n", count(sr.Visits))
	p("One visit created and deleted again through the store (`CreateVisit`, `DeleteVisit`), each keeping the stays exact in its transaction, timed as a pair and halved: the time per write. Beside it, its samples alternating, **the plain insert and delete, no stays**: the same visit inserted and deleted by one prepared statement each through the store's driver, with no stays and none of the store's checks. ×plain is the store's time over the plain one's, which the targets hold to %.1fx as the same-run stand-in for the write before the stays.\n\n", writeTarget)
	p("**The change log's share**: beside them, the plain insert and delete again, %d times in one transaction rolled back, without and with the change log's entry the store writes for each, by the store's own statement (package logsql); the difference per write is what its entry adds to a write (free of the commits' noise), and ×alone the store's write over itself less that share, which the targets hold to %.1fx.\n\n", replayRounds, logWriteTarget)
	p("| animal | visit written |")
	for _, s := range stores {
		p(" %s | plain, no stays | ×plain | log entry | ×alone |", s)
	}
	p("\n| --- | --- |")
	for range stores {
		p(" ---: | ---: | ---: | ---: | ---: |")
	}
	p("\n")
	for _, w := range sr.Writes {
		p("| %s (%s visits) | %s at zoo #%d |", w.Record.Label(), count(w.Record.Visits), w.Visit.Date, w.Visit.ZooID)
		for _, s := range stores {
			t := w.Store[s]
			if t == nil {
				p(" – | – | – | – | – |")
				continue
			}
			p(" %s | %s | %.2fx | %s | %.2fx |", dur(t.Time), dur(t.Plain), ratio(t.Time, t.Plain), dur(time.Duration(t.logShare())), t.withoutLog())
		}
		p("\n")
	}
	p("\n")
	var growth []string
	for _, s := range stores {
		if res := sr.Stores[s]; res != nil && res.LogPerEntry > 0 {
			growth = append(growth, fmt.Sprintf("%s %.0f bytes", s, res.LogPerEntry))
		}
	}
	if len(growth) > 0 {
		p("**How the log grows**: by %s per entry (its table and indexes, measured over %s writes of a visit, each one entry). A write of one record is one entry, a cascade one per visit it deletes and one for its zoo or animal, an import one; nothing is deleted from the log.\n\n", strings.Join(growth, ", "), count(logGrowthWrites))
	}
}

// writeImportShare writes the stays' share of each import.
func (r *Report) writeImportShare(p printer) {
	var lines []string
	for _, name := range r.stores() {
		for _, sr := range r.Sizes {
			res := sr.Stores[name]
			if res == nil || res.StaysFill <= 0 {
				continue
			}
			imp, fill := sr.importTime(name), res.StaysFill
			without := "–"
			if imp > fill {
				without = fmt.Sprintf("%s (%s visits/s)", dur(imp-fill), count(float64(sr.Visits)/(imp-fill).Seconds()))
			}
			lines = append(lines, fmt.Sprintf("| %s | %s | %s | %s | %s | %.2fx |", name, count(sr.Visits), dur(imp), dur(fill), without, ratio(imp, imp-fill)))
		}
	}
	if len(lines) == 0 {
		return
	}
	p("The stays' share of the import: the import's median time, that of its last step, which writes every stay from the visits, replayed on the imported store, and the import's time without it, an estimate of the import before the stays. The targets hold the import to %.1fx the import without the stays.\n\n", importTarget)
	p("| store | visits | import | of which the stays | import without the stays ≈ | import ÷ without |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	p("%s\n\n", strings.Join(lines, "\n"))
}

// writeDownloads reports the CSV download of every visit beside the export
// to the data files (download.go).
func (r *Report) writeDownloads(p func(string, ...any)) {
	p("## CSV download of every visit\n\n")
	p("`GET /api/visits?format=csv` through the real server on loopback, read whole by a client in the same process, against `zootour export DIR` (`csvio.Export`: all three data files), each in a child process of its own, alternating; median of up to 3 runs. The download streams a page of %d visits at a time; the peak is the whole process's (server, client, the store's connections and their page caches), measured, not a bound. SQLite's grows with the database up to what its pool holds: the pages come from each of its four readers in turn, and each keeps up to 8 MiB of pages (16 MiB resident with modernc's allocator; README, *SQLite settings*).\n\n", zootour.AllPageSize)
	p("| store | visits | download visits/s | export visits/s | download / export | download peak RSS | export peak RSS |\n")
	p("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, name := range r.stores() {
		for _, sr := range r.Sizes {
			res := sr.Stores[name]
			if res == nil || res.DownloadRate == 0 {
				continue
			}
			p("| %s | %s | %s | %s | %.2fx | %s | %s |\n", name, count(sr.Visits), count(res.DownloadRate), count(res.CSVExportRate),
				res.DownloadRate/res.CSVExportRate, mib(res.DownloadPeak), mib(res.CSVExportPeak))
		}
	}
	p("\n")
}

// writeShellImport reports the command line's import of the data files
// beside the sqlite3 shell's (shell.go).
func (r *Report) writeShellImport(p func(string, ...any)) {
	p("## Importing the data files: zootour and the sqlite3 shell\n\n")
	p("`csvio.Import` of the three data files into a fresh SQLite file (what `zootour import DIR` runs: reading and checking the CSV, the records, their search keys, the stays and the change log's entry), in a child process, against the `sqlite3` shell's `.import` of the same files into tables with zootour's columns, constraints and indexes on visits but no stays, search keys or log; alternating, median of the same runs as the import above.\n\n")
	p("| visits | zootour import | visits/s | sqlite3 shell | visits/s | zootour / shell |\n")
	p("| ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, sr := range r.Sizes {
		res := sr.Stores[SQLite]
		if res == nil || res.CSVImport == 0 {
			continue
		}
		if res.ShellImport == 0 {
			p("| %s | %.2f s | %s | not measured (no sqlite3) | | |\n", count(sr.Visits), res.CSVImport, count(float64(sr.Visits)/res.CSVImport))
			continue
		}
		p("| %s | %.2f s | %s | %.2f s | %s | %.2fx |\n", count(sr.Visits), res.CSVImport, count(float64(sr.Visits)/res.CSVImport),
			res.ShellImport, count(float64(sr.Visits)/res.ShellImport), res.CSVImport/res.ShellImport)
	}
	p("\n")
}
