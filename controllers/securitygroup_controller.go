package controllers

import (
	"context"
	"fmt"
	"net/netip"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

func securityGroupKind(d *Deps) kind[*vpcv1.SecurityGroup] {
	return kind[*vpcv1.SecurityGroup]{
		name:         topology.KindSecurityGroup,
		optionalRefs: true,
		newObj:       func() *vpcv1.SecurityGroup { return &vpcv1.SecurityGroup{} },
		plan: func(ctx context.Context, sg *vpcv1.SecurityGroup) (*plan, error) {
			in, members, err := securityGroupInput(ctx, d, sg)
			if err != nil {
				return nil, err
			}
			frag, skipped, err := translate.SecurityGroup(ownerOf(topology.KindSecurityGroup, sg), in, translate.Settings{})
			if err != nil {
				return nil, &InvalidSpec{err}
			}
			p := &plan{frag: frag, report: func(res *SyncResult) {
				sg.Status.IngressChainID = res.IDs[topology.Chain{Name: translate.SGIngressChainName(sg.Name)}.Key()]
				sg.Status.EgressChainID = res.IDs[topology.Chain{Name: translate.SGEgressChainName(sg.Name)}.Key()]
				sg.Status.Members = int32(members)
				sg.Status.PendingGroups = pendingGroups(sg, in.KnownGroups)
			}}
			for _, sk := range skipped {
				p.notes = append(p.notes, sk.String())
			}
			return p, nil
		},
		// Interfaces jump to the group's chains: it goes after them (as AWS refuses to
		// delete a group in use). Then the rules of other groups that name it go (each drops
		// it, as it would a group that does not exist: groupInForce), and only then its
		// address groups, which those rules match on.
		blockers: func(ctx context.Context, sg *vpcv1.SecurityGroup) ([]client.Object, error) {
			users, err := childrenOf(ctx, d.Client, sg.Namespace, idxSecurityGroups, sg.Name, &vpcv1.NetworkInterfaceList{})
			if err != nil || len(users) > 0 {
				return users, err
			}
			return groupReferrers(ctx, d.Client, sg)
		},
		owner: func(ctx context.Context, sg *vpcv1.SecurityGroup) (client.Object, error) {
			if sg.Spec.VPC == "" {
				return nil, nil
			}
			vpc := &vpcv1.Vpc{}
			return vpc, d.Client.Get(ctx, types.NamespacedName{Namespace: sg.Namespace, Name: sg.Spec.VPC}, vpc)
		},
	}
}

// securityGroupInput gathers the rules and the groups that rules may reference now: those in
// force (synced once and not being deleted, or, when adopting, whose sg_all_ group is in
// MidoNet, even before the group itself is applied), whether or not an edit of theirs is in
// flight. A rule naming a group that is not ready is left out and reported, so that two
// groups that reference each other never wait on each other. Members put their own addresses
// into the group's address groups (NetworkInterface and ElasticIP); the group only counts them.
func securityGroupInput(ctx context.Context, d *Deps, sg *vpcv1.SecurityGroup) (translate.SecurityGroupInput, int, error) {
	in := translate.SecurityGroupInput{ID: sg.Name, KnownGroups: []string{sg.Name}}
	var err error
	if in.Ingress, err = sgRules(sg.Spec.Ingress, "spec.ingress"); err != nil {
		return in, 0, err
	}
	if in.Egress, err = sgRules(sg.Spec.Egress, "spec.egress"); err != nil {
		return in, 0, err
	}
	// Only the groups the rules name matter: one read each, not a list of every group of
	// the namespace on every reconcile (members wake their groups, so that was quadratic).
	for _, name := range referencedGroups(sg) {
		if name == sg.Name {
			continue
		}
		g := &vpcv1.SecurityGroup{}
		switch err := d.Client.Get(ctx, types.NamespacedName{Namespace: sg.Namespace, Name: name}, g); {
		case apierrors.IsNotFound(err):
			// A group named by a rule but not applied yet is in force when MidoNet already
			// holds it: on a fresh control plane the resources arrive one at a time, in any
			// order, and a rule found in MidoNet must not be deleted only to be created again
			// when its group arrives.
			adopted, err := groupInMidoNet(ctx, d, name)
			if err != nil {
				return in, 0, err
			}
			if adopted {
				in.KnownGroups = append(in.KnownGroups, name)
			}
		case err != nil:
			return in, 0, err
		default:
			ok, err := groupInForce(ctx, d, g)
			if err != nil {
				return in, 0, err
			}
			if ok {
				in.KnownGroups = append(in.KnownGroups, g.Name)
			}
		}
	}
	enis, err := listShared(ctx, d.Client, &vpcv1.NetworkInterfaceList{}, sg.Namespace, idxSecurityGroups, sg.Name)
	if err != nil {
		return in, 0, err
	}
	return in, len(enis.Items), nil
}

func sgRules(rules []vpcv1.SecurityGroupRule, path string) ([]translate.SecurityGroupRule, error) {
	var out []translate.SecurityGroupRule
	for i, r := range rules {
		proto, err := translate.ParseProtocol(string(r.Protocol))
		if err != nil {
			return nil, &InvalidSpec{fmt.Errorf("%s[%d].protocol: %w", path, i, err)}
		}
		tr := translate.SecurityGroupRule{Protocol: proto, CIDR: netip.MustParsePrefix("0.0.0.0/0")}
		if r.Ports != nil {
			tr.Ports = &translate.PortRange{From: int(r.Ports.From), To: int(r.Ports.To)}
		}
		if r.ICMP != nil {
			tr.ICMP = &translate.ICMPMatch{Type: int(r.ICMP.Type), Code: int(r.ICMP.Code)}
		}
		switch {
		case r.SecurityGroup != nil:
			tr.Group, tr.CIDR = *r.SecurityGroup, netip.Prefix{}
		case r.CIDR != nil:
			if tr.CIDR, err = parseCIDR(string(*r.CIDR)); err != nil {
				return nil, &InvalidSpec{fmt.Errorf("%s[%d].cidr: %w", path, i, err)}
			}
		}
		out = append(out, tr)
	}
	return out, nil
}

// groupInForce tells whether a rule may reference the group: it is synced, or (adoption) its
// address group is already in MidoNet and it is not refused. A group being deleted stays in
// force while interfaces still use it: its deletion waits for them, its MidoNet objects stay
// until then, and a rule of another group that names it is not removed before it has to be
// (a kubectl delete of a group whose interfaces are still there took away, at once and for
// as long as they stayed, what every group referencing it allowed). Once no interface uses
// it, its deletion waits for those rules to go (groupReferrers), and this says they must.
func groupInForce(ctx context.Context, d *Deps, g *vpcv1.SecurityGroup) (bool, error) {
	if !g.DeletionTimestamp.IsZero() {
		if !synced(g) {
			return false, nil
		}
		members, err := listShared(ctx, d.Client, &vpcv1.NetworkInterfaceList{}, g.Namespace, idxSecurityGroups, g.Name)
		if err != nil {
			return false, err
		}
		return len(members.Items) > 0, nil
	}
	if synced(g) {
		return true, nil
	}
	c := meta.FindStatusCondition(g.Status.Conditions, vpcv1.ConditionReady)
	return (c == nil || c.Reason != vpcv1.ReasonConflict) && d.Engine.HasAddrGroup(translate.SGAllGroupName(g.Name)), nil
}

// groupReferrers lists the other groups of the namespace whose rules name sg and are in force
// in MidoNet: synced, not being deleted, with sg not among the groups their last sync left
// out (status.pendingGroups). A group being deleted is not waited for: two groups that name
// each other and are deleted together would wait on each other, and its own chains, rules
// included, go with it.
func groupReferrers(ctx context.Context, c client.Client, sg *vpcv1.SecurityGroup) ([]client.Object, error) {
	l, err := listShared(ctx, c, &vpcv1.SecurityGroupList{}, sg.Namespace, idxGroupRefs, sg.Name)
	if err != nil {
		return nil, err
	}
	var out []client.Object
	for i := range l.Items {
		r := &l.Items[i]
		if r.Name != sg.Name && r.DeletionTimestamp.IsZero() && synced(r) && !slices.Contains(r.Status.PendingGroups, sg.Name) {
			out = append(out, r)
		}
	}
	return out, nil
}

// groupInMidoNet tells whether a group that is not applied in the namespace counts as in force
// for adoption: its sg_all_ address group is in MidoNet and no resource anywhere claims its
// cloud id (a group of another namespace is never referenced across namespaces).
func groupInMidoNet(ctx context.Context, d *Deps, name string) (bool, error) {
	if !d.Engine.HasAddrGroup(translate.SGAllGroupName(name)) {
		return false, nil
	}
	elsewhere, err := list(ctx, d.Client, &vpcv1.SecurityGroupList{}, "", idxClaims, claimGroup+name)
	if err != nil {
		return false, err
	}
	return len(elsewhere.Items) == 0, nil
}

// referencedGroups lists, once each in rule order, the groups the rules reference.
func referencedGroups(sg *vpcv1.SecurityGroup) []string {
	var out []string
	for _, rules := range [][]vpcv1.SecurityGroupRule{sg.Spec.Ingress, sg.Spec.Egress} {
		for _, r := range rules {
			if r.SecurityGroup != nil && !slices.Contains(out, *r.SecurityGroup) {
				out = append(out, *r.SecurityGroup)
			}
		}
	}
	return out
}

// pendingGroups lists the other groups the rules reference that are not in force yet.
func pendingGroups(sg *vpcv1.SecurityGroup, known []string) []string {
	var out []string
	for _, g := range referencedGroups(sg) {
		if g != sg.Name && !slices.Contains(known, g) {
			out = append(out, g)
		}
	}
	return out
}
