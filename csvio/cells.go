package csvio

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A cellKind is what a cell of a sheet holds, by its t attribute: excelize
// gives a cell's value only, and its raw value of a TRUE is 1, of an error
// (#N/A) the error's text, and of a date cell ISO 8601 text.
type cellKind uint8

const (
	numberCell cellKind = iota // no t, t="n", or one excelize reads as a number
	textCell                   // t="s", "inlineStr" or "str"
	boolCell                   // t="b"
	errorCell                  // t="e"
	dateCell                   // t="d"
)

func kindOf(t []byte) cellKind {
	switch string(t) {
	case "s", "inlineStr", "str":
		return textCell
	case "b":
		return boolCell
	case "e":
		return errorCell
	case "d":
		return dateCell
	}
	return numberCell
}

// sheetParts returns the part of the zip of a workbook that holds each
// sheet, by the sheet's name, found as excelize finds it: the workbook is
// the officeDocument of _rels/.rels, its sheets' parts are the targets of
// its relationships.
func sheetParts(zr *zip.Reader) (map[string]*zip.File, error) {
	parts := map[string]*zip.File{}
	for _, e := range zr.File {
		parts[slashed(e.Name)] = e // checkBook refused a name twice
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	book := "xl/workbook.xml"
	if err := decodePart(parts["_rels/.rels"], &rels); err != nil {
		return nil, err
	}
	for _, r := range rels.Rel {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			book = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"` // r:id
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(parts[book], &wb); err != nil {
		return nil, err
	}
	dir, base := path.Split(book)
	rels.Rel = nil
	if err := decodePart(parts[dir+"_rels/"+base+".rels"], &rels); err != nil {
		return nil, err
	}
	sheets := map[string]*zip.File{}
	for _, s := range wb.Sheets {
		for _, r := range rels.Rel {
			if r.ID != s.ID {
				continue
			}
			target := slashed(r.Target)
			if !strings.HasPrefix(target, "/") {
				target = dir + target
			}
			if e, ok := parts[strings.TrimPrefix(path.Clean("/"+target), "/")]; ok {
				sheets[s.Name] = e
			}
		}
	}
	return sheets, nil
}

// decodePart decodes the XML of the part e, if there is one, into v.
func decodePart(e *zip.File, v any) error {
	if e == nil {
		return nil
	}
	rc, err := e.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", e.Name, err)
	}
	return nil
}

// A kindScanner reads the kinds of the cells of a sheet from its XML, row
// by row, beside excelize, which reads their values. It reads only the
// tags, and of those only the r and t attributes of rows and cells, which
// costs a small part of what excelize's reading does. Rows and cells
// must come in order, as the format says and as every spreadsheet writes
// them, so that a kind is never taken for another cell's.
type kindScanner struct {
	r     *bufio.Reader
	tag   []byte
	row   int        // the row whose kinds are in cells
	cells []cellKind // by column from 0
	next  int        // the row whose start tag is read but not its cells; 0 if none
	done  bool
}

func newKindScanner(r io.Reader) *kindScanner {
	return &kindScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// kinds returns the kinds of the cells of row n, by column from 0: none if
// the sheet has no such row. n must not decrease from one call to the next.
func (s *kindScanner) kinds(n int) ([]cellKind, error) {
	for s.row < n && !s.done {
		if err := s.readRow(); err != nil {
			return nil, err
		}
	}
	if s.row == n {
		return s.cells, nil
	}
	return nil, nil
}

var errOrder = errors.New("the sheet's rows or cells are not in order")

// readRow reads the next row's cells.
func (s *kindScanner) readRow() error {
	for s.next == 0 {
		name, end, attrs, err := s.readTag()
		switch {
		case err == io.EOF || end && name == "sheetData":
			s.done = true
			return nil
		case err != nil:
			return err
		case !end && name == "row":
			if s.next, err = rowNumber(attrs, s.row); err != nil {
				return err
			}
		}
	}
	s.row, s.next, s.cells = s.next, 0, s.cells[:0]
	for col := 0; ; {
		name, end, attrs, err := s.readTag()
		switch {
		case err == io.EOF || end && name == "sheetData":
			s.done = true
			return nil
		case err != nil:
			return err
		case end:
		case name == "row":
			s.next, err = rowNumber(attrs, s.row)
			return err
		case name == "c":
			r, t := attr(attrs, "r"), attr(attrs, "t")
			c := col + 1
			if len(r) > 0 {
				if c, err = columnOf(r); err != nil {
					return err
				}
			}
			if c <= col {
				return errOrder
			}
			for len(s.cells) < c-1 {
				s.cells = append(s.cells, numberCell)
			}
			s.cells, col = append(s.cells, kindOf(t)), c
		}
	}
}

// rowNumber returns the number of a row whose tag has attrs, after row
// prev: its r attribute, or the next one.
func rowNumber(attrs []byte, prev int) (int, error) {
	r := attr(attrs, "r")
	if len(r) == 0 {
		return prev + 1, nil
	}
	n, err := strconv.Atoi(string(r))
	if err != nil {
		return 0, fmt.Errorf("row %q: %w", r, err)
	}
	if n <= prev {
		return 0, errOrder
	}
	return n, nil
}

// readTag reads up to and through the next tag and returns its local name
// if it is row, c or sheetData, whether it ends an element, and its
// attributes as written. It skips text, comments, CDATA and processing
// instructions, and the attributes of other tags.
func (s *kindScanner) readTag() (name string, end bool, attrs []byte, err error) {
	for {
		if err := s.skipPast("<"); err != nil {
			return "", false, nil, err
		}
		b, _ := s.r.Peek(32) // enough for a name that matters, with a prefix
		if len(b) == 0 {
			return "", false, nil, io.ErrUnexpectedEOF
		}
		switch {
		case b[0] == '?':
			err = s.skipPast("?>")
		case bytes.HasPrefix(b, []byte("!--")):
			err = s.skipPast("-->")
		case bytes.HasPrefix(b, []byte("![CDATA[")):
			err = s.skipPast("]]>")
		case b[0] == '!':
			err = s.skipPast(">")
		case mattersTag(b):
			return s.readTagBody()
		default:
			err = s.skipTag()
		}
		if err != nil {
			return "", false, nil, err
		}
	}
}

// mattersTag says whether the tag that b begins (after its <) may be one
// of the tags readTag returns.
func mattersTag(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("/"))
	i := 0
	for i < len(b) && !isSpace(b[i]) && b[i] != '/' && b[i] != '>' {
		i++
	}
	if i == len(b) {
		return true // a long name: let readTagBody tell
	}
	n := b[:i]
	if j := bytes.LastIndexByte(n, ':'); j >= 0 {
		n = n[j+1:]
	}
	switch string(n) {
	case "row", "c", "sheetData":
		return true
	}
	return false
}

// skipTag reads through the '>' that ends a tag, which may also be inside
// a quoted attribute value.
func (s *kindScanner) skipTag() error {
	var quote byte
	for {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return noEOF(err)
		}
		if quote != 0 || bytes.IndexByte(chunk, '"') >= 0 || bytes.IndexByte(chunk, '\'') >= 0 {
			quote = quoteAfter(quote, chunk)
		}
		if err == nil && quote == 0 {
			return nil
		}
	}
}

