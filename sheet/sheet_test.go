package sheet_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sheet"
)

// jsonKeys returns the keys of the JSON object v writes, in order, a
// nested object's as parent.field.
func jsonKeys(t *testing.T, v any) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	var keys []string
	var walk func(prefix string)
	walk = func(prefix string) {
		d.Token() // {
		for d.More() {
			tok, _ := d.Token()
			key := prefix + tok.(string)
			var raw json.RawMessage
			if err := d.Decode(&raw); err != nil {
				t.Fatal(err)
			}
			if len(raw) > 0 && raw[0] == '{' && !strings.HasPrefix(prefix+tok.(string), "before") && !strings.HasPrefix(prefix+tok.(string), "after") {
				sub := json.NewDecoder(bytes.NewReader(raw))
				save := d
				d = sub
				walk(key + ".")
				d = save
				continue
			}
			keys = append(keys, key)
		}
		d.Token() // }
	}
	walk("")
	return keys
}

type inner struct {
	A int    `json:"a"`
	B string `json:"b"`
}

type outer struct {
	zootour.Animal
	In    inner           `json:"in"`
	Ptr   *zootour.Date   `json:"ptr"`
	List  []int           `json:"list"`
	Skip  string          `json:"-"`
	Plain bool            `json:"plain"`
	Raw   json.RawMessage `json:"raw"`
}

func TestHeaderIsTheJSONKeys(t *testing.T) {
	d := zootour.MustDate("2015-03-01")
	cases := []struct {
		name   string
		header []string
		value  any
	}{
		{"zoo", sheet.For[zootour.Zoo]().Header(), zootour.Zoo{ID: 1}},
		{"visit", sheet.For[zootour.Visit]().Header(), zootour.Visit{ID: 1, Date: d}},
		{"zoo animal", sheet.For[zootour.ZooAnimal]().Header(), zootour.ZooAnimal{Date: d}},
		{"presence", sheet.For[zootour.Presence]().Header(), zootour.Presence{From: d, To: &d}},
		{"contact", sheet.For[zootour.Contact]().Header(), zootour.Contact{}},
		{"change", sheet.For[zootour.Change]().Header(), zootour.Change{Kind: zootour.KindZoo, Before: json.RawMessage(`{"id":1}`)}},
		{"nested", sheet.For[outer]().Header(), outer{Raw: json.RawMessage(`1`)}},
	}
	for _, c := range cases {
		if want := jsonKeys(t, c.value); !slices.Equal(c.header, want) {
			t.Errorf("%s: header %q, JSON keys %q", c.name, c.header, want)
		}
	}
}

func TestCells(t *testing.T) {
	d := zootour.MustDate("2015-03-01")
	cells, err := sheet.For[outer]().Cells(outer{
		Animal: zootour.Animal{ID: 1 << 60, Name: "Ann, \"the\" ü", Species: "x"},
		In:     inner{A: -3, B: "b"},
		Ptr:    &d,
		List:   []int{1, 2},
		Plain:  true,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cells {
		got = append(got, c.Text)
	}
	want := []string{"1152921504606846976", "Ann, \"the\" ü", "x", "-3", "b", "2015-03-01", "[1,2]", "true", ""}
	if !slices.Equal(got, want) {
		t.Errorf("cells %q, want %q", got, want)
	}
	if cells[0].Kind != sheet.Int || cells[5].Kind != sheet.Date || cells[8].Kind != sheet.Empty {
		t.Errorf("kinds %v %v %v", cells[0].Kind, cells[5].Kind, cells[8].Kind)
	}

	// A type with a MarshalJSON of its own is read from its JSON.
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cells, err = sheet.For[zootour.Change]().Cells(zootour.Change{ID: 7, At: at, Actor: "a", Batch: 7, Action: zootour.Import}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, c := range cells {
		got = append(got, c.Text)
	}
	want = []string{"7", "2026-01-02T03:04:05Z", "a", "7", string(zootour.Import), "", "", "", ""}
	if !slices.Equal(got, want) {
		t.Errorf("change cells %q, want %q", got, want)
	}
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	one := func(yield func(zootour.Visit, error) bool) {
		yield(zootour.Visit{ID: 1, Date: zootour.MustDate("2015-03-01"), ZooID: 2, AnimalID: 3}, nil)
	}
	err := sheet.WriteAll(sheet.NewCSV(&b), sheet.For[zootour.Visit](), one)
	if err != nil {
		t.Fatal(err)
	}
	if want := "id,date,zoo_id,animal_id\n1,2015-03-01,2,3\n"; b.String() != want {
		t.Errorf("CSV %q, want %q", b.String(), want)
	}
}

func TestWorkbook(t *testing.T) {
	var b bytes.Buffer
	w, err := sheet.NewWriter(sheet.XLSX, &b, "visits")
	if err != nil {
		t.Fatal(err)
	}
	visits := []zootour.Visit{
		{ID: 1, Date: zootour.MustDate("2015-03-01"), ZooID: 1 << 60, AnimalID: 3},
		{ID: 2, Date: zootour.MustDate("1066-10-14"), ZooID: 2, AnimalID: 3},
	}
	all := func(yield func(zootour.Visit, error) bool) {
		for _, v := range visits {
			if !yield(v, nil) {
				return
			}
		}
	}
	if err := sheet.WriteAll(w, sheet.For[zootour.Visit](), all); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("visits", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(rows))
	for i, r := range rows {
		got[i] = strings.Join(r, ",")
	}
	// 42064 is 2015-03-01 as a day number; a date before 1900 stays text,
	// an ID beyond 2^53 too.
	want := []string{"id,date,zoo_id,animal_id", "1,42064,1152921504606846976,3", "2,1066-10-14,2,3"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if typ, _ := f.GetCellType("visits", "C2"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("a large ID is a cell of type %v, want text", typ)
	}
	if d, err := sheet.DateOfSerial(42064); err != nil || d != zootour.MustDate("2015-03-01") {
		t.Errorf("DateOfSerial(42064) = %v, %v", d, err)
	}
	panes, err := f.GetPanes("visits")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("the header is not frozen: %+v, %v", panes, err)
	}
	formatted, _ := f.GetCellValue("visits", "B2")
	if formatted != "2015-03-01" {
		t.Errorf("a date shows as %q", formatted)
	}
}
