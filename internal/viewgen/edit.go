package viewgen

import (
	"fmt"
	"strconv"

	"github.com/midovpc/midovpc/internal/globalview"
)

// The edits a benchmark makes to a generated view, each the smallest change of its kind, on
// the first security group: a rule added (TCP benchPort from anywhere), that rule changed
// (its port, to benchPort+1), and removed. Each also moves the view to its next version,
// as the CLC does whenever it writes a changed view.
const benchPort = 9000

// NextVersion moves v to the next version (the 8-hex-digit version plus one).
func NextVersion(v *globalview.View) {
	n, err := strconv.ParseUint(v.Version, 16, 32)
	if err != nil {
		n = 0
	}
	v.Version = fmt.Sprintf("%08x", uint32(n+1))
}

// AddRule appends an ingress rule to the first security group.
func AddRule(v *globalview.View) error {
	g, err := firstGroup(v)
	if err != nil {
		return err
	}
	g.IngressRules = append(g.IngressRules, globalview.SecurityGroupRule{
		Protocol: 6, FromPort: ptr(benchPort), ToPort: ptr(benchPort), CIDR: "0.0.0.0/0",
	})
	NextVersion(v)
	return nil
}

// ChangeRule changes the port of the rule AddRule added.
func ChangeRule(v *globalview.View) error {
	r, err := addedRule(v)
	if err != nil {
		return err
	}
	r.FromPort, r.ToPort = ptr(benchPort+1), ptr(benchPort+1)
	NextVersion(v)
	return nil
}

// RemoveRule removes the rule AddRule added (changed or not).
func RemoveRule(v *globalview.View) error {
	if _, err := addedRule(v); err != nil {
		return err
	}
	g := &v.SecurityGroups[0]
	g.IngressRules = g.IngressRules[:len(g.IngressRules)-1]
	NextVersion(v)
	return nil
}

func firstGroup(v *globalview.View) (*globalview.SecurityGroup, error) {
	if len(v.SecurityGroups) == 0 {
		return nil, fmt.Errorf("the view has no security group to edit")
	}
	return &v.SecurityGroups[0], nil
}

// addedRule is the last ingress rule of the first group when AddRule put it there.
func addedRule(v *globalview.View) (*globalview.SecurityGroupRule, error) {
	g, err := firstGroup(v)
	if err != nil {
		return nil, err
	}
	if n := len(g.IngressRules); n > 0 {
		r := &g.IngressRules[n-1]
		if r.FromPort != nil && (*r.FromPort == benchPort || *r.FromPort == benchPort+1) && r.CIDR == "0.0.0.0/0" {
			return r, nil
		}
	}
	return nil, fmt.Errorf("security group %s has no rule added by AddRule", g.ID)
}
