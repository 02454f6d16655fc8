package globalview

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/midovpc/midovpc/internal/translate"
)

// Validate checks a parsed view before anything of it is applied: everything
// the original rejects a whole document for (spec §6.1), strict address and id
// syntax, resolvable references, unique ids and VPCMIDO mode. It returns nil or
// ValidationErrors (at most MaxErrors of them, then a count of the rest), in
// document order. Validate does not modify the view.
func Validate(v *View) error {
	if v == nil {
		return ValidationErrors{{Message: "no view"}}
	}
	c := newValidator(v)
	c.index()
	c.config()
	for i := range v.VPCs {
		c.vpc(&v.VPCs[i], i)
	}
	for i := range v.Instances {
		c.instance(&v.Instances[i], i)
	}
	for i := range v.DHCPOptionSets {
		c.dhcpOptionSet(&v.DHCPOptionSets[i], i)
	}
	for i := range v.InternetGateways {
		c.internetGateway(&v.InternetGateways[i], i)
	}
	for i := range v.SecurityGroups {
		c.securityGroup(&v.SecurityGroups[i], i)
	}
	return c.errs.err()
}

// validator holds the indexes that references are resolved against.
type validator struct {
	v    *View
	errs errorList

	// seen maps every object id to the path of its first use.
	seen map[string]string

	vpcs       map[string]*VPC
	subnets    map[string]*Subnet
	subnetVPC  map[string]string
	aclVPC     map[string]string
	rtbVPC     map[string]string
	natVPC     map[string]string
	eniVPC     map[string]string
	instances  map[string]bool
	groups     map[string]bool
	igws       map[string]bool
	igwVPC     map[string]string // attachment: igw id → VPC id
	optionSets map[string]bool
	clusters   map[string]bool

	// publicIPs maps an elastic IP to the path of the interface or NAT gateway
	// holding it; privateIPs does the same per VPC.
	publicIPs  map[string]at
	privateIPs map[vpcAddress]at
}

func newValidator(v *View) *validator {
	// The maps of instances and interfaces are sized once: grown step by step, the maps of a
	// view of 10,000 interfaces allocated twice their final size.
	enis := 0
	for i := range v.Instances {
		enis += len(v.Instances[i].NetworkInterfaces)
	}
	return &validator{
		v:          v,
		seen:       make(map[string]string, len(v.Instances)+enis+len(v.SecurityGroups)),
		vpcs:       make(map[string]*VPC),
		subnets:    make(map[string]*Subnet),
		subnetVPC:  make(map[string]string),
		aclVPC:     make(map[string]string),
		rtbVPC:     make(map[string]string),
		natVPC:     make(map[string]string),
		eniVPC:     make(map[string]string, enis),
		instances:  make(map[string]bool, len(v.Instances)),
		groups:     make(map[string]bool),
		igws:       make(map[string]bool),
		igwVPC:     make(map[string]string),
		optionSets: make(map[string]bool),
		clusters:   make(map[string]bool),
		publicIPs:  make(map[string]at),
		privateIPs: make(map[vpcAddress]at, enis),
	}
}

// at locates a field for an error message: the path of its object, the field below it
// and, in a value list, the 1-based position of the value. It becomes a string only when
// an error is reported: building every field's path of a valid view cost a fifth of what
// validating 10,000 interfaces allocated (docs/design.md, "Memory at scale").
type at struct {
	obj   string
	field string
	value int
}

// here is the object (or field) at path itself.
func here(path string) at { return at{obj: path} }

// field is the field name below the object at path.
func field(path, name string) at { return at{obj: path, field: name} }

// nth is the i-th (0-based) value of the value list at a.
func (a at) nth(i int) at {
	a.value = i + 1
	return a
}

func (a at) String() string {
	s := a.obj
	if a.field != "" {
		s += "/" + a.field
	}
	if a.value > 0 {
		s += "/value[#" + strconv.Itoa(a.value) + "]"
	}
	return s
}

func (c *validator) add(where at, id, format string, args ...any) {
	if c.errs.full() {
		c.errs.dropped++
		return
	}
	c.errs.add(where.String(), id, format, args...)
}

// register records an object id, reporting it when already used by any object.
// It reports whether the id is new (and so goes into the indexes).
func (c *validator) register(id, path string) bool {
	if id == "" {
		return false
	}
	if first, dup := c.seen[id]; dup {
		c.add(field(path, "@name"), id, "duplicate id %s, first used at %s", id, first)
		return false
	}
	c.seen[id] = path
	return true
}

