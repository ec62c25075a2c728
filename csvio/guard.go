package csvio

import (
	"bufio"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// maxRecord bounds the bytes of one record of a data file: a line, or more
// when a quoted field holds line ends. A valid record needs well under
// 2 KiB (IDs and a date, or an ID and two texts of at most 200
// characters), so the bound only stops a file without line ends, or with a
// quote never closed, from being read into memory whole.
const maxRecord = 64 << 10

// quoteMax is how many characters of a field an error quotes at most.
const quoteMax = 40

// quote quotes s for an error message: whole if it is short, else its first
// quoteMax characters, "…" and its length, so that a huge field cannot make
// a huge message.
func quote(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= quoteMax {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s (%d characters)", quotePrefix(s), n)
}

// quotePrefix quotes the first quoteMax characters of s and "…".
func quotePrefix(s string) string {
	cut := 0
	for i := 0; i < quoteMax && cut < len(s); i++ {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	q := strconv.Quote(s[:cut])
	return q[:len(q)-1] + `…"`
}

// The states of a guard, which follows the quoting as encoding/csv does.
const (
	beforeRecord = iota // at the start of the file or after a line end
	fieldStart          // just past a comma
	inField             // in a field that does not start with a quote
	inQuotes            // in a quoted field
	pastQuote           // past a quote in a quoted field: its end, or the first of two
)

// A guard stands between a data file and encoding/csv. It turns a CR
// outside quotes that no LF follows (old Mac line ends) into an LF, and
// fails a record that grows past maxRecord before encoding/csv has
// gathered it whole. Following the quoting keeps a CR inside quotes as it
// is, and a bare quote, which encoding/csv refuses anyway, does not
// change what it takes for quoted.
type guard struct {
	r     *bufio.Reader
	err   error
	state int
	line  int // the line being read, counting LFs as encoding/csv does

	// The record being read.
	recLine, size    int
	field, fieldLine int
	quoted           bool
	prefix           []byte // the field's first bytes, for the error
}

func newGuard(r *bufio.Reader) *guard {
	return &guard{r: r, line: 1, prefix: make([]byte, 0, 4*quoteMax)}
}

// A tooLong error says where a record grew past maxRecord; read words it.
type tooLong struct {
	line, field, fieldLine int // field counts from 0
	quoted                 bool
	prefix                 string
}

func (e *tooLong) Error() string {
	return fmt.Sprintf("the record on line %d is longer than %d bytes", e.line, maxRecord)
}

func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		if c == '\r' && g.state != inQuotes && !g.lfAfter(p[i+1:n]) {
			c, p[i] = '\n', '\n'
		}
		switch {
		case c == '\n':
			g.line++
			if g.state != inQuotes {
				g.state = beforeRecord
				continue
			}
		case g.state == beforeRecord:
			if c == '\r' {
				continue // of a blank CRLF line, which encoding/csv skips
			}
			g.recLine, g.size, g.state = g.line, 0, fieldStart
			g.newField(0)
		}
		if g.size++; g.size > maxRecord {
			g.err = &tooLong{line: g.recLine, field: g.field, fieldLine: g.fieldLine, quoted: g.quoted, prefix: string(g.prefix)}
			return i, g.err
		}
		switch g.state {
		case fieldStart:
			switch c {
			case '"':
				g.state, g.quoted = inQuotes, true
				continue
			case ',':
				g.newField(g.field + 1)
				continue
			}
			g.state = inField
		case inField:
			if c == ',' {
				g.state = fieldStart
				g.newField(g.field + 1)
				continue
			}
		case inQuotes:
			if c == '"' {
				g.state = pastQuote
			}
		case pastQuote:
			switch c {
			case '"':
				g.state = inQuotes
			case ',':
				g.state = fieldStart
				g.newField(g.field + 1)
				continue
			default:
				g.state = inField // encoding/csv refuses the quote
			}
		}
		if len(g.prefix) < cap(g.prefix) {
			g.prefix = append(g.prefix, c)
		}
	}
	return n, err
}

func (g *guard) newField(i int) {
	g.field, g.fieldLine, g.quoted, g.prefix = i, g.line, false, g.prefix[:0]
}

// lfAfter says whether an LF follows a CR, given the bytes read after it.
func (g *guard) lfAfter(rest []byte) bool {
	if len(rest) > 0 {
		return rest[0] == '\n'
	}
	b, err := g.r.Peek(1)
	return err == nil && b[0] == '\n'
}
