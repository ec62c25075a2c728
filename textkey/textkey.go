// Package textkey derives the keys that find records by their text: the
// folded words a search matches, and the sort key of a name in Unicode
// collation order. Every store and the teaching reference take them from
// here, so the rules exist once (docs/finding.md).
package textkey

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s with case and accents ignored: decomposed (compatibility
// forms too, so "ﬁ" is "fi"), its combining marks dropped, case-folded and
// recomposed. "Zürich" and "ZURICH" both fold to "zurich".
func Fold(s string) string {
	if isASCII(s) {
		// Every step leaves ASCII as it is but for the case, which folds
		// to lower (TestFoldASCII); the chain's buffers took over a third
		// of the allocating time of an import of 10^6 visits.
		return strings.ToLower(s)
	}
	t := folders.Get().(transform.Transformer)
	defer folders.Put(t)
	out, _, err := transform.String(t, s)
	if err != nil {
		// The transformers fail only on invalid UTF-8, which the domain's
		// text rules refuse before anything is stored or searched.
		return strings.ToLower(s)
	}
	return out
}

// folders are the chains Fold runs, reused: a chain keeps buffers of its
// own and is not safe for concurrent use (transform.String resets it).
var folders = sync.Pool{New: func() any {
	return transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), cases.Fold(), norm.NFC)
}}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Words returns the distinct folded words of the given texts, split on
// white space, in the order they first appear.
func Words(texts ...string) []string {
	var words []string
	seen := map[string]bool{}
	for _, t := range texts {
		for _, w := range QueryWords(t) {
			if !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	return words
}

// Upper returns the least byte string above every string that has prefix
// as a prefix: prefix followed by 0xFF, a byte that never occurs in UTF-8.
// A word w starts with prefix exactly when prefix <= w < Upper(prefix) in
// byte order, which is how a store finds the words of a prefix in an index.
func Upper(prefix string) []byte {
	return append([]byte(prefix), 0xFF)
}

// collators are reused: a collate.Collator keeps buffers and is not safe
// for concurrent use.
var collators = sync.Pool{New: func() any {
	return &keyer{c: collate.New(language.Und)}
}}

type keyer struct {
	c   *collate.Collator
	buf collate.Buffer
}

// Name returns the sort key of a name: byte order of the keys is the
// Unicode collation order of the names (CLDR root: letters decide before
// accents, accents before case), so "Málaga" sorts before "Mumbai". Names
// equal under the collation get equal keys; the stores then order by ID.
func Name(name string) []byte {
	k := collators.Get().(*keyer)
	defer collators.Put(k)
	key := k.c.KeyFromString(&k.buf, name)
	out := make([]byte, len(key))
	copy(out, key)
	k.buf.Reset()
	return out
}

// Species returns the key that finds animals of a species: its case
// folded, accents kept ("Red Panda" and "red panda" are one species).
func Species(species string) string {
	if isASCII(species) {
		return strings.ToLower(species) // as in Fold
	}
	return cases.Fold().String(species)
}

// QueryWords returns the folded words of a search, split on white space
// after folding, as Words splits a record's text.
func QueryWords(q string) []string {
	return strings.Fields(Fold(q))
}
