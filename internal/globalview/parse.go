package globalview

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

const (
	// DefaultMaxSize is the largest document Parse accepts. A cloud with ten
	// thousand instances writes about 15 MB.
	DefaultMaxSize = 64 << 20
	// DefaultMaxDepth is the deepest element nesting Parse accepts; the CLC
	// writes at most 8 levels.
	DefaultMaxDepth = 64
	// rootName is the only accepted root element.
	rootName = "network-data"
)

// Options bounds what Parse accepts. Zero fields take the defaults.
type Options struct {
	// MaxSize is the largest document in bytes (default DefaultMaxSize).
	MaxSize int
	// MaxDepth is the deepest element nesting (default DefaultMaxDepth).
	MaxDepth int
}

func (o Options) withDefaults() Options {
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	return o
}

// Hash returns the SHA-256 of a document as lowercase hex: the cheap "has the
// file changed" gate before parsing.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Parse reads a global network view with the default Options. See ParseWith.
func Parse(data []byte) (*View, error) {
	return ParseWith(data, Options{})
}

// ParseWith reads a global network view. It returns a *ParseError when the
// document is not readable as a view at all, and ValidationErrors when leaves
// do not convert to their types (an integer that is not a number, ...).
// It does not validate: call Validate on the result.
func ParseWith(data []byte, opts Options) (*View, error) {
	opts = opts.withDefaults()
	if len(data) > opts.MaxSize {
		return nil, &ParseError{Offset: -1, Msg: fmt.Sprintf(
			"document is %d bytes, larger than the limit of %d bytes", len(data), opts.MaxSize)}
	}
	if len(data) == 0 {
		return nil, &ParseError{Offset: -1, Msg: "empty document"}
	}
	if !utf8.Valid(data) {
		off := firstInvalidUTF8(data)
		line, col := position(data, off)
		return nil, &ParseError{Line: line, Column: col, Offset: int64(off), Msg: fmt.Sprintf(
			"invalid UTF-8 byte 0x%02x at offset %d", data[off], off)}
	}
	root, err := readTree(data, opts.MaxDepth)
	if err != nil {
		return nil, err
	}
	p := &parser{}
	v := p.view(root)
	if err := p.errs.err(); err != nil {
		return nil, err
	}
	v.indexPlacement()
	return v, nil
}

// element is one XML element of the document, reduced to what the view needs.
type element struct {
	name     string
	attrs    []xml.Attr
	children []*element
	// text is the element's character data, concatenated and trimmed.
	text string
}

// readTree reads the document into an element tree rooted at network-data: the plain XML
// CLCs write without encoding/xml (readPlainTree), anything else, and every document with an
// error, with it (readXMLTree).
func readTree(data []byte, maxDepth int) (*element, error) {
	// A UTF-8 byte order mark is an encoding detail, not a node before the root.
	if root, ok := readPlainTree(bytes.TrimPrefix(data, []byte("\ufeff")), maxDepth); ok {
		return root, nil
	}
	return readXMLTree(data, maxDepth)
}

