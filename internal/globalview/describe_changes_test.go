package globalview

import "testing"

func TestDescribeChangesNamesAFewSorted(t *testing.T) {
	sg := func(name string) ObjectRef { return ObjectRef{Kind: "SecurityGroup", Namespace: "ns", Name: name} }
	changes := []Change{{"update", sg("sg-2")}, {"create", sg("sg-1")}, {"delete", sg("sg-3")}}
	if got, want := describeChanges(changes, 10), "create SecurityGroup ns/sg-1, delete SecurityGroup ns/sg-3, update SecurityGroup ns/sg-2"; got != want {
		t.Errorf("describeChanges = %q, want %q", got, want)
	}
	if got, want := describeChanges(changes, 2), "create SecurityGroup ns/sg-1, delete SecurityGroup ns/sg-3 and 1 more"; got != want {
		t.Errorf("describeChanges(max 2) = %q, want %q", got, want)
	}
}