// quoteAfter returns the quote that is open after chunk, if quote was
// before it.
func quoteAfter(quote byte, chunk []byte) byte {
	for _, c := range chunk {
		switch {
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case c == quote:
			quote = 0
		}
	}
	return quote
}

// readTagBody reads the rest of a start or end tag, through its '>', which
// may also be inside a quoted attribute value.
func (s *kindScanner) readTagBody() (name string, end bool, attrs []byte, err error) {
	s.tag = s.tag[:0]
	var quote byte
	for {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return "", false, nil, noEOF(err)
		}
		s.tag = append(s.tag, chunk...)
		if len(s.tag) > maxRecord {
			return "", false, nil, fmt.Errorf("a tag of the sheet's XML is longer than %d bytes", maxRecord)
		}
		if quote = quoteAfter(quote, chunk); err == nil && quote == 0 {
			break
		}
	}
	tag := s.tag[:len(s.tag)-1]
	if end = len(tag) > 0 && tag[0] == '/'; end {
		tag = tag[1:]
	}
	i := 0
	for i < len(tag) && !isSpace(tag[i]) && tag[i] != '/' {
		i++
	}
	n := tag[:i]
	if j := bytes.LastIndexByte(n, ':'); j >= 0 {
		n = n[j+1:]
	}
	switch string(n) { // the names that matter, without a string for each tag
	case "row":
		name = "row"
	case "c":
		name = "c"
	case "sheetData":
		name = "sheetData"
	}
	return name, end, tag[i:], nil
}

// skipPast reads up to and through the next sep.
func (s *kindScanner) skipPast(sep string) error {
	if len(sep) == 1 {
		for {
			_, err := s.r.ReadSlice(sep[0])
			if err != bufio.ErrBufferFull {
				return err
			}
		}
	}
	var last []byte // the last bytes read, which may begin sep
	for {
		chunk, err := s.r.ReadSlice(sep[len(sep)-1])
		if err != nil && err != bufio.ErrBufferFull {
			if sep != "<" {
				err = noEOF(err)
			}
			return err
		}
		last = append(last, chunk[max(0, len(chunk)-len(sep)):]...)
		last = last[max(0, len(last)-len(sep)):]
		if err == nil && string(last) == sep {
			return nil
		}
	}
}

// noEOF makes the end of the XML in a tag or a comment an error.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// attr returns the value of the attribute of attrs whose local name is
// name, as excelize reads it: the last such one.
func attr(attrs []byte, name string) []byte {
	var v []byte
	found := false
	for {
		attrs = trimSpace(attrs)
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			break
		}
		key := attrs[:eq]
		for len(key) > 0 && isSpace(key[len(key)-1]) {
			key = key[:len(key)-1]
		}
		if j := bytes.LastIndexByte(key, ':'); j >= 0 {
			key = key[j+1:]
		}
		rest := trimSpace(attrs[eq+1:])
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			break
		}
		close := bytes.IndexByte(rest[1:], rest[0])
		if close < 0 {
			break
		}
		if string(key) == name {
			v, found = rest[1:1+close], true
		}
		attrs = rest[close+2:]
	}
	if found && bytes.IndexByte(v, '&') >= 0 {
		v = []byte(html.UnescapeString(string(v)))
	}
	return v
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// columnOf returns the column of the cell named ref, such as "AB12".
func columnOf(ref []byte) (int, error) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		if col = col*26 + int(c-'a') + 1; col > excelize.MaxColumns {
			break
		}
	}
	if i == 0 || col > excelize.MaxColumns || i == len(ref) || ref[i] < '0' || ref[i] > '9' {
		return 0, fmt.Errorf("cell %q is not a cell's name", ref)
	}
	return col, nil
}
