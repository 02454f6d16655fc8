package controllers

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

func claimsClient(t *testing.T, objs ...client.Object) client.Client {
	b := fake.NewClientBuilder().WithScheme(testScheme(t)).WithObjects(objs...)
	for _, o := range []client.Object{&vpcv1.Vpc{}, &vpcv1.Subnet{}, &vpcv1.NetworkInterface{}, &vpcv1.NatGateway{}, &vpcv1.ElasticIP{}} {
		b = b.WithIndex(o, idxClaims, claimKeys)
	}
	return b.WithIndex(&vpcv1.Subnet{}, idxVPC, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.Subnet).Spec.VPC) }).Build()
}

func withFinalizer(v *vpcv1.Vpc) *vpcv1.Vpc {
	v.Finalizers = []string{vpcv1.Finalizer}
	return v
}

func vpcAt(ns string, created int64, uid string, held bool) *vpcv1.Vpc {
	v := &vpcv1.Vpc{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "vpc-0a1b2c3d", UID: typesUID(uid),
		CreationTimestamp: metav1.Unix(created, 0)}, Spec: vpcv1.VpcSpec{CIDR: "10.0.0.0/16"}}
	if held {
		v.Status.Claims = []string{claimVpc + v.Name}
	}
	return v
}

// The rule every contender computes alike: the holder first (a resource records its claims
// before its first MidoNet write), else the oldest, else the lowest uid; a contender being
// deleted that does not hold the id does not count. The finalizer plays no part: projected
// resources carry it from their creation.
func TestWhoOwnsACloudID(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name        string
		a, b        *vpcv1.Vpc
		bDeleting   bool // b is being deleted, held by bFinalizer
		bFinalizer  string
		wantAWins   bool
		wantMessage string
	}{
		{"the older wins", vpcAt("prod", 1000, "z", false), vpcAt("team-a", 2000, "a", false), false, "", true, "prod/vpc-0a1b2c3d (it is older)"},
		{"the lower uid breaks a tie", vpcAt("prod", 1000, "a", false), vpcAt("team-a", 1000, "b", false), false, "", true, ""},
		{"the holder wins over an older one", vpcAt("prod", 2000, "a", true), vpcAt("team-a", 1000, "b", false), false, "", true, "prod/vpc-0a1b2c3d (it holds it)"},
		{"a finalizer alone does not rank", withFinalizer(vpcAt("prod", 2000, "b", false)), vpcAt("team-a", 1000, "a", false), false, "", false, ""},
		{"a deleting holder still holds", vpcAt("prod", 2000, "a", false), vpcAt("team-a", 1000, "b", true), true, vpcv1.Finalizer, false, ""},
		{"a deleting non-holder does not count, with our finalizer", vpcAt("prod", 2000, "a", false), vpcAt("team-a", 1000, "b", false), true, vpcv1.Finalizer, true, ""},
		{"a deleting non-holder does not count, with another finalizer", vpcAt("prod", 2000, "a", false), vpcAt("team-a", 1000, "b", false), true, "test.midovpc.io/hold", true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bDeleting {
				tc.b.Finalizers = []string{tc.bFinalizer}
			}
			c := claimsClient(t, tc.a, tc.b)
			if tc.bDeleting {
				if err := c.Delete(ctx, tc.b); err != nil {
					t.Fatal(err)
				}
			}
			a, b := &vpcv1.Vpc{}, &vpcv1.Vpc{}
			_ = c.Get(ctx, client.ObjectKeyFromObject(tc.a), a)
			_ = c.Get(ctx, client.ObjectKeyFromObject(tc.b), b)
			ra, err := refused(ctx, c, a, nil)
			if err != nil {
				t.Fatal(err)
			}
			if (ra == nil) != tc.wantAWins {
				t.Fatalf("a refused: %v, want a to win: %v", ra, tc.wantAWins)
			}
			if !tc.bDeleting {
				rb, _ := refused(ctx, c, b, nil)
				if (rb == nil) == (ra == nil) {
					t.Fatalf("a refused %v, b refused %v: exactly one must act", ra, rb)
				}
				if tc.wantMessage != "" && (rb == nil || rb.reason() != vpcv1.ReasonConflict || !contains(rb.Error(), tc.wantMessage)) {
					t.Fatalf("b: %v, want Conflict naming %q", rb, tc.wantMessage)
				}
			}
		})
	}
}

