package oracle_test

import (
	"fmt"
	"math/rand"
	"strings"
)

// A random small cloud, written as a global network view so that the real pipeline (projection,
// controllers, translation, sync) builds it: 2–3 VPCs whose CIDRs may overlap, 1–2 subnets each,
// random network ACLs, route tables (internet gateway, NAT gateway, an interface), security
// groups (CIDRs and group references), instances with or without elastic IPs.

type genInstance struct {
	id, eni, mac, ip, eip, vpc, subnet string
	groups                             []string
	srcDstCheck                        bool
}

type genSubnet struct{ id, cidr, acl, rtb string }

type genVpc struct {
	id, cidr, prefix string // prefix: "10.0"
	subnets          []genSubnet
	acl              string
	aclIn, aclOut    []string // XML entries
	routes           []string // XML routes
	nat              *genNat
	igw              string
	groups           []string
}

type genNat struct{ id, mac, ip, eip, subnet string }

type genCloud struct {
	version   string
	vpcs      []*genVpc
	instances []*genInstance
	sgXML     []string
	seed      int64
}

func hex8(r *rand.Rand) string { return fmt.Sprintf("%08x", r.Uint32()) }

func generate(seed int64) *genCloud {
	r := rand.New(rand.NewSource(seed))
	c := &genCloud{version: fmt.Sprintf("%08x", uint32(seed)*2654435761+1), seed: seed}
	prefixes := []string{"10.0", "10.1", "172.16"}
	nv := 2 + r.Intn(2)
	eip := 100
	for v := 0; v < nv; v++ {
		// Two VPCs out of three share 10.0/16 half of the time: overlapping CIDRs.
		pfx := prefixes[r.Intn(2)]
		if v == 2 {
			pfx = prefixes[r.Intn(3)]
		}
		g := &genVpc{id: "vpc-" + hex8(r), prefix: pfx, cidr: pfx + ".0.0/16", igw: "igw-" + hex8(r)}
		ns := 1 + r.Intn(2)
		g.acl = "acl-" + hex8(r)
		rtb := "rtb-" + hex8(r)
		for s := 0; s < ns; s++ {
			sn := genSubnet{id: "subnet-" + hex8(r), cidr: fmt.Sprintf("%s.%d.0/24", pfx, s+1), rtb: rtb}
			if r.Intn(2) == 0 {
				sn.acl = g.acl
			}
			g.subnets = append(g.subnets, sn)
		}
		g.aclIn, g.aclOut = randomACL(r, g), randomACL(r, g)
		for k := 0; k < 1+r.Intn(2); k++ {
			g.groups = append(g.groups, "sg-"+hex8(r))
		}
		c.vpcs = append(c.vpcs, g)
		// Instances: 1–2 per subnet.
		for si, sn := range g.subnets {
			for k := 0; k < 1+r.Intn(2); k++ {
				in := &genInstance{id: "i-" + hex8(r), eni: "eni-" + hex8(r), vpc: g.id, subnet: sn.id, srcDstCheck: true,
					ip:  fmt.Sprintf("%s.%d.%d", pfx, si+1, 20+k),
					mac: fmt.Sprintf("d0:0d:%02x:%02x:%02x:%02x", r.Intn(256), r.Intn(256), r.Intn(256), r.Intn(256))}
				in.groups = []string{g.groups[r.Intn(len(g.groups))]}
				if r.Intn(2) == 0 {
					in.eip = fmt.Sprintf("10.116.150.%d", eip)
					eip++
				}
				c.instances = append(c.instances, in)
			}
		}
		if r.Intn(2) == 0 {
			// The NAT gateway lives in a public subnet of its own, routed to the internet gateway.
			pub := genSubnet{id: "subnet-" + hex8(r), cidr: pfx + ".9.0/24", rtb: "rtb-" + hex8(r)}
			g.subnets = append(g.subnets, pub)
			g.nat = &genNat{id: fmt.Sprintf("nat-%08x%09x", r.Uint32(), r.Int63n(1<<36)), subnet: pub.id,
				ip: pfx + ".9.10", eip: fmt.Sprintf("10.116.150.%d", eip),
				mac: fmt.Sprintf("d0:0d:9f:%02x:%02x:%02x", r.Intn(256), r.Intn(256), r.Intn(256))}
			eip++
		}
	}
	for _, g := range c.vpcs {
		g.routes = append(g.routes, route(g.cidr, "gatewayId", "local"))
		if r.Intn(4) > 0 {
			g.routes = append(g.routes, route("0.0.0.0/0", "gatewayId", g.igw))
		}
		if g.nat != nil {
			g.routes = append(g.routes, route("198.51.100.0/24", "natGatewayId", g.nat.id))
		}
		if r.Intn(2) == 0 {
			var mine []*genInstance
			for _, in := range c.instances {
				if in.vpc == g.id {
					mine = append(mine, in)
				}
			}
			t := mine[r.Intn(len(mine))]
			t.srcDstCheck = false
			g.routes = append(g.routes, route("192.168.0.0/16", "networkInterfaceId", t.eni))
		}
		for _, sg := range g.groups {
			c.sgXML = append(c.sgXML, randomGroup(r, sg, g))
		}
	}
	return c
}

