package main_test

// End-to-end tests: they build the zootour binary and run it as a user
// would, on real SQLite files (and PostgreSQL where ZOOTOUR_TEST_POSTGRES is
// set), checking standard output, standard error and the exit status.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres/pgtest"
	"github.com/zootour/zootour/teaching"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "zootour-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "zootour")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building zootour: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary did.
type result struct {
	stdout, stderr string
	code           int
}

// zt runs zootour with args against the store db, in a scratch directory.
func zt(t *testing.T, db string, args ...string) result {
	t.Helper()
	return ztIn(t, "", db, args...)
}

// ok runs zootour and fails the test unless it succeeds.
func ok(t *testing.T, db string, args ...string) string {
	t.Helper()
	r := zt(t, db, args...)
	if r.code != 0 {
		t.Fatalf("zootour %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
	}
	if r.stderr != "" {
		t.Fatalf("zootour %s: unexpected stderr %q", strings.Join(args, " "), r.stderr)
	}
	return r.stdout
}

// okJSON runs zootour with --json and decodes its output into v.
func okJSON(t *testing.T, v any, db string, args ...string) {
	t.Helper()
	out := ok(t, db, append(args, "--json")...)
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("zootour %s --json: %v in %q", strings.Join(args, " "), err, out)
	}
	if dec.More() {
		t.Fatalf("zootour %s --json printed more than one JSON value", strings.Join(args, " "))
	}
}

// stores returns the file-backed stores to run a test on.
func stores(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "z.db") },
		"postgres": func(t *testing.T) string { return pgtest.URL(t) },
	}
}