// Addresses: a private IP is one per subnet (an interface and a NAT gateway contend), a subnet
// CIDR must not overlap a sibling's.
func TestAddressesInUse(t *testing.T) {
	ctx := context.Background()
	eni := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "eni-00000001", UID: "1", CreationTimestamp: metav1.Unix(1, 0)},
		Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-00000001", InstanceID: "i-00000001", MACAddress: "D0:0D:00:00:00:01", PrivateIP: "10.0.1.10"}}
	nat := &vpcv1.NatGateway{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "nat-00000000000000001", UID: "2", CreationTimestamp: metav1.Unix(2, 0)},
		Spec: vpcv1.NatGatewaySpec{Subnet: "subnet-00000001", MACAddress: "d0:0d:00:00:00:02", PrivateIP: "10.0.1.10"}}
	sn1 := &vpcv1.Subnet{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "subnet-00000001", UID: "3", CreationTimestamp: metav1.Unix(1, 0)},
		Spec: vpcv1.SubnetSpec{VPC: "vpc-00000001", CIDR: "10.0.1.0/24"}}
	sn2 := &vpcv1.Subnet{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "subnet-00000002", UID: "4", CreationTimestamp: metav1.Unix(2, 0)},
		Spec: vpcv1.SubnetSpec{VPC: "vpc-00000001", CIDR: "10.0.1.128/25"}}
	c := claimsClient(t, eni, nat, sn1, sn2)
	if r, _ := refused(ctx, c, eni, nil); r != nil {
		t.Fatalf("the older interface is refused: %v", r)
	}
	r, _ := refused(ctx, c, nat, nil)
	if r == nil || r.reason() != vpcv1.ReasonAddressInUse || !contains(r.Error(), "private IP 10.0.1.10 in subnet subnet-00000001 is in use by NetworkInterface ns/eni-00000001") {
		t.Fatalf("NAT gateway: %v", r)
	}
	r, _ = refused(ctx, c, sn2, nil)
	if r == nil || r.reason() != vpcv1.ReasonAddressInUse || !contains(r.Error(), "overlaps Subnet ns/subnet-00000001") {
		t.Fatalf("overlapping subnet: %v", r)
	}
	if r, _ := refused(ctx, c, sn1, nil); r != nil {
		t.Fatalf("the older subnet is refused: %v", r)
	}
}

// An interface has one elastic IP: a second one for it is refused, whatever its address.
func TestOneElasticIPPerInterface(t *testing.T) {
	ctx := context.Background()
	first := &vpcv1.ElasticIP{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "eip-1", UID: "1", CreationTimestamp: metav1.Unix(1, 0)},
		Spec: vpcv1.ElasticIPSpec{PublicIP: "10.116.150.11", NetworkInterface: "eni-00000001"}}
	second := &vpcv1.ElasticIP{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "eip-2", UID: "2", CreationTimestamp: metav1.Unix(2, 0)},
		Spec: vpcv1.ElasticIPSpec{PublicIP: "10.116.150.12", NetworkInterface: "eni-00000001"}}
	elsewhere := &vpcv1.ElasticIP{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "eip-3", UID: "3", CreationTimestamp: metav1.Unix(3, 0)},
		Spec: vpcv1.ElasticIPSpec{PublicIP: "10.116.150.13", NetworkInterface: "eni-00000001"}}
	unassociated := &vpcv1.ElasticIP{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "eip-4", UID: "4", CreationTimestamp: metav1.Unix(4, 0)},
		Spec: vpcv1.ElasticIPSpec{PublicIP: "10.116.150.14"}}
	c := claimsClient(t, first, second, elsewhere, unassociated)
	r, _ := refused(ctx, c, second, nil)
	if r == nil || r.reason() != vpcv1.ReasonAddressInUse ||
		!contains(r.Error(), "NetworkInterface eni-00000001 already has an elastic IP, ElasticIP ns/eip-1 (it is older): one per interface") {
		t.Fatalf("second elastic IP of the interface: %v", r)
	}
	for _, ok := range []*vpcv1.ElasticIP{first, elsewhere, unassociated} {
		if r, _ := refused(ctx, c, ok, nil); r != nil {
			t.Errorf("%s refused: %v", ok.Name, r)
		}
	}
}

