package viewgen

import (
	"bytes"
	"testing"

	"github.com/midovpc/midovpc/internal/globalview"
)

// BenchmarkHandleView10000 is what the manager does with a new view of the 10,000-interface
// scale cloud before it compares and applies: parse, validate, project. Its bytes per
// operation are the allocation burst of an edit at that size (docs/design.md, "Memory at
// scale").
func BenchmarkHandleView10000(b *testing.B) {
	v, err := Generate(DefaultShape(10000))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteXML(&buf, v); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := globalview.ProjectDocument(data, ""); err != nil {
			b.Fatal(err)
		}
	}
}
