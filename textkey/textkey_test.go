package textkey

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"testing"
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
