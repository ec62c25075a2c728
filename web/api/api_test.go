package api

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestAPIErrors sends every kind of bad request to every store and checks
// the status, the problem, and that nothing changed.
func TestAPIErrors(t *testing.T) {
	webtest.ForEachStore(t, testAPIErrors)
}

func testAPIErrors(t *testing.T, open webtest.Opener) {
	e := newEnv(t, open(t))
	webtest.Seed(t, e.Store)
	big := `{"name":"` + strings.Repeat("x", MaxBodyBytes) + `","location":"L"}`
	tests := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		allow                    string // the Allow header of a 405
	}{
		{name: "bad id", method: "GET", path: "/api/zoos/abc", status: 400},
		{name: "zero id", method: "GET", path: "/api/zoos/0", status: 400},
		{name: "negative id", method: "GET", path: "/api/animals/-1", status: 400},
		{name: "id over 2^63-1", method: "GET", path: "/api/visits/9223372036854775808", status: 400},
		{name: "id with leading zero", method: "GET", path: "/api/zoos/01", status: 400},
		{name: "id with sign", method: "GET", path: "/api/zoos/+1", status: 400},
		{name: "bad id in a listing", method: "GET", path: "/api/zoos/x/animals", status: 400},
		{name: "bad id in a delete", method: "DELETE", path: "/api/zoos/1.5", status: 400},
		{name: "missing zoo", method: "GET", path: "/api/zoos/999", status: 404},
		{name: "missing animal", method: "GET", path: "/api/animals/999", status: 404},
		{name: "missing visit", method: "GET", path: "/api/visits/999", status: 404},
		{name: "missing zoo's visits", method: "GET", path: "/api/zoos/999/visits", status: 404},
		{name: "missing zoo's animals", method: "GET", path: "/api/zoos/999/animals", status: 404},
		{name: "missing animal's visits", method: "GET", path: "/api/animals/999/visits", status: 404},
		{name: "missing animal's zoos", method: "GET", path: "/api/animals/999/zoos", status: 404},
		{name: "patch missing zoo", method: "PATCH", path: "/api/zoos/999", body: `{"name":"X"}`, status: 404},
		{name: "delete missing animal", method: "DELETE", path: "/api/animals/999", status: 404},
		{name: "delete missing visit", method: "DELETE", path: "/api/visits/999", status: 404},
		{name: "limit zero", method: "GET", path: "/api/zoos?limit=0", status: 400},
		{name: "limit negative", method: "GET", path: "/api/animals?limit=-1", status: 400},
		{name: "limit not a number", method: "GET", path: "/api/visits?limit=ten", status: 400},
		{name: "limit empty", method: "GET", path: "/api/visits?limit=", status: 400},
		{name: "limit over 1000", method: "GET", path: "/api/zoos/1/visits?limit=1001", status: 400},
		{name: "cursor not base64", method: "GET", path: "/api/zoos?cursor=!!", status: 400},
		{name: "cursor not an id", method: "GET", path: "/api/zoos?cursor=" + b64("abc"), status: 400},
		{name: "cursor zero id", method: "GET", path: "/api/animals?cursor=" + b64("0"), status: 400},
		{name: "position cursor on an id listing", method: "GET", path: "/api/visits?cursor=" + b64("2024-01-01:1"), status: 400},
		{name: "id cursor on a relationship listing", method: "GET", path: "/api/zoos/1/visits?cursor=" + b64("1"), status: 400},
		{name: "cursor with a bad date", method: "GET", path: "/api/animals/1/zoos?cursor=" + b64("2024-02-30:1"), status: 400},
		{name: "bad from", method: "GET", path: "/api/zoos/1/visits?from=2024-1-1", status: 400},
		{name: "bad to", method: "GET", path: "/api/animals/1/zoos?to=tomorrow", status: 400},
		{name: "from after to", method: "GET", path: "/api/zoos/1/animals?from=2024-02-01&to=2024-01-01", status: 400},
		{name: "bad distinct", method: "GET", path: "/api/zoos/1/animals?distinct=yes", status: 400},
		{name: "bad cascade", method: "DELETE", path: "/api/zoos/1?cascade=1", status: 400},
		{name: "malformed JSON", method: "POST", path: "/api/zoos", body: `{"name":"A",`, status: 400},
		{name: "JSON syntax error", method: "POST", path: "/api/animals", body: `{"name" "A"}`, status: 400},
		{name: "unknown field", method: "POST", path: "/api/zoos", body: `{"name":"A","location":"B","size":3}`, status: 400},
		{name: "wrong type", method: "POST", path: "/api/zoos", body: `{"name":3,"location":"B"}`, status: 400},
		{name: "not an object", method: "POST", path: "/api/zoos", body: `["A","B"]`, status: 400},
		{name: "null body", method: "PATCH", path: "/api/zoos/1", body: `null`, status: 400},
		{name: "two values", method: "POST", path: "/api/zoos", body: `{"name":"A","location":"B"} {}`, status: 400},
		{name: "empty body", method: "POST", path: "/api/zoos", headers: []string{"Content-Type", "application/json"}, status: 400},
		{name: "id in a create", method: "POST", path: "/api/zoos", body: `{"id":7,"name":"A","location":"B"}`, status: 400},
		{name: "blank name", method: "POST", path: "/api/animals", body: `{"name":"  ","species":"B"}`, status: 400},
		{name: "control character", method: "PATCH", path: "/api/animals/1", body: `{"name":"a\u0007b"}`, status: 400},
		{name: "unknown field in a patch", method: "PATCH", path: "/api/zoos/1", body: `{"id":2}`, status: 400},
		{name: "bad visit date", method: "POST", path: "/api/visits", body: `{"date":"2024-02-30","zoo_id":1,"animal_id":1}`, status: 400},
		{name: "visit date as a number", method: "POST", path: "/api/visits", body: `{"date":20240101,"zoo_id":1,"animal_id":1}`, status: 400},
		{name: "visit id over 2^63-1", method: "POST", path: "/api/visits", body: `{"date":"2024-03-01","zoo_id":9223372036854775808,"animal_id":1}`, status: 400},
		{name: "visit id as a fraction", method: "POST", path: "/api/visits", body: `{"date":"2024-03-01","zoo_id":1.5,"animal_id":1}`, status: 400},
		{name: "visit to a missing zoo", method: "POST", path: "/api/visits", body: `{"date":"2024-03-01","zoo_id":999,"animal_id":1}`, status: 400},
		{name: "visit without a date", method: "POST", path: "/api/visits", body: `{"zoo_id":1,"animal_id":1}`, status: 400},
		{name: "duplicate visit", method: "POST", path: "/api/visits", body: `{"date":"2024-01-01","zoo_id":1,"animal_id":1}`, status: 409},
		{name: "animal at two zoos on a date", method: "POST", path: "/api/visits", body: `{"date":"2024-01-01","zoo_id":2,"animal_id":1}`, status: 409},
		{name: "patch visit into a conflict", method: "PATCH", path: "/api/visits/3", body: `{"date":"2024-01-01"}`, status: 409},
		{name: "delete zoo with visits", method: "DELETE", path: "/api/zoos/1", status: 409},
		{name: "delete animal with visits", method: "DELETE", path: "/api/animals/1?cascade=false", status: 409},
		{name: "wrong method on a list", method: "PUT", path: "/api/zoos", body: `{}`, status: 405, allow: "GET, HEAD, POST"},
		{name: "wrong method on a record", method: "POST", path: "/api/zoos/1", body: `{}`, status: 405, allow: "DELETE, GET, HEAD, PATCH"},
		{name: "wrong method on a relationship", method: "DELETE", path: "/api/animals/1/zoos", status: 405, allow: "GET, HEAD"},
		{name: "wrong method on a bad id", method: "POST", path: "/api/visits/abc", body: `{}`, status: 405, allow: "DELETE, GET, HEAD, PATCH"},
		{name: "wrong method on the document", method: "POST", path: "/api/openapi.json", body: `{}`, status: 405, allow: "GET, HEAD"},
		{name: "unknown API path", method: "GET", path: "/api/keepers", status: 404},
		{name: "unknown API subpath", method: "GET", path: "/api/zoos/1/keepers", status: 404},
		{name: "trailing slash", method: "GET", path: "/api/zoos/", status: 404},
		{name: "API root", method: "GET", path: "/api", status: 404},
		{name: "body too large", method: "POST", path: "/api/zoos", body: big, status: 413},
		{name: "patch too large", method: "PATCH", path: "/api/zoos/1", body: big, status: 413},
		{name: "text/plain", method: "POST", path: "/api/zoos", body: `{"name":"A","location":"B"}`, headers: []string{"Content-Type", "text/plain"}, status: 415},
		{name: "form", method: "PATCH", path: "/api/animals/1", body: `name=A`, headers: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 415},
		{name: "no content type", method: "POST", path: "/api/visits", headers: []string{"Content-Type", ""}, status: 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := webtest.Snap(t, e.Store)
			r := e.Do(tt.method, tt.path, tt.body, tt.headers...)
			webtest.Must(t, r, tt.status)
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if after := webtest.Snap(t, e.Store); !after.Equal(before) {
				t.Errorf("the store changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// TestAPIFlow walks every endpoint through a working session on every store.
func TestAPIFlow(t *testing.T) {
	webtest.ForEachStore(t, testAPIFlow)
}

func testAPIFlow(t *testing.T, open webtest.Opener) {
	e := newEnv(t, open(t))

	r := webtest.Must(t, e.Do("POST", "/api/zoos", `{"name":"  Artis ","location":"Amsterdam"}`), 201)
	zoo := webtest.Decode[zootour.Zoo](t, r)
	if zoo.ID <= 0 || zoo.Name != "Artis" || zoo.Location != "Amsterdam" {
		t.Fatalf("created %+v", zoo)
	}
	if got, want := r.Header.Get("Location"), "/api/zoos/"+itoa(zoo.ID); got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	r = webtest.Must(t, e.Do("POST", "/api/animals", `{"name":"Rosa","species":"flamingo"}`, "Content-Type", "application/json; charset=utf-8"), 201)
	animal := webtest.Decode[zootour.Animal](t, r)
	if got, want := r.Header.Get("Location"), "/api/animals/"+itoa(animal.ID); got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	r = webtest.Must(t, e.Do("POST", "/api/visits", `{"date":"2024-05-01","zoo_id":`+itoa(zoo.ID)+`,"animal_id":`+itoa(animal.ID)+`}`), 201)
	visit := webtest.Decode[zootour.Visit](t, r)
	if visit.Date != zootour.MustDate("2024-05-01") || visit.ZooID != zoo.ID || visit.AnimalID != animal.ID {
		t.Fatalf("created %+v", visit)
	}
	if got, want := r.Header.Get("Location"), "/api/visits/"+itoa(visit.ID); got != want {
		t.Errorf("Location %q, want %q", got, want)
	}

	// Reads answer exactly what the store holds.
	if got := webtest.Decode[zootour.Zoo](t, webtest.Must(t, e.Do("GET", "/api/zoos/"+itoa(zoo.ID), ""), 200)); got != zoo {
		t.Errorf("GET zoo %+v, want %+v", got, zoo)
	}
	if got := webtest.Decode[zootour.Animal](t, webtest.Must(t, e.Do("GET", "/api/animals/"+itoa(animal.ID), ""), 200)); got != animal {
		t.Errorf("GET animal %+v, want %+v", got, animal)
	}
	if got := webtest.Decode[zootour.Visit](t, webtest.Must(t, e.Do("GET", "/api/visits/"+itoa(visit.ID), ""), 200)); got != visit {
		t.Errorf("GET visit %+v, want %+v", got, visit)
	}

	// A patch changes only the fields it names.
	zoo.Name = "Natura Artis Magistra"
	if got := webtest.Decode[zootour.Zoo](t, webtest.Must(t, e.Do("PATCH", "/api/zoos/"+itoa(zoo.ID), `{"name":"Natura Artis Magistra","location":null}`), 200)); got != zoo {
		t.Errorf("PATCH zoo %+v, want %+v", got, zoo)
	}
	animal.Species = "greater flamingo"
	if got := webtest.Decode[zootour.Animal](t, webtest.Must(t, e.Do("PATCH", "/api/animals/"+itoa(animal.ID), `{"species":"greater flamingo"}`), 200)); got != animal {
		t.Errorf("PATCH animal %+v, want %+v", got, animal)
	}
	visit.Date = zootour.MustDate("2024-05-02")
	if got := webtest.Decode[zootour.Visit](t, webtest.Must(t, e.Do("PATCH", "/api/visits/"+itoa(visit.ID), `{"date":"2024-05-02"}`), 200)); got != visit {
		t.Errorf("PATCH visit %+v, want %+v", got, visit)
	}

	// Every listing, including HEAD on one.
	lists := []struct {
		path string
		want any
	}{
		{"/api/zoos", []zootour.Zoo{zoo}},
		{"/api/animals", []zootour.Animal{animal}},
		{"/api/visits", []zootour.Visit{visit}},
		{"/api/zoos/" + itoa(zoo.ID) + "/visits", []zootour.Visit{visit}},
		{"/api/animals/" + itoa(animal.ID) + "/visits", []zootour.Visit{visit}},
		{"/api/zoos/" + itoa(zoo.ID) + "/animals?distinct=true", []zootour.ZooAnimal{{Animal: animal, VisitID: visit.ID, Date: visit.Date}}},
		{"/api/animals/" + itoa(animal.ID) + "/zoos?distinct=false&from=2024-05-02&to=2024-05-02", []zootour.AnimalZoo{{Zoo: zoo, VisitID: visit.ID, Date: visit.Date}}},
		{"/api/zoos/" + itoa(zoo.ID) + "/animals?to=2024-05-01", []zootour.ZooAnimal{}},
	}
	for _, l := range lists {
		r := webtest.Must(t, e.Do("GET", l.path, ""), 200)
		if got, want := string(r.Body), `{"items":`+jsonString(t, l.want)+`,"next":null}`+"\n"; got != want {
			t.Errorf("GET %s = %s, want %s", l.path, got, want)
		}
		if h := e.Do("HEAD", l.path, ""); h.Status != 200 || len(h.Body) != 0 {
			t.Errorf("HEAD %s: %d with %d bytes", l.path, h.Status, len(h.Body))
		}
	}

	// Deletes: a visit, then a zoo with its visits, then an animal without any.
	webtest.Must(t, e.Do("POST", "/api/visits", `{"date":"2024-06-01","zoo_id":`+itoa(zoo.ID)+`,"animal_id":`+itoa(animal.ID)+`}`), 201)
	webtest.Must(t, e.Do("DELETE", "/api/visits/"+itoa(visit.ID), ""), 204)
	webtest.Must(t, e.Do("GET", "/api/visits/"+itoa(visit.ID), ""), 404)
	webtest.Must(t, e.Do("DELETE", "/api/zoos/"+itoa(zoo.ID), ""), 409)
	webtest.Must(t, e.Do("DELETE", "/api/zoos/"+itoa(zoo.ID)+"?cascade=true", ""), 204)
	webtest.Must(t, e.Do("DELETE", "/api/animals/"+itoa(animal.ID), ""), 204)
	if c := webtest.Snap(t, e.Store).Counts; c != (zootour.Counts{}) {
		t.Errorf("after the deletes the store holds %+v", c)
	}
}

// TestBigIDs checks that IDs above 2^53 travel exactly, in records, paths
// and cursors.
func TestBigIDs(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		const z1, z2, a, v = 9007199254740993, 9223372036854775807, 9007199254740995, 9223372036854775806
		err := e.Store.Import(t.Context(), zootour.Source{
			Zoos:    webtest.SeqOf(zootour.Zoo{ID: z1, Name: "A", Location: "L"}, zootour.Zoo{ID: z2, Name: "B", Location: "L"}),
			Animals: webtest.SeqOf(zootour.Animal{ID: a, Name: "C", Species: "S"}),
			Visits:  webtest.SeqOf(zootour.Visit{ID: v, Date: zootour.MustDate("2024-01-01"), ZooID: z2, AnimalID: a}),
		})
		if err != nil {
			t.Fatal(err)
		}
		r := webtest.Must(t, e.Do("GET", "/api/zoos/9223372036854775807", ""), 200)
		if got, want := string(r.Body), `{"id":9223372036854775807,"name":"B","location":"L"}`+"\n"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		r = webtest.Must(t, e.Do("GET", "/api/zoos?limit=1", ""), 200)
		page := webtest.Decode[listing[zootour.Zoo]](t, r)
		if len(page.Items) != 1 || page.Items[0].ID != z1 || page.Next == nil {
			t.Fatalf("first page %s", r.Body)
		}
		r = webtest.Must(t, e.Do("GET", "/api/zoos?limit=1&cursor="+*page.Next, ""), 200)
		if got, want := string(r.Body), `{"items":[{"id":9223372036854775807,"name":"B","location":"L"}],"next":null}`+"\n"; got != want {
			t.Errorf("second page %s, want %s", got, want)
		}
		r = webtest.Must(t, e.Do("GET", "/api/animals/9007199254740995/zoos", ""), 200)
		if got, want := string(r.Body), `{"items":[{"id":9223372036854775807,"name":"B","location":"L","visit_id":9223372036854775806,"date":"2024-01-01"}],"next":null}`+"\n"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		r = webtest.Must(t, e.Do("POST", "/api/visits", `{"date":"2024-01-02","zoo_id":9007199254740993,"animal_id":9007199254740995}`), 201)
		if got := webtest.Decode[zootour.Visit](t, r); got.ZooID != z1 || got.AnimalID != a {
			t.Errorf("created %+v", got)
		}
	})
}