func TestPublicIPRanges(t *testing.T) {
	cn := &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: vpcv1.CoreNetworkSpec{PublicIPs: []string{"10.116.150.10-10.116.150.254", "192.0.2.7"}}}
	for ip, want := range map[string]bool{"10.116.150.10": true, "10.116.150.254": true, "10.116.150.255": false, "192.0.2.7": true, "192.0.2.8": false} {
		got, err := inPublicRanges(cn, mustIP(ip))
		if err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", ip, got, err, want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func mustIP(s string) netip.Addr { return netip.MustParseAddr(s) }

func typesUID(s string) types.UID { return types.UID(s) }

// The same-second window: prod's first sync is in flight (its status records nothing yet) when
// team-a's resource arrives, created in the same second (creationTimestamp has one-second
// resolution) with a lower uid, so the rank alone would let team-a act too. The manager lets
// only the one it let act first go on, until that one is deleted.
func TestSameSecondContenderWaitsForTheOneActing(t *testing.T) {
	ctx := context.Background()
	acting := &actingClaims{}
	prod := vpcAt("prod", 1000, "b", false)
	// prod is reconciled alone first: it acts.
	c := claimsClient(t, prod)
	if r, err := refused(ctx, c, prod, acting); err != nil || r != nil {
		t.Fatalf("prod alone: refused %v, %v; want it to act", r, err)
	}
	// team-a arrives in the same second with a lower uid, before prod's status records its claim.
	teamA := vpcAt("team-a", 1000, "a", false)
	teamA.Finalizers = []string{vpcv1.Finalizer}
	if err := c.Create(ctx, teamA); err != nil {
		t.Fatal(err)
	}
	if r, _ := refused(ctx, c, teamA, nil); r != nil {
		t.Fatalf("the rank alone refuses team-a (%v); the case needs it to win the tie", r)
	}
	r, err := refused(ctx, c, teamA, acting)
	if err != nil {
		t.Fatal(err)
	}
	if r == nil || r.reason() != vpcv1.ReasonConflict || !contains(r.Error(), "prod/vpc-0a1b2c3d (it is being synced)") {
		t.Fatalf("team-a: refused %v; want Conflict naming prod, being synced", r)
	}
	if r, _ := refused(ctx, c, prod, acting); r != nil {
		t.Fatalf("prod refused %v after team-a arrived; it acts already", r)
	}
	// prod's sync records its claim: it holds it now, and team-a stays refused by the rank too.
	if err := c.Get(ctx, client.ObjectKeyFromObject(prod), prod); err != nil {
		t.Fatal(err)
	}
	prod.Status.Claims = []string{claimVpc + prod.Name}
	if err := c.Update(ctx, prod); err != nil {
		t.Fatal(err)
	}
	if r, _ := refused(ctx, c, teamA, acting); r == nil || !r.held {
		t.Fatalf("team-a after prod recorded its claim: refused %v; want refused by the holder", r)
	}
	// prod goes: team-a takes over.
	if err := c.Delete(ctx, prod); err != nil {
		t.Fatal(err)
	}
	if r, _ := refused(ctx, c, teamA, acting); r != nil {
		t.Fatalf("team-a after prod was deleted: refused %v; want it to act", r)
	}
}
