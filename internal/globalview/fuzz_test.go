package globalview

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzParseValidate feeds arbitrary bytes to Parse and Validate. The seed corpus
// lives in testdata/fuzz/FuzzParseValidate and is replayed by every go test run;
// go test -fuzz=FuzzParseValidate ./internal/globalview explores further.
//
// Properties: nothing panics; errors have the documented types; a view that
// parses is validated the same way twice and is not modified by validation.
func FuzzParseValidate(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseWith(data, Options{MaxSize: 1 << 20})
		if err != nil {
			checkErrorType(t, err)
			return
		}
		before, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal parsed view: %v", err)
		}
		first := Validate(v)
		second := Validate(v)
		if (first == nil) != (second == nil) || (first != nil && first.Error() != second.Error()) {
			t.Fatalf("validation is not stable:\n%v\n----\n%v", first, second)
		}
		if first != nil {
			checkErrorType(t, first)
		}
		after, _ := json.Marshal(v)
		if string(before) != string(after) {
			t.Fatal("Validate modified the view")
		}
		if first == nil {
			for _, in := range v.Instances {
				_ = v.NodeOf(in.ID)
			}
		}
	})
}

func checkErrorType(t *testing.T, err error) {
	t.Helper()
	var pe *ParseError
	var ve ValidationErrors
	switch {
	case errors.As(err, &pe):
		if pe.Msg == "" {
			t.Fatal("ParseError without message")
		}
	case errors.As(err, &ve):
		if len(ve) == 0 || len(ve) > MaxErrors+1 {
			t.Fatalf("%d validation errors", len(ve))
		}
		for _, fe := range ve {
			if fe.Message == "" {
				t.Fatalf("field error without message at %q", fe.Path)
			}
		}
	default:
		t.Fatalf("error of type %T: %v", err, err)
	}
}