// index builds the lookup tables and reports duplicate ids.
func (c *validator) index() {
	v := c.v
	for i := range v.Config.Clusters {
		cl := &v.Config.Clusters[i]
		if cl.Name != "" {
			if c.clusters[cl.Name] {
				c.add(here(objectPath(clustersPath, "cluster", cl.Name, i)+"/@name"), cl.Name, "duplicate cluster name %s", cl.Name)
			}
			c.clusters[cl.Name] = true
		}
	}
	for i := range v.VPCs {
		vpc := &v.VPCs[i]
		path := objectPath("vpcs", "vpc", vpc.ID, i)
		if c.register(vpc.ID, path) {
			c.vpcs[vpc.ID] = vpc
		}
		for j := range vpc.Subnets {
			s := &vpc.Subnets[j]
			if c.register(s.ID, objectPath(path+"/subnets", "subnet", s.ID, j)) {
				c.subnets[s.ID] = s
				c.subnetVPC[s.ID] = vpc.ID
			}
		}
		for j, a := range vpc.NetworkACLs {
			if c.register(a.ID, objectPath(path+"/networkAcls", "networkAcl", a.ID, j)) {
				c.aclVPC[a.ID] = vpc.ID
			}
		}
		for j, t := range vpc.RouteTables {
			if c.register(t.ID, objectPath(path+"/routeTables", "routeTable", t.ID, j)) {
				c.rtbVPC[t.ID] = vpc.ID
			}
		}
		for j, n := range vpc.NatGateways {
			if c.register(n.ID, objectPath(path+"/natGateways", "natGateway", n.ID, j)) {
				c.natVPC[n.ID] = vpc.ID
			}
		}
		for j, igw := range vpc.InternetGateways {
			if igw == "" {
				continue
			}
			if other, ok := c.igwVPC[igw]; ok && other != vpc.ID {
				c.add(field(path, "internetGateways").nth(j), vpc.ID,
					"internet gateway %s is already attached to %s", igw, other)
				continue
			}
			c.igwVPC[igw] = vpc.ID
		}
	}
	for i := range v.Instances {
		in := &v.Instances[i]
		path := objectPath("instances", "instance", in.ID, i)
		if c.register(in.ID, path) {
			c.instances[in.ID] = true
		}
		for j, n := range in.NetworkInterfaces {
			if c.register(n.ID, objectPath(path+"/networkInterfaces", "networkInterface", n.ID, j)) {
				c.eniVPC[n.ID] = n.VPC
			}
		}
	}
	for i, d := range v.DHCPOptionSets {
		if c.register(d.ID, objectPath("dhcpOptionSets", "dhcpOptionSet", d.ID, i)) {
			c.optionSets[d.ID] = true
		}
	}
	for i, g := range v.InternetGateways {
		if c.register(g.ID, objectPath("internetGateways", "internetGateway", g.ID, i)) {
			c.igws[g.ID] = true
		}
	}
	for i, g := range v.SecurityGroups {
		if c.register(g.ID, objectPath("securityGroups", "securityGroup", g.ID, i)) {
			c.groups[g.ID] = true
		}
	}
}

// Field checks. Each takes the field's path and the enclosing object's id and
// reports whether the value is usable for further checks.

// objectID checks an object's own id (its name attribute).
func (c *validator) objectID(path, id string, kind idKind) bool {
	switch {
	case id == "":
		c.add(field(path, "@name"), "", "missing %s id", kind.noun)
		return false
	case !kind.valid(id):
		c.add(field(path, "@name"), id, "%q is not a valid %s id (want %s)", id, kind.noun, kind.want())
		return false
	}
	return true
}

// ownerID checks an account id; required says whether absence is an error.
func (c *validator) ownerID(where at, id, owner string, required bool) {
	switch {
	case owner == "" && required:
		c.add(where, id, "missing owner id")
	case owner != "" && !validOwnerID(owner):
		c.add(where, id, "%q is not a valid account id (want 12 digits)", owner)
	}
}

// ipv4 checks an address; required also rejects 0.0.0.0, which the original
// reads as "not set".
func (c *validator) ipv4(where at, id, s string, required bool) (netip.Addr, bool) {
	if s == "" {
		if required {
			c.add(where, id, "missing IPv4 address")
		}
		return netip.Addr{}, false
	}
	a, ok := parseIPv4(s)
	if !ok {
		c.add(where, id, "%q is not a valid IPv4 address", s)
		return netip.Addr{}, false
	}
	if required && a.IsUnspecified() {
		c.add(where, id, "address 0.0.0.0 is not allowed")
		return netip.Addr{}, false
	}
	return a, true
}

// cidr checks an a.b.c.d/n value; network also rejects host bits, for CIDRs
// that name a network (VPC, subnet, route destination).
func (c *validator) cidr(where at, id, s string, required, network bool) (netip.Prefix, bool) {
	if s == "" {
		if required {
			c.add(where, id, "missing CIDR")
		}
		return netip.Prefix{}, false
	}
	p, ok := parseCIDR(s)
	if !ok {
		c.add(where, id, "%q is not a valid CIDR", s)
		return netip.Prefix{}, false
	}
	if network && p.Masked() != p {
		c.add(where, id, "%q has host bits set (network is %s)", s, p.Masked())
		return netip.Prefix{}, false
	}
	return p, true
}