func route(dst, kind, target string) string {
	return fmt.Sprintf("<route><destinationCidr>%s</destinationCidr><%s>%s</%s></route>", dst, kind, target, kind)
}

var protos = []struct{ proto, extra string }{
	{"6", "<portRangeFrom>22</portRangeFrom><portRangeTo>22</portRangeTo>"},
	{"6", "<portRangeFrom>80</portRangeFrom><portRangeTo>80</portRangeTo>"},
	{"6", "<portRangeFrom>1024</portRangeFrom><portRangeTo>65535</portRangeTo>"},
	{"17", "<portRangeFrom>53</portRangeFrom><portRangeTo>53</portRangeTo>"},
	{"1", "<icmpCode>-1</icmpCode><icmpType>-1</icmpType>"},
	{"-1", ""},
}

func randomCIDR(r *rand.Rand, g *genVpc) string {
	return []string{"0.0.0.0/0", g.cidr, g.prefix + ".1.0/24", "203.0.113.0/24"}[r.Intn(4)]
}

func randomACL(r *rand.Rand, g *genVpc) []string {
	var out []string
	n := 1 + r.Intn(3)
	for k := 0; k < n; k++ {
		p := protos[r.Intn(len(protos))]
		action := "allow"
		if r.Intn(4) == 0 {
			action = "deny"
		}
		out = append(out, fmt.Sprintf(`<entry number="%d"><protocol>%s</protocol><action>%s</action><cidr>%s</cidr>%s</entry>`,
			100+10*k, p.proto, action, randomCIDR(r, g), p.extra))
	}
	if r.Intn(3) > 0 {
		out = append(out, `<entry number="200"><protocol>-1</protocol><action>allow</action><cidr>0.0.0.0/0</cidr></entry>`)
	}
	return append(out, `<entry number="32767"><protocol>-1</protocol><action>deny</action><cidr>0.0.0.0/0</cidr></entry>`)
}

var sgProtos = []struct{ proto, extra string }{
	{"6", "<fromPort>22</fromPort><toPort>22</toPort>"},
	{"6", "<fromPort>80</fromPort><toPort>80</toPort>"},
	{"6", "<fromPort>3306</fromPort><toPort>3306</toPort>"},
	{"17", "<fromPort>53</fromPort><toPort>53</toPort>"},
	{"1", "<icmpType>-1</icmpType><icmpCode>-1</icmpCode>"},
	{"-1", ""},
}

func randomGroup(r *rand.Rand, id string, g *genVpc) string {
	rules := func(n int) string {
		var b strings.Builder
		for k := 0; k < n; k++ {
			p := sgProtos[r.Intn(len(sgProtos))]
			peer := "<cidr>" + randomCIDR(r, g) + "</cidr>"
			if r.Intn(3) == 0 {
				peer = "<groupId>" + g.groups[r.Intn(len(g.groups))] + "</groupId><groupOwnerId>123456789012</groupOwnerId>"
			}
			fmt.Fprintf(&b, "<rule><protocol>%s</protocol>%s%s</rule>", p.proto, p.extra, peer)
		}
		return b.String()
	}
	ingress := rules(1 + r.Intn(3))
	if r.Intn(2) == 0 {
		// Most groups admit their own VPC.
		ingress += "<rule><protocol>-1</protocol><cidr>" + g.cidr + "</cidr></rule>"
	}
	egress := "<rule><protocol>-1</protocol><cidr>0.0.0.0/0</cidr></rule>"
	if r.Intn(4) == 0 {
		egress = rules(1 + r.Intn(2))
	}
	return fmt.Sprintf(`<securityGroup name="%s"><ownerId>123456789012</ownerId><ingressRules>%s</ingressRules><egressRules>%s</egressRules></securityGroup>`,
		id, ingress, egress)
}