func TestCommands(t *testing.T) {
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := newDB(t)
			var zoo zootour.Zoo
			okJSON(t, &zoo, db, "zoo", "add", "--name", "  Artis ", "--location", "Amsterdam, NL")
			if got, want := zoo, (zootour.Zoo{ID: zoo.ID, Name: "Artis", Location: "Amsterdam, NL"}); got != want || zoo.ID <= 0 {
				t.Fatalf("zoo add = %+v, want %+v with a positive ID", got, want)
			}
			var panda zootour.Animal
			okJSON(t, &panda, db, "animal", "add", "--name", "Ruby", "--species", "red panda")
			id := func(n int64) string { return strconv.FormatInt(n, 10) }

			var v1, v2 zootour.Visit
			okJSON(t, &v1, db, "visit", "add", "--date", "2024-03-01", "--zoo", id(zoo.ID), "--animal", id(panda.ID))
			okJSON(t, &v2, db, "visit", "add", "--date", "2023-01-15", "--zoo", id(zoo.ID), "--animal", id(panda.ID))

			var visits []zootour.Visit
			okJSON(t, &visits, db, "zoo", "visits", id(zoo.ID))
			if diff := cmp.Diff([]zootour.Visit{v2, v1}, visits); diff != "" {
				t.Errorf("zoo visits in date order (-want +got):\n%s", diff)
			}
			var animals []zootour.ZooAnimal
			okJSON(t, &animals, db, "zoo", "animals", id(zoo.ID))
			if got, want := len(animals), 2; got != want {
				t.Errorf("zoo animals: %d entries, want %d (one per visit)", got, want)
			}
			okJSON(t, &animals, db, "zoo", "animals", id(zoo.ID), "--distinct")
			if got, want := len(animals), 1; got != want {
				t.Errorf("zoo animals --distinct: %d entries, want %d", got, want)
			}
			var zoos []zootour.AnimalZoo
			okJSON(t, &zoos, db, "animal", "zoos", id(panda.ID), "--from", "2024-01-01", "--to", "2024-12-31")
			if len(zoos) != 1 || zoos[0].VisitID != v1.ID || zoos[0].Name != "Artis" {
				t.Errorf("animal zoos in 2024 = %+v, want the visit %d to Artis", zoos, v1.ID)
			}

			// A table for people names the records.
			if out := ok(t, db, "zoo", "list"); !strings.Contains(out, "Artis") || !strings.Contains(out, "LOCATION") {
				t.Errorf("zoo list table = %q", out)
			}
			var edited zootour.Zoo
			okJSON(t, &edited, db, "zoo", "edit", id(zoo.ID), "--location", "Amsterdam")
			if edited.Name != "Artis" || edited.Location != "Amsterdam" {
				t.Errorf("zoo edit = %+v", edited)
			}

			// Refusals, each with its exit status, one sentence on stderr, and nothing changed.
			for _, tc := range []struct {
				args []string
				code int
			}{
				{[]string{"zoo", "rm", id(zoo.ID)}, 4},
				{[]string{"visit", "add", "--date", "2024-03-01", "--zoo", id(zoo.ID), "--animal", id(panda.ID)}, 4},
				{[]string{"visit", "add", "--date", "2024-02-30", "--zoo", id(zoo.ID), "--animal", id(panda.ID)}, 2},
				{[]string{"visit", "add", "--date", "2024-05-01", "--zoo", "999", "--animal", id(panda.ID)}, 2},
				{[]string{"zoo", "show", "999"}, 3},
				{[]string{"zoo", "show", "abc"}, 2},
				{[]string{"zoo", "show", "0"}, 2},
				{[]string{"zoo", "visits", "999"}, 3},
				{[]string{"zoo", "visits", id(zoo.ID), "--from", "2024-1-1"}, 2},
				{[]string{"zoo", "visits", id(zoo.ID), "--from", "2024-12-31", "--to", "2024-01-01"}, 2},
				{[]string{"zoo", "add", "--name", "", "--location", "x"}, 2},
				{[]string{"zoo", "add", "--name", strings.Repeat("é", 201), "--location", "x"}, 2},
				{[]string{"zoo", "add", "--name", "a\x07b", "--location", "x"}, 2},
				{[]string{"zoo", "frobnicate"}, 2},
				{[]string{"zoo", "list", "--nope"}, 2},
				{[]string{"visit", "rm", "999"}, 3},
				{[]string{"animal", "rm", id(panda.ID)}, 4},
			} {
				r := zt(t, db, tc.args...)
				if r.code != tc.code {
					t.Errorf("zootour %s: exit %d, want %d (stderr %q)", strings.Join(tc.args, " "), r.code, tc.code, r.stderr)
				}
				if lines := strings.Count(strings.TrimSpace(r.stderr), "\n"); r.stderr == "" || lines != 0 {
					t.Errorf("zootour %s: stderr %q, want one sentence", strings.Join(tc.args, " "), r.stderr)
				}
				if r.stdout != "" {
					t.Errorf("zootour %s: stdout %q on failure", strings.Join(tc.args, " "), r.stdout)
				}
			}
			okJSON(t, &visits, db, "visit", "list")
			if got, want := len(visits), 2; got != want {
				t.Fatalf("after the refusals there are %d visits, want %d", got, want)
			}

			// Cascade deletes the zoo and its visits.
			ok(t, db, "zoo", "rm", id(zoo.ID), "--cascade")
			okJSON(t, &visits, db, "visit", "list")
			if len(visits) != 0 {
				t.Errorf("after zoo rm --cascade, visits = %+v", visits)
			}
			if r := zt(t, db, "zoo", "show", id(zoo.ID)); r.code != 3 {
				t.Errorf("zoo show after rm: exit %d, want 3", r.code)
			}
		})
	}
}

func TestDBFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "env.db")
	cmd := exec.Command(binary, "zoo", "add", "--name", "Env", "--location", "Here")
	cmd.Env = append(os.Environ(), "ZOOTOUR_DB="+db)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("zoo add with ZOOTOUR_DB: %v: %s", err, out)
	}
	if out := ok(t, db, "zoo", "list"); !strings.Contains(out, "Env") {
		t.Errorf("the zoo did not land in $ZOOTOUR_DB: %q", out)
	}
	// With neither set, the default is zootour.db in the working directory
	// (which a command that adds creates).
	cmd = exec.Command(binary, "zoo", "add", "--name", "Default", "--location", "Here")
	cmd.Env = append(os.Environ(), "ZOOTOUR_DB=")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("zoo add with the default store: %v: %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "zootour.db")); err != nil {
		t.Errorf("the default store zootour.db was not created: %v", err)
	}
}

