package globalview

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The plain reader gives the tree encoding/xml gives, for every fixture it accepts, and it
// accepts what CLCs write (one line, or indented without comments) and large views.
func TestPlainTreeAsTokenReadsIt(t *testing.T) {
	files, err := filepath.Glob("testdata/*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	docs := map[string][]byte{"largeView(300)": largeView(300)}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = data
		// The same document without its comments, as a CLC writes it, indented.
		docs[f+" without comments"] = []byte(stripComments(string(data)))
	}
	accepted := 0
	for name, data := range docs {
		got, ok := readPlainTree(data, DefaultMaxDepth)
		if !ok {
			if !strings.Contains(string(data), "<!--") {
				t.Errorf("%s: the plain reader declines it", name)
			}
			continue
		}
		accepted++
		want := tokenTree(t, data)
		if w, g := dumpTree(want), dumpTree(got); !slices.Equal(w, g) || len(g) < 10 {
			t.Errorf("%s: the tree differs from Token's:\nToken:\n%s\nplain:\n%s", name, strings.Join(w, "\n"), strings.Join(g, "\n"))
		}
	}
	if accepted < len(files) {
		t.Errorf("the plain reader accepted %d of %d documents", accepted, len(docs))
	}
}

func stripComments(s string) string {
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "-->")
		s = s[:i] + s[i+j+len("-->"):]
	}
}

// plainDeclined are documents outside the plain subset, or broken: the plain reader leaves
// them to encoding/xml, which reads the valid ones and words the errors.
var plainDeclined = map[string]string{
	"entity":             `<network-data version="0000abcd"><a>x &amp; y</a></network-data>`,
	"character ref":      `<network-data><a>&#65;</a></network-data>`,
	"comment":            `<network-data><!-- c --></network-data>`,
	"CDATA":              `<network-data><a><![CDATA[x]]></a></network-data>`,
	"prefix":             `<network-data><p:a xmlns:p="urn:x">1</p:a></network-data>`,
	"prefixed attribute": `<network-data><a p:n="1"/></network-data>`,
	"carriage return":    "<network-data>\r\n<a>1</a></network-data>",
	"non-ASCII text":     `<network-data><a>é</a></network-data>`,
	"non-ASCII name":     `<network-data><é>1</é></network-data>`,
	"gt in text":         `<network-data><a>]]></a></network-data>`,
	"newline in value":   "<network-data><a n=\"x\ny\"/></network-data>",
	"mismatched end":     `<network-data><a></b></network-data>`,
	"unclosed":           `<network-data><a>`,
	"text after root":    `<network-data/>x`,
	"element after root": `<network-data/><a/>`,
	"wrong root":         `<vpcs/>`,
	"unquoted value":     `<network-data version=1/>`,
	"no space":           `<network-data a="1"b="2"/>`,
	"other declaration":  `<?xml version="1.1"?><network-data/>`,
	"latin-1":            `<?xml version="1.0" encoding="ISO-8859-1"?><network-data/>`,
	"instruction":        `<?xml version="1.0"?><?pi x?><network-data/>`,
	"doctype":            `<!DOCTYPE network-data><network-data/>`,
	"empty":              ``,
}

func TestPlainTreeDeclines(t *testing.T) {
	for name, doc := range plainDeclined {
		if _, ok := readPlainTree([]byte(doc), DefaultMaxDepth); ok {
			t.Errorf("%s: the plain reader accepted %q", name, doc)
		}
	}
	deep := strings.Repeat("<a>", 5) + strings.Repeat("</a>", 5)
	if _, ok := readPlainTree([]byte("<network-data>"+deep+"</network-data>"), 5); ok {
		t.Error("the plain reader accepted elements nested deeper than the limit")
	}
}

// FuzzPlainTree: whatever the plain reader accepts, encoding/xml reads to the same tree.
func FuzzPlainTree(f *testing.F) {
	for _, doc := range plainDeclined {
		f.Add([]byte(doc))
	}
	f.Add(largeView(3))
	f.Add([]byte(" <?xml version=\"1.0\"?>\n<network-data a='1'>\n\t<b c = \"2\" >x y</b ><d/>z</network-data>\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := readPlainTree(data, DefaultMaxDepth)
		if !ok {
			return
		}
		want, err := readXMLTree(data, DefaultMaxDepth)
		if err != nil {
			t.Fatalf("the plain reader accepted what encoding/xml rejects (%v): %q", err, data)
		}
		if w, g := dumpTree(want), dumpTree(got); !slices.Equal(w, g) {
			t.Fatalf("trees differ for %q:\nxml:\n%s\nplain:\n%s", data, strings.Join(w, "\n"), strings.Join(g, "\n"))
		}
	})
}