// xml renders the cloud as a view, with the sample's configuration (gateway, BGP, one node).
func (c *genCloud) xml() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><network-data version="%s">`, c.version)
	b.WriteString(`<configuration><property name="mode"><value>VPCMIDO</value></property>` +
		`<property name="publicIps"><value>10.116.150.10-10.116.150.254</value></property>` +
		`<property name="enabledCLCIp"><value>10.111.5.11</value></property>` +
		`<property name="instanceDNSDomain"><value>eucalyptus.internal</value></property>` +
		`<property name="instanceDNSServers"><value>10.111.5.11</value></property>` +
		`<property name="mido"><property name="gateways"><gateway>` +
		`<property name="ip"><value>10.111.5.22</value></property>` +
		`<property name="externalCidr"><value>10.116.128.0/17</value></property>` +
		`<property name="externalDevice"><value>em1.116</value></property>` +
		`<property name="externalIp"><value>10.116.133.11</value></property>` +
		`<property name="externalRouterIp"><value>10.116.133.173</value></property>` +
		`</gateway></property></property>` +
		`<property name="clusters"><cluster name="one">` +
		`<subnet name="172.31.0.0"><property name="subnet"><value>172.31.0.0</value></property><property name="netmask"><value>255.255.0.0</value></property><property name="gateway"><value>172.31.0.1</value></property></subnet>` +
		`<property name="enabledCCIp"><value>10.111.5.12</value></property><property name="macPrefix"><value>d0:0d</value></property><property name="privateIps"><value>172.31.0.5</value></property>` +
		`<property name="nodes"><node name="10.111.5.70"><instanceIds>`)
	for _, in := range c.instances {
		fmt.Fprintf(&b, "<value>%s</value>", in.id)
	}
	b.WriteString(`</instanceIds></node></property></cluster></property></configuration><vpcs>`)
	for _, g := range c.vpcs {
		fmt.Fprintf(&b, `<vpc name="%s"><ownerId>123456789012</ownerId><cidr>%s</cidr><subnets>`, g.id, g.cidr)
		for _, sn := range g.subnets {
			fmt.Fprintf(&b, `<subnet name="%s"><ownerId>123456789012</ownerId><cidr>%s</cidr><cluster>one</cluster>`, sn.id, sn.cidr)
			if sn.acl != "" {
				fmt.Fprintf(&b, "<networkAcl>%s</networkAcl>", sn.acl)
			}
			fmt.Fprintf(&b, "<routeTable>%s</routeTable></subnet>", sn.rtb)
		}
		fmt.Fprintf(&b, `</subnets><networkAcls><networkAcl name="%s"><ownerId>123456789012</ownerId><ingressEntries>%s</ingressEntries><egressEntries>%s</egressEntries></networkAcl></networkAcls>`,
			g.acl, strings.Join(g.aclIn, ""), strings.Join(g.aclOut, ""))
		fmt.Fprintf(&b, `<routeTables><routeTable name="%s"><ownerId>123456789012</ownerId><routes>%s</routes></routeTable>`, g.subnets[0].rtb, strings.Join(g.routes, ""))
		if g.nat != nil {
			fmt.Fprintf(&b, `<routeTable name="%s"><ownerId>123456789012</ownerId><routes>%s%s</routes></routeTable>`,
				g.subnets[len(g.subnets)-1].rtb, route(g.cidr, "gatewayId", "local"), route("0.0.0.0/0", "gatewayId", g.igw))
		}
		b.WriteString("</routeTables>")
		b.WriteString("<natGateways>")
		if n := g.nat; n != nil {
			fmt.Fprintf(&b, `<natGateway name="%s"><ownerId>123456789012</ownerId><macAddress>%s</macAddress><publicIp>%s</publicIp><privateIp>%s</privateIp><vpc>%s</vpc><subnet>%s</subnet></natGateway>`,
				n.id, n.mac, n.eip, n.ip, g.id, n.subnet)
		}
		fmt.Fprintf(&b, "</natGateways><internetGateways><value>%s</value></internetGateways></vpc>", g.igw)
	}
	b.WriteString("</vpcs><instances>")
	for _, in := range c.instances {
		pub := ""
		if in.eip != "" {
			pub = "<publicIp>" + in.eip + "</publicIp>"
		}
		groups := ""
		for _, g := range in.groups {
			groups += "<value>" + g + "</value>"
		}
		fmt.Fprintf(&b, `<instance name="%s"><ownerId>123456789012</ownerId><macAddress>%s</macAddress>%s<privateIp>%s</privateIp><vpc>%s</vpc><subnet>%s</subnet>`+
			`<networkInterfaces><networkInterface name="%s"><ownerId>123456789012</ownerId><deviceIndex>0</deviceIndex><attachmentId>eni-attach-%s</attachmentId>`+
			`<macAddress>%s</macAddress><privateIp>%s</privateIp>%s<sourceDestCheck>%t</sourceDestCheck><vpc>%s</vpc><subnet>%s</subnet><securityGroups>%s</securityGroups></networkInterface></networkInterfaces>`+
			`<securityGroups>%s</securityGroups></instance>`,
			in.id, in.mac, pub, in.ip, in.vpc, in.subnet, in.eni, in.eni[4:], in.mac, in.ip, pub, in.srcDstCheck, in.vpc, in.subnet, groups, groups)
	}
	b.WriteString("</instances><internetGateways>")
	for _, g := range c.vpcs {
		fmt.Fprintf(&b, `<internetGateway name="%s"><ownerId>123456789012</ownerId></internetGateway>`, g.igw)
	}
	b.WriteString("</internetGateways><securityGroups>" + strings.Join(c.sgXML, "") + "</securityGroups></network-data>\n")
	return b.String()
}
