package controllers

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/translate"
)

// Claims: MidoNet names are derived from cloud ids (vr_<vpc>_<n>, ic_<if>_prechain, ...) and
// some MidoNet objects from addresses (a DHCP host and an ARP entry per private IP, a /32
// route on eucart per public IP). Two resources that want the same id or address, in any
// namespace, would act on the same MidoNet objects; only one of them may.
//
// The rule, the same in every reconcile and after any restart: the resource that holds the
// claim keeps it (status.claims, recorded by its first successful sync); when none holds it,
// the oldest (creationTimestamp, then uid) gets it. The others are refused: Ready=False with
// reason Conflict (a cloud id) or AddressInUse (an address), a Warning event naming the
// holder, and no MidoNet write or delete on their behalf. A refused resource is woken when its
// contenders change, so it takes over once the holder is gone.

// claimIndex is the field index of the claims a resource's spec makes.
const idxClaims = "claims"

// Claim prefixes. Identity claims name MidoNet objects; the others are addresses.
const (
	claimVpc       = "vpc:"
	claimSubnet    = "subnet:"
	claimGroup     = "sg:"
	claimACL       = "acl:"
	claimInterface = "interface:"
	claimNAT       = "nat:"
	claimIP        = "ip:"        // <namespace>/<subnet>/<private ip>: one per subnet
	claimMAC       = "mac:"       // <namespace>/<subnet>/<mac>: one per bridge
	claimPublicIP  = "public-ip:" // one per cloud (eucart)
	claimCIDR      = "cidr:"      // <namespace>/<vpc>/<cidr>: subnets of a VPC must not overlap
	claimEIPOf     = "eip-of:"    // <namespace>/<interface>: one elastic IP per interface
)

// claim is one id or address a resource wants.
type claim struct {
	key string
	// what says it in words, for messages: "Vpc vpc-0a1b2c3d", "private IP 10.0.1.10 in
	// subnet subnet-11aa22bb".
	what string
}

func (c claim) identity() bool {
	for _, p := range []string{claimVpc, claimSubnet, claimGroup, claimACL, claimInterface, claimNAT} {
		if strings.HasPrefix(c.key, p) {
			return true
		}
	}
	return false
}

// claimsOf lists the claims an object's spec makes.
func claimsOf(o client.Object) []claim {
	ns := o.GetNamespace()
	addr := func(prefix, subnet, value, what string) claim {
		return claim{key: prefix + ns + "/" + subnet + "/" + value, what: fmt.Sprintf("%s %s in subnet %s", what, value, subnet)}
	}
	switch x := o.(type) {
	case *vpcv1.Vpc:
		return []claim{{claimVpc + x.Name, "Vpc " + x.Name}}
	case *vpcv1.Subnet:
		out := []claim{{claimSubnet + x.Name, "Subnet " + x.Name}}
		if p, err := parseCIDR(string(x.Spec.CIDR)); err == nil {
			out = append(out, claim{claimCIDR + ns + "/" + x.Spec.VPC + "/" + p.String(), "CIDR " + p.String() + " in Vpc " + x.Spec.VPC})
		}
		return out
	case *vpcv1.SecurityGroup:
		return []claim{{claimGroup + x.Name, "SecurityGroup " + x.Name}}
	case *vpcv1.NetworkAcl:
		return []claim{{claimACL + x.Spec.VPC + "/" + x.Name, "NetworkAcl " + x.Name + " of Vpc " + x.Spec.VPC}}
	case *vpcv1.NetworkInterface:
		ifname := translate.InterfaceName(x.Name, x.Spec.InstanceID, int(x.Spec.DeviceIndex))
		return []claim{
			{claimInterface + ifname, "interface " + ifname},
			addr(claimIP, x.Spec.Subnet, string(x.Spec.PrivateIP), "private IP"),
			addr(claimMAC, x.Spec.Subnet, strings.ToLower(string(x.Spec.MACAddress)), "MAC"),
		}
	case *vpcv1.NatGateway:
		out := []claim{
			{claimNAT + x.Name, "NatGateway " + x.Name},
			addr(claimIP, x.Spec.Subnet, string(x.Spec.PrivateIP), "private IP"),
			addr(claimMAC, x.Spec.Subnet, strings.ToLower(string(x.Spec.MACAddress)), "MAC"),
		}
		if x.Spec.PublicIP != nil {
			out = append(out, claim{claimPublicIP + string(*x.Spec.PublicIP), "public IP " + string(*x.Spec.PublicIP)})
		}
		return out
	case *vpcv1.ElasticIP:
		out := []claim{{claimPublicIP + string(x.Spec.PublicIP), "public IP " + string(x.Spec.PublicIP)}}
		// An interface has one private address, and an elastic IP is a 1:1 NAT of it: a
		// second one would take over the first's SNAT (the instance's source address on the
		// internet) without a word.
		if x.Spec.NetworkInterface != "" {
			out = append(out, claim{claimEIPOf + ns + "/" + x.Spec.NetworkInterface, "NetworkInterface " + x.Spec.NetworkInterface})
		}
		return out
	}
	return nil
}

