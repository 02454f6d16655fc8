package controllers

import (
	"context"
	"fmt"
	"net/netip"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/translate"
)

// getSynced fetches a referenced object and insists that its MidoNet objects exist: it has
// been synced at least once and is not being deleted. It need not be Ready for its current
// generation: an edit in flight leaves its objects in place, so references to it stay in
// force (editing a group never withdraws another group's rules that name it).
func getSynced[T object](ctx context.Context, c client.Client, key types.NamespacedName, obj T, what string, opts ...client.GetOption) (T, error) {
	if err := c.Get(ctx, key, obj, opts...); err != nil {
		if apierrors.IsNotFound(err) {
			return obj, notReady("%s %s does not exist", what, key.Name)
		}
		return obj, err
	}
	if !obj.GetDeletionTimestamp().IsZero() {
		return obj, notReady("%s %s is being deleted", what, key.Name)
	}
	if !synced(obj) {
		return obj, &DependencyNotReady{What: fmt.Sprintf("%s %s is not in MidoNet yet", what, key.Name), Pending: pending(obj)}
	}
	return obj, nil
}

// pending tells whether no reconcile has reported on an object yet: it has no Ready
// condition (a refusal, a failure or a wait of its own would have set one).
func pending(o object) bool {
	return meta.FindStatusCondition(o.GetReconcileStatus().Conditions, vpcv1.ConditionReady) == nil
}

// synced tells whether an object has been synced to MidoNet at least once and still owns what
// it built: its status records MidoNet objects, or it is Ready (kinds that own nothing). A
// resource refused for its cloud id records nothing.
func synced(o object) bool {
	st := o.GetReconcileStatus()
	if c := meta.FindStatusCondition(st.Conditions, vpcv1.ConditionReady); c != nil && c.Reason == vpcv1.ReasonConflict {
		return false
	}
	return len(st.MidoNetIDs) > 0 || meta.IsStatusConditionTrue(st.Conditions, vpcv1.ConditionReady)
}

// inForce tells whether a referenced object can be used now: synced and not being deleted.
func inForce(o object) bool {
	return o.GetDeletionTimestamp().IsZero() && synced(o)
}

// core reads the CoreNetwork from the cache without a deep copy: the result is read only.
// Its spec lists every node with its instances, which every interface's reconcile reads:
// copying it each time made a reconcile cost grow with the size of the cloud.
func (d *Deps) core(ctx context.Context, mustBeReady bool) (*vpcv1.CoreNetwork, error) {
	key := types.NamespacedName{Name: vpcv1.CoreNetworkName}
	if mustBeReady {
		return getSynced(ctx, d.Client, key, &vpcv1.CoreNetwork{}, "CoreNetwork", client.UnsafeDisableDeepCopy)
	}
	cn := &vpcv1.CoreNetwork{}
	if err := d.Client.Get(ctx, key, cn, client.UnsafeDisableDeepCopy); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, notReady("CoreNetwork %s does not exist", vpcv1.CoreNetworkName)
		}
		return nil, err
	}
	return cn, nil
}

// settings fetches the CoreNetwork (synced when mustBeReady) and the translation settings it
// gives.
func (d *Deps) settings(ctx context.Context, mustBeReady bool) (*vpcv1.CoreNetwork, translate.Settings, error) {
	cn, err := d.core(ctx, mustBeReady)
	if err != nil {
		return nil, translate.Settings{}, err
	}
	s, err := settingsOf(cn)
	return cn, s, err
}

// settingsOf turns the CoreNetwork into the translation settings every kind shares.
func settingsOf(cn *vpcv1.CoreNetwork) (translate.Settings, error) {
	s := translate.Settings{
		DisableMetadata:    !cn.Spec.MetadataEnabled,
		DisableL2Isolation: cn.Spec.DisableL2Isolation,
		DNSDomain:          cn.Spec.InstanceDNSDomain,
	}
	for i, a := range cn.Spec.InstanceDNSServers {
		ip, err := parseIP(string(a))
		if err != nil {
			return s, &InvalidSpec{fmt.Errorf("CoreNetwork spec.instanceDNSServers[%d]: %w", i, err)}
		}
		s.DNSServers = append(s.DNSServers, ip)
	}
	return s, nil
}

