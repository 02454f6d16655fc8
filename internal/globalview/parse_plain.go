package globalview

import (
	"bytes"
	"encoding/xml"
	"slices"
)

// readPlainTree builds the element tree of a document written in the plain XML a CLC
// writes, without encoding/xml: elements and attributes with ASCII names and no namespace
// prefixes, quoted attribute values and texts of printable ASCII without entities or '>',
// an optional UTF-8 version 1.0 declaration, nothing else. It reports false for anything
// outside that subset, and for every error (mismatched end element, text outside the root,
// nesting deeper than maxDepth, ...): readTree then reads the document with encoding/xml,
// which accepts the rest and words the errors.
//
// Why: encoding/xml returns every token as an interface, so each start element, end element
// and run of text is one more allocation. For a view of 10,000 interfaces that was 28 of the
// 116 MB that handling it allocated, all of it while an edit's heap is near the soft limit
// (docs/design.md, "Memory at scale"). Element names are interned, and elements come from
// blocks, so the tree is a few hundred allocations plus its texts.
func readPlainTree(data []byte, maxDepth int) (*element, bool) {
	s := plainScanner{data: data, names: make(map[string]string, 128)}
	return s.tree(maxDepth)
}

type plainScanner struct {
	data  []byte
	names map[string]string
	block []element // elements not handed out yet
}

// plainDeclarations are the XML declarations readPlainTree accepts.
var plainDeclarations = []string{
	` version="1.0" encoding="UTF-8" standalone="yes"`,
	` version="1.0" encoding="UTF-8"`,
	` version="1.0"`,
}

func (s *plainScanner) tree(maxDepth int) (*element, bool) {
	data := s.data
	i := skipXMLSpace(data, 0)
	if bytes.HasPrefix(data[i:], []byte("<?")) {
		end := bytes.Index(data[i:], []byte("?>"))
		if end < 0 || !bytes.HasPrefix(data[i:], []byte("<?xml")) ||
			!slices.Contains(plainDeclarations, string(data[i+len("<?xml"):i+end])) {
			return nil, false
		}
		i += end + len("?>")
	}
	var (
		root  *element
		stack []*element
		// kids and texts are the children and text of the open elements, one buffer per
		// depth, reused by the next element at that depth.
		kids  [][]*element
		texts [][]byte
	)
	closeTop := func() {
		top := len(stack) - 1
		el := stack[top]
		if len(kids[top]) > 0 {
			el.children = slices.Clone(kids[top])
		}
		if text := bytes.TrimSpace(texts[top]); len(text) > 0 {
			el.text = string(text)
		}
		stack = stack[:top]
	}
	for i < len(data) {
		if data[i] != '<' {
			end := len(data)
			if j := bytes.IndexByte(data[i:], '<'); j >= 0 {
				end = i + j
			}
			chunk := data[i:end]
			i = end
			if !plainText(chunk, false) {
				return nil, false
			}
			if len(stack) == 0 {
				if len(bytes.TrimSpace(chunk)) > 0 {
					return nil, false
				}
				continue
			}
			top := len(stack) - 1
			texts[top] = append(texts[top], chunk...)
			continue
		}
		if i+1 < len(data) && data[i+1] == '/' {
			name, j, ok := s.name(i + 2)
			j = skipXMLSpace(data, j)
			if !ok || j >= len(data) || data[j] != '>' || len(stack) == 0 || stack[len(stack)-1].name != name {
				return nil, false
			}
			closeTop()
			i = j + 1
			continue
		}
		// A start element: the root, or an element inside it.
		name, j, ok := s.name(i + 1)
		if !ok || (root != nil && len(stack) == 0) || (root == nil && name != rootName) || len(stack) >= maxDepth {
			return nil, false
		}
		el := s.element(name)
		empty := false
		for {
			k := skipXMLSpace(data, j)
			if k >= len(data) {
				return nil, false
			}
			if data[k] == '>' {
				j = k + 1
				break
			}
			if data[k] == '/' {
				if k+1 >= len(data) || data[k+1] != '>' {
					return nil, false
				}
				j, empty = k+2, true
				break
			}
			if k == j { // attributes are separated by space
				return nil, false
			}
			attr, next, ok := s.attribute(k)
			if !ok {
				return nil, false
			}
			el.attrs = append(el.attrs, attr)
			j = next
		}
		i = j
		if root == nil {
			root = el
		} else {
			parent := len(stack) - 1
			kids[parent] = append(kids[parent], el)
		}
		stack = append(stack, el)
		if len(kids) < len(stack) {
			kids, texts = append(kids, nil), append(texts, nil)
		}
		kids[len(stack)-1], texts[len(stack)-1] = kids[len(stack)-1][:0], texts[len(stack)-1][:0]
		if empty {
			closeTop()
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, false
	}
	return root, true
}

// element hands out a new element from the current block.
func (s *plainScanner) element(name string) *element {
	if len(s.block) == 0 {
		s.block = make([]element, 256)
	}
	el := &s.block[0]
	s.block = s.block[1:]
	el.name = name
	return el
}

// name reads an ASCII name without a prefix at i and returns it interned, with the offset
// after it. A name that goes on with a prefix colon or a non-ASCII letter is not plain.
func (s *plainScanner) name(i int) (string, int, bool) {
	data := s.data
	j := i
	for j < len(data) && isPlainNameByte(data[j], j == i) {
		j++
	}
	if j == i || (j < len(data) && (data[j] == ':' || data[j] >= 0x80)) {
		return "", j, false
	}
	if name, ok := s.names[string(data[i:j])]; ok {
		return name, j, true
	}
	name := string(data[i:j])
	s.names[name] = name
	return name, j, true
}

// attribute reads name="value" (or 'value') at i.
func (s *plainScanner) attribute(i int) (xml.Attr, int, bool) {
	data := s.data
	name, j, ok := s.name(i)
	if !ok {
		return xml.Attr{}, j, false
	}
	j = skipXMLSpace(data, j)
	if j >= len(data) || data[j] != '=' {
		return xml.Attr{}, j, false
	}
	j = skipXMLSpace(data, j+1)
	if j >= len(data) || (data[j] != '"' && data[j] != '\'') {
		return xml.Attr{}, j, false
	}
	end := bytes.IndexByte(data[j+1:], data[j])
	if end < 0 {
		return xml.Attr{}, j, false
	}
	value := data[j+1 : j+1+end]
	if !plainText(value, true) {
		return xml.Attr{}, j, false
	}
	return xml.Attr{Name: xml.Name{Local: name}, Value: string(value)}, j + 1 + end + 1, true
}

func isPlainNameByte(b byte, first bool) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', b == '_':
		return true
	case '0' <= b && b <= '9', b == '-', b == '.':
		return !first
	}
	return false
}

// plainText reports whether b is printable ASCII without markup or entities ('<', '>', '&');
// texts may also hold tabs and line feeds (not carriage returns, which XML rewrites).
func plainText(b []byte, attribute bool) bool {
	for _, c := range b {
		switch {
		case c == '\t' || c == '\n':
			if attribute {
				return false
			}
		case c < 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '&':
			return false
		}
	}
	return true
}

func skipXMLSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n':
			i++
		default:
			return i
		}
	}
	return i
}