// dataset is random data with everything the CSV format must carry: names
// with non-ASCII letters, commas and quotes, IDs above 2^53, and visits
// listed out of date order.
type dataset struct {
	model *teaching.Model
	zoos  []zootour.Zoo
	anims []zootour.Animal
}

func newDataset(seed uint64, nZoos, nAnimals, nVisits int) *dataset {
	r := rand.New(rand.NewPCG(seed, 1))
	d := &dataset{model: teaching.New()}
	const big = int64(1) << 53
	for i := range nZoos {
		z := zootour.Zoo{ID: big + int64(i)*7 + 1, Name: fmt.Sprintf("Zoo «%d», the \"big\" one", i), Location: fmt.Sprintf("Zürich, Kreis %d", i%12)}
		d.zoos = append(d.zoos, z)
		d.model.Zoos[z.ID] = z
	}
	for i := range nAnimals {
		a := zootour.Animal{ID: int64(i) + 1, Name: fmt.Sprintf("Ænimal %d, jr.", i), Species: []string{"red panda", "okapi", "Przewalski's horse", "北极熊"}[i%4]}
		d.anims = append(d.anims, a)
		d.model.Animals[a.ID] = a
	}
	type animalDate struct {
		animal int64
		date   zootour.Date
	}
	taken := map[animalDate]bool{}
	start := zootour.MustDate("2015-01-01")
	for len(d.model.Visits) < nVisits {
		a := d.anims[r.IntN(len(d.anims))]
		date := start.AddDays(r.IntN(3000))
		if taken[animalDate{a.ID, date}] {
			continue
		}
		taken[animalDate{a.ID, date}] = true
		// Skewed: a few zoos get most visits.
		z := d.zoos[min(r.IntN(len(d.zoos)), r.IntN(len(d.zoos)))]
		d.model.AddVisit(zootour.Visit{ID: big*2 + int64(len(d.model.Visits))*3 + 1, Date: date, ZooID: z.ID, AnimalID: a.ID})
	}
	// Out of date order (and out of ID order) in the file.
	r.Shuffle(len(d.model.Visits), func(i, j int) { d.model.Visits[i], d.model.Visits[j] = d.model.Visits[j], d.model.Visits[i] })
	return d
}