func (d *Deps) readyVpc(ctx context.Context, ns, name string) (*vpcv1.Vpc, translate.VPCRef, error) {
	vpc, err := getSynced(ctx, d.Client, types.NamespacedName{Namespace: ns, Name: name}, &vpcv1.Vpc{}, "Vpc")
	if err != nil {
		return nil, translate.VPCRef{}, err
	}
	ref, err := vpcRef(vpc)
	return vpc, ref, err
}

func vpcRef(vpc *vpcv1.Vpc) (translate.VPCRef, error) {
	cidr, err := parseCIDR(string(vpc.Spec.CIDR))
	if err != nil {
		return translate.VPCRef{}, &InvalidSpec{fmt.Errorf("Vpc %s spec.cidr: %w", vpc.Name, err)}
	}
	return translate.VPCRef{ID: vpc.Name, CIDR: cidr, RouterIndex: int(vpc.Status.RouterIndex)}, nil
}

func (d *Deps) readySubnet(ctx context.Context, ns, name string) (*vpcv1.Subnet, translate.SubnetRef, error) {
	sn, err := getSynced(ctx, d.Client, types.NamespacedName{Namespace: ns, Name: name}, &vpcv1.Subnet{}, "Subnet")
	if err != nil {
		return nil, translate.SubnetRef{}, err
	}
	ref, err := subnetRef(sn)
	return sn, ref, err
}

func subnetRef(sn *vpcv1.Subnet) (translate.SubnetRef, error) {
	cidr, err := parseCIDR(string(sn.Spec.CIDR))
	if err != nil {
		return translate.SubnetRef{}, &InvalidSpec{fmt.Errorf("Subnet %s spec.cidr: %w", sn.Name, err)}
	}
	return translate.SubnetRef{ID: sn.Name, CIDR: cidr}, nil
}

// dhcpOptions resolves the VPC's option set (decision (c)); nil when it has none.
func (d *Deps) dhcpOptions(ctx context.Context, vpc *vpcv1.Vpc) (*translate.DHCPOptions, error) {
	if vpc.Spec.DHCPOptionSet == "" {
		return nil, nil
	}
	set := &vpcv1.DhcpOptionSet{}
	if err := d.Client.Get(ctx, types.NamespacedName{Namespace: vpc.Namespace, Name: vpc.Spec.DHCPOptionSet}, set); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, notReady("DhcpOptionSet %s does not exist", vpc.Spec.DHCPOptionSet)
		}
		return nil, err
	}
	opts := &translate.DHCPOptions{DomainName: set.Spec.DomainName}
	for i, a := range set.Spec.DomainNameServers {
		ip, err := parseIP(string(a))
		if err != nil {
			return nil, &InvalidSpec{fmt.Errorf("DhcpOptionSet %s spec.domainNameServers[%d]: %w", set.Name, i, err)}
		}
		opts.DomainNameServers = append(opts.DomainNameServers, ip)
	}
	return opts, nil
}

func parseIP(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 address", s)
	}
	return a, nil
}

func parseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 CIDR", s)
	}
	return p.Masked(), nil
}

// list fetches the objects of one kind whose field index holds value, in a namespace ("" =
// all namespaces).
func list[L client.ObjectList](ctx context.Context, c client.Client, l L, ns, field, value string) (L, error) {
	opts := []client.ListOption{client.MatchingFields{field: value}}
	if ns != "" {
		opts = append(opts, client.InNamespace(ns))
	}
	return l, c.List(ctx, l, opts...)
}

// listShared is list for callers that only read the result: the items share their maps and
// slices with the cache (no deep copy of every object matched, on every reconcile or event).
func listShared[L client.ObjectList](ctx context.Context, c client.Client, l L, ns, field, value string) (L, error) {
	opts := []client.ListOption{client.MatchingFields{field: value}, client.UnsafeDisableDeepCopy}
	if ns != "" {
		opts = append(opts, client.InNamespace(ns))
	}
	return l, c.List(ctx, l, opts...)
}

// checkNotReserved refuses, as an invalid spec, a private IP that is one of the subnet's
// reserved addresses (translate.ReservedAddress): the first four and the last.
func checkNotReserved(who string, sref translate.SubnetRef, ip netip.Addr) error {
	why := translate.ReservedAddress(sref.CIDR, ip)
	if why == "" {
		return nil
	}
	return &InvalidSpec{fmt.Errorf("%s spec.privateIP: %s is %s in subnet %s (%s); the first four addresses and the last are reserved: use one of %s–%s",
		who, ip, why, sref.ID, sref.CIDR, translate.SubnetAddress(sref.CIDR, 4), translate.LastAddress(sref.CIDR).Prev())}
}
