package textkey

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/cases"
	"golang.org/x/text/transform"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Zürich":       "zurich",
		"São Paulo":    "sao paulo",
		"ZURICH":       "zurich",
		"ﬁsh":          "fish",
		"Straße":       "strasse",
		"Ærø":          "ærø",
		"Ωmega Ἀθῆναι": "ωmega αθηναι",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	got := Words("Ada  Hippopotamus", "hippopotamus\tÁda x")
	if want := []string{"ada", "hippopotamus", "x"}; !slices.Equal(got, want) {
		t.Fatalf("Words = %q, want %q", got, want)
	}
}

func TestUpper(t *testing.T) {
	u := Upper("zur")
	for _, w := range []string{"zur", "zurich", "zur\U0010FFFF", "zurück"} {
		if !(strings.Compare(w, "zur") >= 0 && bytes.Compare([]byte(w), u) < 0) {
			t.Errorf("%q is outside [zur, Upper(zur))", w)
		}
	}
	for _, w := range []string{"zus", "zuq", "zu", "zv"} {
		if strings.HasPrefix(w, "zur") || (w >= "zur" && bytes.Compare([]byte(w), u) < 0) {
			t.Errorf("%q is inside [zur, Upper(zur))", w)
		}
	}
}

func TestNameOrder(t *testing.T) {
	want := []string{"ada", "Ada", "Adá", "Adam", "Málaga", "Mumbai", "Zürich", "zz"}
	got := slices.Clone(want)
	slices.Reverse(got)
	sort.SliceStable(got, func(i, j int) bool { return bytes.Compare(Name(got[i]), Name(got[j])) < 0 })
	if !slices.Equal(got, want) {
		t.Fatalf("name order %q, want %q", got, want)
	}
	if !bytes.Equal(Name("Ada"), Name("Ada")) {
		t.Fatal("equal names have different keys")
	}
}

func TestSpecies(t *testing.T) {
	if Species("Red Panda") != Species("red panda") || Species("Émeu") == Species("emeu") {
		t.Fatal("species keys ignore case only")
	}
}

// TestFoldASCII holds Fold's and Species' shortcut for ASCII to the full
// transformations, for every ASCII character.
func TestFoldASCII(t *testing.T) {
	var all strings.Builder
	for c := range 128 {
		all.WriteByte(byte(c))
	}
	s := all.String()
	full := folders.Get().(transform.Transformer)
	defer folders.Put(full)
	want, _, err := transform.String(full, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := Fold(s); got != want {
		t.Errorf("Fold of ASCII = %q, want %q", got, want)
	}
	if got, want := Species(s), cases.Fold().String(s); got != want {
		t.Errorf("Species of ASCII = %q, want %q", got, want)
	}
}