func (d *dataset) write(t *testing.T, dir string) {
	t.Helper()
	write := func(name string, rows [][]string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.WriteAll(rows)
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	rows := [][]string{{"id", "name", "location"}}
	for _, z := range d.zoos {
		rows = append(rows, []string{id(z.ID), z.Name, z.Location})
	}
	write("zoos.csv", rows)
	rows = [][]string{{"id", "name", "species"}}
	for _, a := range d.anims {
		rows = append(rows, []string{id(a.ID), a.Name, a.Species})
	}
	write("animals.csv", rows)
	rows = [][]string{{"id", "date", "zoo_id", "animal_id"}}
	for _, v := range d.model.Visits {
		rows = append(rows, []string{id(v.ID), v.Date.String(), id(v.ZooID), id(v.AnimalID)})
	}
	write("visits.csv", rows)
}

// TestImportAnswersLikeTheTeachingModel imports tens of thousands of visits
// and checks the command line's answers against the teaching model's.
func TestImportAnswersLikeTheTeachingModel(t *testing.T) {
	data := newDataset(7, 60, 600, 20000)
	dir := t.TempDir()
	data.write(t, dir)
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := newDB(t)
			if out := ok(t, db, "import", dir); !strings.Contains(out, "20000 visits") {
				t.Errorf("import said %q, want it to count 20000 visits", out)
			}
			r := rand.New(rand.NewPCG(11, 2))
			id := func(n int64) string { return strconv.FormatInt(n, 10) }
			for i := 0; i < 12; i++ {
				z := data.zoos[r.IntN(len(data.zoos))]
				if i < 3 {
					z = data.zoos[i] // the busiest
				}
				q, flags := randomWindow(r)
				var visits []zootour.Visit
				okJSON(t, &visits, db, append([]string{"zoo", "visits", id(z.ID)}, flags...)...)
				check(t, "zoo visits", data.model.ZooVisits(z.ID, q), visits)
				for _, distinct := range []bool{false, true} {
					q.Distinct = distinct
					args := append([]string{"zoo", "animals", id(z.ID)}, flags...)
					if distinct {
						args = append(args, "--distinct")
					}
					var animals []zootour.ZooAnimal
					okJSON(t, &animals, db, args...)
					check(t, strings.Join(args, " "), data.model.ZooAnimals(z.ID, q), animals)
				}
				a := data.anims[r.IntN(len(data.anims))]
				q, flags = randomWindow(r)
				okJSON(t, &visits, db, append([]string{"animal", "visits", id(a.ID)}, flags...)...)
				check(t, "animal visits", data.model.AnimalVisits(a.ID, q), visits)
				q.Distinct = i%2 == 0
				args := append([]string{"animal", "zoos", id(a.ID)}, flags...)
				if q.Distinct {
					args = append(args, "--distinct")
				}
				var zoos []zootour.AnimalZoo
				okJSON(t, &zoos, db, args...)
				check(t, strings.Join(args, " "), data.model.AnimalZoos(a.ID, q), zoos)
			}

			// Export, then import into a fresh SQLite file: the files come back the same.
			out1 := filepath.Join(t.TempDir(), "out1")
			if out := ok(t, db, "export", out1); !strings.Contains(out, "exported 60 zoos, 600 animals, 20000 visits") {
				t.Errorf("export said %q, want it to count what it wrote", out)
			}
			db2 := filepath.Join(t.TempDir(), "again.db")
			ok(t, db2, "import", out1)
			out2 := filepath.Join(t.TempDir(), "out2")
			ok(t, db2, "export", out2)
			for _, f := range []string{"zoos.csv", "animals.csv", "visits.csv"} {
				b1, err1 := os.ReadFile(filepath.Join(out1, f))
				b2, err2 := os.ReadFile(filepath.Join(out2, f))
				if err1 != nil || err2 != nil {
					t.Fatalf("reading exports: %v %v", err1, err2)
				}
				if !bytes.Equal(b1, b2) {
					t.Errorf("%s differs after a round trip", f)
				}
			}
			var visits []zootour.Visit
			okJSON(t, &visits, db2, "visit", "list")
			if got, want := len(visits), len(data.model.Visits); got != want {
				t.Errorf("round trip kept %d visits, want %d", got, want)
			}
		})
	}
}

func randomWindow(r *rand.Rand) (zootour.Query, []string) {
	var q zootour.Query
	var flags []string
	base := zootour.MustDate("2015-01-01")
	if r.IntN(2) == 0 {
		q.From = base.AddDays(r.IntN(2000))
		flags = append(flags, "--from", q.From.String())
	}
	if r.IntN(2) == 0 {
		q.To = base.AddDays(2000 + r.IntN(1000))
		flags = append(flags, "--to", q.To.String())
	}
	return q, flags
}

func check[T any](t *testing.T, what string, want, got []T) {
	t.Helper()
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s differs from the teaching model (-want +got):\n%s", what, diff)
	}
}