func (c *validator) mac(where at, id, s string) {
	switch {
	case s == "":
	case !validMAC(s):
		c.add(where, id, "%q is not a valid MAC address", s)
	case strings.ContainsRune("13579bdfBDF", rune(s[1])):
		c.add(where, id, "%s is a multicast or broadcast MAC address, not an interface's", s)
	case strings.EqualFold(s[:9], "ac:ca:ba:"):
		c.add(where, id, "%s is in MidoNet's range for router ports (ac:ca:ba:…)", s)
	}
}

// reference checks that ref is a well-formed id of kind and, if so, that it
// names an object in the view (exists).
func (c *validator) reference(where at, id, ref string, kind idKind, exists bool) bool {
	switch {
	case ref == "":
		c.add(where, id, "missing %s id", kind.noun)
		return false
	case !kind.valid(ref):
		c.add(where, id, "%q is not a valid %s id (want %s)", ref, kind.noun, kind.want())
		return false
	case !exists:
		c.add(where, id, "refers to unknown %s %s", kind.noun, ref)
		return false
	}
	return true
}

// sameVPC checks that a referenced object lives in the VPC of the referrer.
func (c *validator) sameVPC(where at, id, ref string, kind idKind, refVPC, vpc string) {
	if refVPC != vpc {
		c.add(where, id, "%s %s belongs to %s, not %s", kind.noun, ref, refVPC, vpc)
	}
}

// within checks that an address lies in a CIDR, when both are usable.
func (c *validator) within(where at, id string, a netip.Addr, aok bool, p netip.Prefix, pok bool, what string) {
	if aok && pok && !p.Contains(a) {
		c.add(where, id, "%s is outside %s %s", a, what, p)
	}
}

// intRange checks an optional integer against lo..hi.
func (c *validator) intRange(where at, id string, n *int, lo, hi int) bool {
	if n == nil {
		return true
	}
	if *n < lo || *n > hi {
		c.add(where, id, "%d is out of range %d..%d", *n, lo, hi)
		return false
	}
	return true
}

// protocol checks an IP protocol number: -1 (all) or 1..255; 0 is what a
// missing protocol reads as, and the original rejects it.
func (c *validator) protocol(where at, id string, p int) {
	switch {
	case p == 0:
		c.add(where, id, "missing protocol (or 0)")
	case p < -1 || p > 255:
		c.add(where, id, "protocol %d is out of range (-1 for all, or 1..255)", p)
	}
}

// portRange checks from/to: both or neither, 0..65535, from <= to.
func (c *validator) portRange(path, id, fromName, toName string, from, to *int) {
	if (from == nil) != (to == nil) {
		c.add(here(path), id, "%s and %s must be given together", fromName, toName)
		return
	}
	okFrom := c.intRange(field(path, fromName), id, from, 0, 65535)
	okTo := c.intRange(field(path, toName), id, to, 0, 65535)
	if okFrom && okTo && from != nil && *from > *to {
		c.add(here(path), id, "port range %d-%d is reversed", *from, *to)
	}
}

// icmp checks ICMP type and code: -1 (any) or 0..255.
func (c *validator) icmp(path, id string, typ, code *int) {
	c.intRange(field(path, "icmpType"), id, typ, -1, 255)
	c.intRange(field(path, "icmpCode"), id, code, -1, 255)
}

// valuePath returns the path of the i-th value of a value list.
func valuePath(path string, i int) string {
	return path + "/value[#" + strconv.Itoa(i+1) + "]"
}

// publicIP records an elastic IP, reporting it when another holder has it.
func (c *validator) publicIP(where at, id, ip string) {
	if a, err := netip.ParseAddr(ip); err == nil {
		if special, why, ok := translate.SpecialNetwork(netip.PrefixFrom(a, 32)); ok {
			c.add(where, id, "%s is in %s, %s", ip, special, why)
			return
		}
	}
	if first, dup := c.publicIPs[ip]; dup {
		c.add(where, id, "public IP %s is also held by %s", ip, first)
		return
	}
	c.publicIPs[ip] = where
}

// vpcAddress is a private address in a VPC.
type vpcAddress struct{ vpc, ip string }

// privateIP records a private address in a VPC, reporting duplicates.
func (c *validator) privateIP(where at, id, vpc, ip string) {
	key := vpcAddress{vpc, ip}
	if first, dup := c.privateIPs[key]; dup {
		c.add(where, id, "private IP %s is also used by %s", ip, first)
		return
	}
	c.privateIPs[key] = where
}
