package controllers

import (
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// TestFieldIndexKeysFollowTheListScope: a field listed in one namespace is indexed under that
// namespace only, a field listed across namespaces (claims, numbers unique per cloud) under
// controller-runtime's all-namespaces key only, as its cache reader looks them up.
func TestFieldIndexKeysFollowTheListScope(t *testing.T) {
	eni := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Name: "eni-11112222", Namespace: "acct"}}
	eni.Spec.SecurityGroups = []string{"sg-1", "sg-2"}
	eni.Status.MetadataIP = "255.0.0.10"
	keys := map[string][]string{}
	for _, ix := range IndexedFields() {
		if _, ok := ix.Object.(*vpcv1.NetworkInterface); !ok {
			continue
		}
		got, err := scopedIndex(ix)(eni)
		if err != nil {
			t.Fatalf("%s: %v", ix.Field, err)
		}
		keys[ix.Field] = got
	}
	if got := keys[idxSecurityGroups]; !slices.Equal(got, []string{"acct/sg-1", "acct/sg-2"}) {
		t.Errorf("%s keys = %v, want the namespace's only", idxSecurityGroups, got)
	}
	if got := keys[idxMetadataIP]; !slices.Equal(got, []string{"__all_namespaces/255.0.0.10"}) {
		t.Errorf("%s keys = %v, want the all-namespaces key only", idxMetadataIP, got)
	}
	if got := keys[idxClaims]; len(got) == 0 || !slices.ContainsFunc(got, func(k string) bool { return k == "__all_namespaces/"+claimInterface+"eni-11112222" }) {
		t.Errorf("%s keys = %v, want the interface's claim across namespaces", idxClaims, got)
	}
	for _, k := range keys[idxClaims] {
		if !strings.HasPrefix(k, "__all_namespaces/") {
			t.Errorf("claim key %q is not an all-namespaces key", k)
		}
	}
}