// TestImportRefusesBadFiles checks that a bad row names the file and the
// line, exits with the right status, and changes nothing.
func TestImportRefusesBadFiles(t *testing.T) {
	good := "id,name,location\n10,Artis,Amsterdam\n"
	animals := "id,name,species\n1,Ruby,red panda\n"
	for _, tc := range []struct {
		name, zoos, visits, want string
		code                     int
	}{
		{"bad date", good, "id,date,zoo_id,animal_id\n1,2024-01-01,10,1\n2,2024-02-30,10,1\n", "visits.csv line 3", 2},
		{"missing zoo", good, "id,date,zoo_id,animal_id\n1,2024-01-01,10,1\n2,2024-01-02,9,1\n", "visits.csv line 3", 2},
		{"same animal same date", good, "id,date,zoo_id,animal_id\n1,2024-01-01,10,1\n2,2024-01-01,10,1\n", "visits.csv line 3", 4},
		{"bad header", "id,name\n1,Artis\n", "", "zoos.csv line 1", 2},
		{"empty name", "id,name,location\n1,\"  \",Amsterdam\n", "", "zoos.csv line 2", 2},
		{"id not a number", "id,name,location\nx,Artis,Amsterdam\n", "", "zoos.csv line 2", 2},
		{"bad quoting", "id,name,location\n1,\"Art\"is,Amsterdam\n", "", "zoos.csv line 2", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "zoos.csv"), []byte(tc.zoos), 0o644)
			os.WriteFile(filepath.Join(dir, "animals.csv"), []byte(animals), 0o644)
			if tc.visits != "" {
				os.WriteFile(filepath.Join(dir, "visits.csv"), []byte(tc.visits), 0o644)
			}
			// Every store refuses it the same way, in the same words.
			said := map[string]string{}
			for name, newDB := range stores(t) {
				db := newDB(t)
				ok(t, db, "zoo", "add", "--name", "Before", "--location", "There")
				r := zt(t, db, "import", dir)
				if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
					t.Errorf("%s: import: exit %d, stderr %q; want exit %d naming %q", name, r.code, r.stderr, tc.code, tc.want)
				}
				said[name] = r.stderr
				var zoos []zootour.Zoo
				okJSON(t, &zoos, db, "zoo", "list")
				var animalsAfter []zootour.Animal
				okJSON(t, &animalsAfter, db, "animal", "list")
				if len(zoos) != 1 || zoos[0].Name != "Before" || len(animalsAfter) != 0 {
					t.Errorf("%s: a failed import changed the store: zoos %+v, animals %+v", name, zoos, animalsAfter)
				}
			}
			if pg, ok := said["postgres"]; ok && pg != said["sqlite"] {
				t.Errorf("the stores refuse differently:\n sqlite:   %q\n postgres: %q", said["sqlite"], pg)
			}
		})
	}
}

// TestGenerate checks that generate writes the same files for the same
// flags, and files that import cleanly.
func TestGenerate(t *testing.T) {
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	flags := []string{"--zoos", "30", "--animals", "200", "--visits", "5000", "--seed", "9"}
	for _, dir := range dirs {
		ok(t, "memory:", append([]string{"generate", dir}, flags...)...)
	}
	for _, f := range []string{"zoos.csv", "animals.csv", "visits.csv"} {
		a, err1 := os.ReadFile(filepath.Join(dirs[0], f))
		b, err2 := os.ReadFile(filepath.Join(dirs[1], f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s: two runs with the same flags differ (or failed: %v %v)", f, err1, err2)
		}
	}
	db := filepath.Join(t.TempDir(), "g.db")
	if out := ok(t, db, "import", dirs[0]); !strings.Contains(out, "30 zoos, 200 animals, 5000 visits") {
		t.Errorf("importing generated files said %q", out)
	}
	if r := zt(t, "memory:", "generate", dirs[0], "--visits", "-5"); r.code != 2 {
		t.Errorf("generate --visits -5: exit %d, want 2", r.code)
	}
}

// TestImportProgressOnTerminal runs an import on a pseudo-terminal (with
// util-linux's script) and checks that it counts the visits as it reads
// them; off a terminal, the other tests check it prints nothing extra.
func TestImportProgressOnTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) from util-linux to make a terminal: apt-get install bsdutils")
	}
	dir := filepath.Join(t.TempDir(), "data")
	ok(t, "memory:", "generate", dir, "--zoos", "10", "--animals", "100", "--visits", "25000")
	db := filepath.Join(t.TempDir(), "p.db")
	cmd := exec.Command(script, "-qec", binary+" --db "+db+" import "+dir, "/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("import on a terminal: %v: %q", err, out)
	}
	for _, want := range []string{"\rimporting: 10000 visits read", "\rimporting: 25000 visits read", "imported 10 zoos, 100 animals, 25000 visits"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output on a terminal lacks %q: %q", want, out)
		}
	}
}