// readXMLTree tokenises the document into an element tree rooted at network-data.
//
// It reads raw tokens and matches end elements itself: Token would also translate namespace
// prefixes, which the view does not use (elements are known by their local names), and it
// copies every start and end element once more, a fifth of what parsing allocated (23 of
// 113 MB for a view of 10,000 interfaces). An edit of a large cloud parses while the heap is
// near the soft limit, where every allocation costs collector work.
func readXMLTree(data []byte, maxDepth int) (*element, error) {
	// A UTF-8 byte order mark is an encoding detail, not a node before the root.
	body := bytes.TrimPrefix(data, []byte("\ufeff"))
	bomLen := int64(len(data) - len(body))
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true

	fail := func(msg string) error {
		off := d.InputOffset() + bomLen
		line, col := position(data, int(off))
		return &ParseError{Line: line, Column: col, Offset: off, Msg: msg}
	}

	var (
		root  *element
		stack []*element
		// prefixes are the namespace prefixes of the open elements, as written: an end
		// element must repeat its start's.
		prefixes []string
		// texts are the character data of the open elements, one buffer per depth, reused
		// by the next element at that depth; empty: no text but whitespace so far.
		texts   [][]byte
		started bool // a token other than whitespace was seen
		closed  bool // the root element has ended
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF && len(stack) > 0 {
			err = &xml.SyntaxError{Msg: "unexpected EOF"} // as Token says it
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fail(xmlErrorText(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if closed {
				return nil, fail(fmt.Sprintf("element <%s> after the root element", t.Name.Local))
			}
			if len(stack) == 0 && t.Name.Local != rootName {
				return nil, fail(fmt.Sprintf("root element is <%s>, want <%s>", t.Name.Local, rootName))
			}
			if len(stack) >= maxDepth {
				return nil, fail(fmt.Sprintf("elements nested deeper than %d levels", maxDepth))
			}
			el := &element{name: t.Name.Local, attrs: t.Attr}
			if len(stack) == 0 {
				root = el
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, el)
			}
			stack = append(stack, el)
			prefixes = append(prefixes, t.Name.Space)
			if len(texts) < len(stack) {
				texts = append(texts, nil)
			}
			texts[len(stack)-1] = texts[len(stack)-1][:0]
			started = true
		case xml.EndElement:
			top := len(stack) - 1
			switch {
			case top < 0:
				return nil, fail("XML syntax error: unexpected end element </" + t.Name.Local + ">")
			case stack[top].name != t.Name.Local:
				return nil, fail("XML syntax error: element <" + stack[top].name + "> closed by </" + t.Name.Local + ">")
			case prefixes[top] != t.Name.Space:
				return nil, fail(fmt.Sprintf("XML syntax error: element <%s> with prefix %q closed by </%s> with prefix %q",
					stack[top].name, prefixes[top], t.Name.Local, t.Name.Space))
			}
			if text := bytes.TrimSpace(texts[top]); len(text) > 0 {
				stack[top].text = string(text)
			}
			stack, prefixes = stack[:top], prefixes[:top]
			if top == 0 {
				closed = true
			}
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					where := "before"
					if closed {
						where = "after"
					}
					return nil, fail(fmt.Sprintf("text %s the root element", where))
				}
				continue
			}
			// Whitespace before the first real text is dropped, so container
			// elements of indented files keep no text at all.
			top := len(stack) - 1
			if len(texts[top]) == 0 && len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			texts[top] = append(texts[top], t...)
		case xml.ProcInst:
			if root == nil && (started || t.Target != "xml") {
				return nil, fail(fmt.Sprintf("processing instruction <?%s?> before the root element; the root must be the first node", t.Target))
			}
			started = true
		case xml.Comment:
			if root == nil {
				return nil, fail("comment before the root element; the root must be the first node")
			}
		case xml.Directive:
			if root == nil || !closed {
				return nil, fail("directive <!" + firstWord(t) + "> is not allowed; the root must be the first node")
			}
		}
	}
	if root == nil {
		return nil, fail(fmt.Sprintf("no <%s> root element", rootName))
	}
	return root, nil
}

// xmlErrorText strips encoding/xml's "XML syntax error on line N" prefix, since
// ParseError carries the position itself.
func xmlErrorText(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return "XML syntax error: " + se.Msg
	}
	return err.Error()
}

func firstWord(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexAny(s, " \t\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 20 {
		s = s[:20]
	}
	return s
}

// firstInvalidUTF8 returns the offset of the first byte that is not part of a
// valid UTF-8 sequence; the caller knows there is one.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// position returns the 1-based line and byte column of offset off.
func position(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// The accessors below are nil-safe so that a missing wrapper reads as empty.

// attr returns the trimmed value of the last attribute with this local name.
func (e *element) attr(name string) string {
	if e == nil {
		return ""
	}
	v := ""
	for _, a := range e.attrs {
		if a.Name.Local == name {
			v = a.Value
		}
	}
	return strings.TrimSpace(v)
}

// child returns the last child with this name: for single-valued elements the
// last occurrence wins, as in the original.
func (e *element) child(name string) *element {
	if e == nil {
		return nil
	}
	for i := len(e.children) - 1; i >= 0; i-- {
		if e.children[i].name == name {
			return e.children[i]
		}
	}
	return nil
}

// each returns the children with this name, in document order.
func (e *element) each(name string) []*element {
	if e == nil {
		return nil
	}
	var out []*element
	for _, c := range e.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

// leaf returns the text of the last child with this name, "" when absent.
func (e *element) leaf(name string) string {
	if c := e.child(name); c != nil {
		return c.text
	}
	return ""
}

// values returns the texts of the value children (simple property, list).
func (e *element) values() []string {
	var out []string
	for _, c := range e.each("value") {
		out = append(out, c.text)
	}
	return out
}

// properties returns the property children keyed by @name; a repeated name
// keeps the last one. Order is the document order of first appearance.
func (e *element) properties() (names []string, byName map[string]*element) {
	byName = make(map[string]*element)
	for _, c := range e.each("property") {
		n := c.attr("name")
		if _, seen := byName[n]; !seen {
			names = append(names, n)
		}
		byName[n] = c
	}
	return names, byName
}
