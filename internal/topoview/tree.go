package topoview

import (
	"bufio"
	"io"
)

// node is one line of the tree and the lines under it.
type node struct {
	text string
	kids []*node
}

func newNode(text string) *node { return &node{text: text} }

// add appends a child and returns it, for building sub-trees.
func (n *node) add(text string) *node {
	kid := newNode(text)
	n.kids = append(n.kids, kid)
	return kid
}

// addNode appends a child built elsewhere, unless it is nil.
func (n *node) addNode(kid *node) {
	if kid != nil {
		n.kids = append(n.kids, kid)
	}
}

// attach adds sec as a child when something is under it: empty sections are not shown.
func (n *node) attach(sec *node) {
	if len(sec.kids) > 0 {
		n.kids = append(n.kids, sec)
	}
}

// render writes the roots one after the other, separated by a blank line, each followed by
// its descendants drawn with box-drawing characters.
func render(w io.Writer, roots []*node) error {
	bw := bufio.NewWriter(w)
	for i, root := range roots {
		if i > 0 {
			bw.WriteString("\n")
		}
		bw.WriteString(root.text + "\n")
		writeKids(bw, root.kids, "")
	}
	return bw.Flush()
}

func writeKids(bw *bufio.Writer, kids []*node, indent string) {
	for i, kid := range kids {
		branch, more := "├── ", "│   "
		if i == len(kids)-1 {
			branch, more = "└── ", "    "
		}
		bw.WriteString(indent + branch + kid.text + "\n")
		writeKids(bw, kid.kids, indent+more)
	}
}
