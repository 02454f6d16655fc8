package globalview

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// parser maps the element tree onto the model, collecting conversion errors
// and counting the normalisations it makes.
type parser struct {
	errs errorList
	// swappedRoutes counts routes written with destinationCidr and gatewayId
	// swapped (4.1/4.2 writer).
	swappedRoutes int
	// inheritedPlacement counts interfaces that took vpc/subnet from their instance.
	inheritedPlacement int
	notes              []string
}

func (p *parser) note(format string, args ...any) {
	p.notes = append(p.notes, fmt.Sprintf(format, args...))
}

// view maps the root element; sections missing from the document stay empty.
func (p *parser) view(root *element) *View {
	v := &View{
		Version:        root.attr("version"),
		AppliedVersion: root.attr("applied-version"),
		AppliedTime:    root.attr("applied-time"),
	}
	cfg := root.child("configuration")
	if cfg == nil {
		p.errs.add(configPath, "", "missing configuration element")
	}
	v.Config = p.config(cfg)
	for i, el := range root.child("vpcs").each("vpc") {
		v.VPCs = append(v.VPCs, p.vpc(el, i))
	}
	instances := root.child("instances").each("instance")
	v.Instances = slices.Grow(v.Instances, len(instances)) // nil when there are none
	for i, el := range instances {
		v.Instances = append(v.Instances, p.instance(el, i))
	}
	for _, el := range root.child("dhcpOptionSets").each("dhcpOptionSet") {
		v.DHCPOptionSets = append(v.DHCPOptionSets, dhcpOptionSet(el))
	}
	for _, el := range root.child("internetGateways").each("internetGateway") {
		v.InternetGateways = append(v.InternetGateways, InternetGateway{
			ID:      el.attr("name"),
			OwnerID: el.leaf("ownerId"),
		})
	}
	for i, el := range root.child("securityGroups").each("securityGroup") {
		v.SecurityGroups = append(v.SecurityGroups, p.securityGroup(el, i))
	}
	if p.swappedRoutes > 0 {
		p.note("%d route(s) had destinationCidr and gatewayId swapped (4.1/4.2 writer); swapped back", p.swappedRoutes)
	}
	if p.inheritedPlacement > 0 {
		p.note("%d network interface(s) without vpc/subnet took those of their instance", p.inheritedPlacement)
	}
	v.Notes = p.notes
	return v
}

// objectPath returns elem[id], or elem[#n] (1-based) when the id is missing.
func objectPath(parent, elem, id string, index int) string {
	seg := elem + "[" + id + "]"
	if id == "" {
		seg = elem + "[#" + strconv.Itoa(index+1) + "]"
	}
	if parent == "" {
		return seg
	}
	return parent + "/" + seg
}

// optInt converts an optional integer leaf; "" is absent.
func (p *parser) optInt(where at, id, s string) *int {
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		p.errs.add(where.String(), id, "%q is not an integer", s)
		return nil
	}
	return &n
}

// intOrZero converts an integer leaf whose absence the original reads as 0;
// validation rejects the zero where it matters.
func (p *parser) intOrZero(where at, id, s string) int {
	if n := p.optInt(where, id, s); n != nil {
		return *n
	}
	return 0
}

func (p *parser) optInt64(where at, id, s string) *int64 {
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.errs.add(where.String(), id, "%q is not an integer", s)
		return nil
	}
	return &n
}

// isInt tells whether optInt takes s without an error.
func isInt(s string) bool {
	_, err := strconv.Atoi(s)
	return s == "" || err == nil
}

// isBool tells whether optBool takes s without an error.
func isBool(s string) bool {
	l := strings.ToLower(s) // as optBool reads it
	return s == "" || l == "true" || l == "false"
}

// optBool converts true/false in any letter case, as the original lower-cases.
func (p *parser) optBool(where at, id, s string) *bool {
	if s == "" {
		return nil
	}
	var b bool
	switch strings.ToLower(s) {
	case "true":
		b = true
	case "false":
		b = false
	default:
		p.errs.add(where.String(), id, "%q is not a boolean (true or false)", s)
		return nil
	}
	return &b
}

// single returns the one value of a simple property, "" when it has none; more
// than one value is an error rather than a silent pick.
func (p *parser) single(path, id string, prop *element) string {
	vals := prop.values()
	switch len(vals) {
	case 0:
		return ""
	case 1:
		return vals[0]
	}
	p.errs.add(path, id, "has %d values, want one", len(vals))
	return vals[0]
}