// claimKeys are the index values of an object's claims.
func claimKeys(o client.Object) []string {
	var keys []string
	for _, c := range claimsOf(o) {
		keys = append(keys, c.key)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// claimants are the kinds that can make a claim with this key.
func claimants(key string) []func() client.ObjectList {
	switch {
	case strings.HasPrefix(key, claimVpc):
		return []func() client.ObjectList{vpcs}
	case strings.HasPrefix(key, claimSubnet), strings.HasPrefix(key, claimCIDR):
		return []func() client.ObjectList{subnets}
	case strings.HasPrefix(key, claimGroup):
		return []func() client.ObjectList{groups}
	case strings.HasPrefix(key, claimACL):
		return []func() client.ObjectList{acls}
	case strings.HasPrefix(key, claimInterface):
		return []func() client.ObjectList{interfaces}
	case strings.HasPrefix(key, claimNAT):
		return []func() client.ObjectList{natGateways}
	case strings.HasPrefix(key, claimIP), strings.HasPrefix(key, claimMAC):
		return []func() client.ObjectList{interfaces, natGateways}
	case strings.HasPrefix(key, claimPublicIP):
		return []func() client.ObjectList{elasticIPs, natGateways}
	case strings.HasPrefix(key, claimEIPOf):
		return []func() client.ObjectList{elasticIPs}
	}
	return nil
}

// holds tells whether o holds the claim key (its status records it).
func holds(o client.Object, key string) bool {
	st, ok := o.(object)
	return ok && slices.Contains(st.GetReconcileStatus().Claims, key)
}

// outranks tells whether a (holding the claim or not) comes before b: the holder first, then
// the oldest, then the lowest uid. Every reconcile of every contender agrees on it. A resource
// records its claims in its status before its first MidoNet write (claimBeforeWriting), so
// one that has acted holds: after a restart it stays ahead of a contender it refused, even
// one older or created in the same second with a lower uid.
func outranks(a client.Object, aHolds bool, b client.Object, bHolds bool) bool {
	if aHolds != bHolds {
		return aHolds
	}
	ta, tb := a.GetCreationTimestamp(), b.GetCreationTimestamp()
	if !ta.Equal(&tb) {
		return ta.Before(&tb)
	}
	return a.GetUID() < b.GetUID()
}

// contender is another object that wants what a claim wants, and whether it holds it (its
// status records it) or acts on it (this process let it act before its status records it).
type contender struct {
	obj    client.Object
	holds  bool
	acting bool
}

// contenders lists the other objects, in any namespace, that want the claim.
func contenders(ctx context.Context, c client.Client, self client.Object, cl claim) ([]contender, error) {
	var out []contender
	if strings.HasPrefix(cl.key, claimCIDR) {
		return overlappingSubnets(ctx, c, self)
	}
	for _, newList := range claimants(cl.key) {
		l := newList()
		// Only read (ranked, named in a refusal): the cache's objects, not a deep copy for
		// each claim of each reconcile (80 MB of garbage in the window of one edit at 10,000
		// interfaces, in a heap profile of bench-scale).
		if err := c.List(ctx, l, client.MatchingFields{idxClaims: cl.key}, client.UnsafeDisableDeepCopy); err != nil {
			return nil, err
		}
		items, err := itemsOf(l)
		if err != nil {
			return nil, err
		}
		for _, o := range items {
			if o.GetUID() != self.GetUID() {
				out = append(out, contender{obj: o, holds: holds(o, cl.key)})
			}
		}
	}
	return out, nil
}

// overlappingSubnets lists the subnets of the same VPC whose CIDR overlaps the subnet's.
func overlappingSubnets(ctx context.Context, c client.Client, self client.Object) ([]contender, error) {
	sn, ok := self.(*vpcv1.Subnet)
	if !ok {
		return nil, nil
	}
	mine, err := parseCIDR(string(sn.Spec.CIDR))
	if err != nil {
		return nil, nil
	}
	siblings, err := listShared(ctx, c, &vpcv1.SubnetList{}, sn.Namespace, idxVPC, sn.Spec.VPC)
	if err != nil {
		return nil, err
	}
	var out []contender
	for i := range siblings.Items {
		o := &siblings.Items[i]
		p, err := parseCIDR(string(o.Spec.CIDR))
		if err != nil || o.UID == sn.UID || !p.Overlaps(mine) {
			continue
		}
		out = append(out, contender{obj: o, holds: holds(o, claimCIDR+o.Namespace+"/"+o.Spec.VPC+"/"+p.String())})
	}
	return out, nil
}

// refusal is why an object may not act: another object comes first for one of its claims.
type refusal struct {
	claim claim
	by    client.Object
	held  bool
	// acting: by does not hold the claim yet, but this process already let it act on it.
	acting bool
}

func (r *refusal) reason() string {
	if r.claim.identity() {
		return vpcv1.ReasonConflict
	}
	return vpcv1.ReasonAddressInUse
}

func (r *refusal) Error() string {
	why := "it is older"
	switch {
	case r.held:
		why = "it holds it"
	case r.acting:
		why = "it is being synced"
	}
	by := fmt.Sprintf("%s %s/%s", kindOf(r.by), r.by.GetNamespace(), r.by.GetName())
	if r.by.GetNamespace() == "" {
		by = kindOf(r.by) + " " + r.by.GetName()
	}
	if r.claim.identity() {
		return fmt.Sprintf("%s is already owned by %s (%s); this one changes nothing in MidoNet while that one exists",
			r.claim.what, by, why)
	}
	if strings.HasPrefix(r.claim.key, claimCIDR) {
		return fmt.Sprintf("%s overlaps %s (%s)", r.claim.what, by, why)
	}
	if strings.HasPrefix(r.claim.key, claimEIPOf) {
		return fmt.Sprintf("%s already has an elastic IP, %s (%s): one per interface; disassociate that one first",
			r.claim.what, by, why)
	}
	return fmt.Sprintf("%s is in use by %s (%s)", r.claim.what, by, why)
}

// refused tells whether another object comes first for one of the object's claims. Objects
// being deleted that do not hold the claim do not count. With acting (the manager's), an
// object this process already let act on a claim counts as its holder before its status
// records it, and obj is registered as acting on its claims when it may act.
func refused(ctx context.Context, c client.Client, obj client.Object, acting *actingClaims) (*refusal, error) {
	unlock := acting.lock()
	defer unlock()
	var passed []string
	for _, cl := range claimsOf(obj) {
		mine := holds(obj, cl.key) || acting.acts(cl.key, obj)
		others, err := contenders(ctx, c, obj, cl)
		if err != nil {
			return nil, err
		}
		var first *contender
		for i := range others {
			o := &others[i]
			o.acting = !o.holds && acting.acts(cl.key, o.obj)
			// One being deleted counts only while it holds or acts: it never wrote otherwise.
			if !o.obj.GetDeletionTimestamp().IsZero() && !o.holds && !o.acting {
				continue
			}
			if outranks(o.obj, o.holds || o.acting, obj, mine) && (first == nil || outranks(o.obj, o.holds || o.acting, first.obj, first.holds || first.acting)) {
				first = o
			}
		}
		if first != nil {
			return &refusal{claim: cl, by: first.obj, held: first.holds, acting: first.acting}, nil
		}
		passed = append(passed, cl.key)
	}
	acting.take(obj, passed)
	return nil, nil
}

// actingClaims closes the window between a first sync and the status that records its claims.
// The rank (holder, then oldest, then uid) is computed from the cache; creationTimestamp has
// one-second resolution, so a resource created in the same second as one whose first sync is
// in flight, with a lower uid, would outrank it and act too. The manager is the only writer
// (leader election), so it remembers, per claim, the resource it let act, and counts it as the
// holder from then on; after a restart the statuses decide, as before. Claim checks run one
// at a time (they read the cache only).
type actingClaims struct {
	mu sync.Mutex
	m  map[string]types.UID
}

func (a *actingClaims) lock() func() {
	if a == nil {
		return func() {}
	}
	a.mu.Lock()
	return a.mu.Unlock
}

// acts tells whether this process let o act on the claim key (a.mu held).
func (a *actingClaims) acts(key string, o client.Object) bool {
	return a != nil && a.m[key] == o.GetUID() && o.GetUID() != ""
}

// take registers obj as acting on the claim keys (a.mu held).
func (a *actingClaims) take(obj client.Object, keys []string) {
	if a == nil {
		return
	}
	if a.m == nil {
		a.m = map[string]types.UID{}
	}
	for _, k := range keys {
		a.m[k] = obj.GetUID()
	}
}

// refusedIdentity tells whether another object owns the MidoNet objects named after this
// one's cloud id (then deleting this one must not touch them).
func refusedIdentity(ctx context.Context, c client.Client, obj client.Object) (*refusal, error) {
	var ids []claim
	for _, cl := range claimsOf(obj) {
		if cl.identity() {
			ids = append(ids, cl)
		}
	}
	for _, cl := range ids {
		mine := holds(obj, cl.key)
		others, err := contenders(ctx, c, obj, cl)
		if err != nil {
			return nil, err
		}
		for _, o := range others {
			if (o.obj.GetDeletionTimestamp().IsZero() || o.holds) && outranks(o.obj, o.holds, obj, mine) {
				return &refusal{claim: cl, by: o.obj, held: o.holds}, nil
			}
		}
	}
	return nil, nil
}

// kindOf names an object's kind for messages.
func kindOf(o client.Object) string {
	if k := o.GetObjectKind().GroupVersionKind().Kind; k != "" {
		return k
	}
	t := fmt.Sprintf("%T", o)
	return t[strings.LastIndex(t, ".")+1:]
}

// inPublicRanges tells whether a public IP lies inside the CoreNetwork's public IP ranges
// (true when it lists none).
func inPublicRanges(cn *vpcv1.CoreNetwork, ip netip.Addr) (bool, error) {
	if len(cn.Spec.PublicIPs) == 0 {
		return true, nil
	}
	for i, r := range cn.Spec.PublicIPs {
		fromS, toS, isRange := strings.Cut(r, "-")
		if !isRange {
			toS = fromS
		}
		from, err1 := parseIP(fromS)
		to, err2 := parseIP(toS)
		if err1 != nil || err2 != nil {
			return false, fmt.Errorf("CoreNetwork %s spec.publicIPs[%d]: %q is not an address or a range a.b.c.d-e.f.g.h", cn.Name, i, r)
		}
		if from.Compare(ip) <= 0 && ip.Compare(to) <= 0 {
			return true, nil
		}
	}
	return false, nil
}

// checkPublicIP refuses a public IP in a special network (its /32 on eucart would take the
// traffic of midovpc's own addresses, such as eucart's uplink port 169.254.0.1) or outside
// the cloud's public IP ranges.
func (d *Deps) checkPublicIP(ctx context.Context, field string, ip netip.Addr) error {
	if special, why, ok := translate.SpecialNetwork(netip.PrefixFrom(ip, 32)); ok {
		return &InvalidSpec{fmt.Errorf("%s: %s is in %s, %s; a public IP is a unicast address of the cloud's public ranges", field, ip, special, why)}
	}
	cn, err := d.core(ctx, false)
	if err != nil {
		return err
	}
	ok, err := inPublicRanges(cn, ip)
	if err != nil {
		return &InvalidSpec{err}
	}
	if !ok {
		return &InvalidSpec{fmt.Errorf("%s: %s is not in the cloud's public IP ranges (CoreNetwork %s spec.publicIPs: %s)",
			field, ip, cn.Name, strings.Join(cn.Spec.PublicIPs, ", "))}
	}
	return nil
}

// recordClaims sets the claims an object holds once its sync succeeded.
func recordClaims(obj object) {
	obj.GetReconcileStatus().Claims = claimKeys(obj)
}

// claimBeforeWriting makes the sync's first MidoNet write wait until the resource's status
// records every claim it acts on (besides those it recorded before: what it still holds in
// MidoNet stays claimed until the sync's own status says otherwise), and the numbers its plan
// allocated (a router index, a metadata id: assignID), which obj carries and orig, the copy
// read before the plan, does not. A resource that has written to MidoNet therefore always
// holds its claims, here and after a restart: that is what ranks it ahead of a contender it
// refused (outranks); and a number in use in MidoNet is on record. A sync that writes nothing,
// such as the adoption of a converged MidoNet, records both with the status it ends with, and
// costs no extra write. done, called once the sync has returned, carries the recorded claims
// and resource version over to obj.
func (r *reconciler[T]) claimBeforeWriting(ctx context.Context, obj, orig T) (_ context.Context, done func()) {
	had := obj.GetReconcileStatus().Claims
	want := claimKeys(obj)
	missing := slices.ContainsFunc(want, func(k string) bool { return !slices.Contains(had, k) })
	if !missing && equality.Semantic.DeepEqual(orig, obj) {
		return ctx, func() {}
	}
	var recorded T
	var wrote bool
	hook := func(ctx context.Context) error {
		// The sync runs on: it reads the plan, not obj, so a copy is written.
		cp := obj.DeepCopyObject().(T)
		claims := slices.Concat(had, want)
		slices.Sort(claims)
		cp.GetReconcileStatus().Claims = slices.Compact(claims)
		if err := r.writes.update(ctx, r.Client, cp, true); err != nil {
			return fmt.Errorf("record the claims of %s %s in its status before writing to MidoNet: %w",
				kindOf(obj), client.ObjectKeyFromObject(obj), err)
		}
		recorded, wrote = cp, true
		return nil
	}
	return midonet.WithBeforeWrite(ctx, hook), func() {
		if wrote {
			obj.SetResourceVersion(recorded.GetResourceVersion())
			obj.GetReconcileStatus().Claims = recorded.GetReconcileStatus().Claims
		}
	}
}

// dropClaims forgets what a refused object held: for a cloud-id conflict everything (the
// MidoNet objects are the owner's), else the address it lost.
func dropClaims(obj object, r *refusal) {
	st := obj.GetReconcileStatus()
	if r.claim.identity() {
		st.Claims, st.MidoNetIDs, st.MidoNetObjects = nil, nil, 0
		return
	}
	st.Claims = slices.DeleteFunc(slices.Clone(st.Claims), func(k string) bool { return k == r.claim.key })
	if len(st.Claims) == 0 {
		st.Claims = nil
	}
}

// conditionChanged tells whether the Ready condition would change to reason/message.
func conditionChanged(obj object, reason, msg string) bool {
	c := meta.FindStatusCondition(obj.GetReconcileStatus().Conditions, vpcv1.ConditionReady)
	return c == nil || c.Reason != reason || c.Message != truncate(msg, 1024) || c.ObservedGeneration != obj.GetGeneration()
}
