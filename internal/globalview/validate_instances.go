package globalview

import (
	"slices"
	"strconv"
)

// instance checks one instance and its interfaces.
func (c *validator) instance(in *Instance, index int) {
	path := objectPath("instances", "instance", in.ID, index)
	id := in.ID
	c.objectID(path, id, kindInstance)
	c.ownerID(field(path, "ownerId"), id, in.OwnerID, true)
	c.mac(field(path, "macAddress"), id, in.MAC)
	c.ipv4(field(path, "publicIp"), id, in.PublicIP, false)
	c.ipv4(field(path, "privateIp"), id, in.PrivateIP, true)
	vpcOK := in.VPC != "" && c.reference(field(path, "vpc"), id, in.VPC, kindVPC, c.vpcs[in.VPC] != nil)
	switch {
	case in.Subnet != "" && in.VPC == "":
		c.add(field(path, "vpc"), id, "missing VPC id for subnet %s", in.Subnet)
	case in.Subnet != "" && vpcOK:
		c.subnetIn(field(path, "subnet"), id, in.Subnet, in.VPC)
	}
	if len(in.SecurityGroups) == 0 {
		c.add(field(path, "securityGroups"), id, "no security groups; every instance has at least one")
	}
	c.groupRefs(field(path, "securityGroups"), id, in.SecurityGroups)
	for i := range in.NetworkInterfaces {
		n := &in.NetworkInterfaces[i]
		npath := objectPath(path+"/networkInterfaces", "networkInterface", n.ID, i)
		c.networkInterface(n, npath)
		// The last earlier interface with the same index: an instance has a few.
		for j := i - 1; j >= 0; j-- {
			if first := &in.NetworkInterfaces[j]; first.Index() == n.Index() {
				c.add(field(npath, "deviceIndex"), n.ID, "device index %d is also used by %s", n.Index(), first.ID)
				break
			}
		}
	}
}

func (c *validator) networkInterface(n *NetworkInterface, path string) {
	id := n.ID
	c.objectID(path, id, kindENI)
	c.ownerID(field(path, "ownerId"), id, n.OwnerID, true)
	c.intRange(field(path, "deviceIndex"), id, n.DeviceIndex, 0, maxDeviceIndex)
	if n.AttachmentID != "" && !kindAttachment.valid(n.AttachmentID) {
		c.add(field(path, "attachmentId"), id, "%q is not a valid attachment id (want %s)", n.AttachmentID, kindAttachment.want())
	}
	c.mac(field(path, "macAddress"), id, n.MAC)
	if _, ok := c.ipv4(field(path, "publicIp"), id, n.PublicIP, false); ok {
		c.publicIP(field(path, "publicIp"), id, n.PublicIP)
	}
	vpcOK := c.reference(field(path, "vpc"), id, n.VPC, kindVPC, c.vpcs[n.VPC] != nil)
	var subnet *Subnet
	if vpcOK {
		subnet = c.subnetIn(field(path, "subnet"), id, n.Subnet, n.VPC)
	} else if n.Subnet == "" {
		c.add(field(path, "subnet"), id, "missing subnet id")
	}
	if ip, ok := c.ipv4(field(path, "privateIp"), id, n.PrivateIP, true); ok {
		if vpcOK {
			c.privateIP(field(path, "privateIp"), id, n.VPC, n.PrivateIP)
		}
		c.addressInSubnet(field(path, "privateIp"), id, ip, subnet)
	}
	c.groupRefs(field(path, "securityGroups"), id, n.SecurityGroups)
}

// maxDeviceIndex bounds a device index: any non-negative int32.
const maxDeviceIndex = 1<<31 - 1

// groupRefs checks a list of security group ids.
func (c *validator) groupRefs(where at, id string, groups []string) {
	for i, g := range groups {
		if c.reference(where.nth(i), id, g, kindSG, c.groups[g]) && slices.Contains(groups[:i], g) {
			c.add(where.nth(i), id, "security group %s listed twice", g)
		}
	}
}

func (c *validator) dhcpOptionSet(d *DHCPOptionSet, index int) {
	path := objectPath("dhcpOptionSets", "dhcpOptionSet", d.ID, index)
	id := d.ID
	c.objectID(path, id, kindDHCP)
	c.ownerID(field(path, "ownerId"), id, d.OwnerID, false)
	// Option names in a fixed order so that errors come out deterministically.
	for _, name := range []string{DHCPDomainName, DHCPDomainNameServers, DHCPNTPServers, DHCPNetbiosNameServers, DHCPNetbiosNodeType} {
		vals, ok := d.Options[name]
		if !ok {
			continue
		}
		ppath := path + "/property[" + name + "]"
		if len(vals) == 0 {
			c.add(here(ppath), id, "option without values")
		}
		for i, val := range vals {
			vpath := valuePath(ppath, i)
			switch name {
			case DHCPDomainName:
				if !validHostname(val) {
					c.add(here(vpath), id, "%q is not a valid domain name", val)
				}
			case DHCPNetbiosNodeType:
				if n, err := strconv.Atoi(val); err != nil || (n != 1 && n != 2 && n != 4 && n != 8) {
					c.add(here(vpath), id, "%q is not a NetBIOS node type (1, 2, 4 or 8)", val)
				}
			default:
				c.ipv4(here(vpath), id, val, true)
			}
		}
	}
}

func (c *validator) internetGateway(g *InternetGateway, index int) {
	path := objectPath("internetGateways", "internetGateway", g.ID, index)
	c.objectID(path, g.ID, kindIGW)
	c.ownerID(field(path, "ownerId"), g.ID, g.OwnerID, false)
}

func (c *validator) securityGroup(g *SecurityGroup, index int) {
	path := objectPath("securityGroups", "securityGroup", g.ID, index)
	c.objectID(path, g.ID, kindSG)
	c.ownerID(field(path, "ownerId"), g.ID, g.OwnerID, true)
	c.sgRules(g.IngressRules, path+"/ingressRules", g.ID)
	c.sgRules(g.EgressRules, path+"/egressRules", g.ID)
}

func (c *validator) sgRules(rules []SecurityGroupRule, parent, id string) {
	for i := range rules {
		r := &rules[i]
		path := parent + "/rule[#" + strconv.Itoa(i+1) + "]"
		c.protocol(field(path, "protocol"), id, r.Protocol)
		c.portRange(path, id, "fromPort", "toPort", r.FromPort, r.ToPort)
		c.icmp(path, id, r.ICMPType, r.ICMPCode)
		if r.GroupID != "" && r.CIDR != "" {
			c.add(here(path), id, "both groupId and cidr are set; a rule has one peer")
		}
		if r.GroupID != "" {
			c.reference(field(path, "groupId"), id, r.GroupID, kindSG, c.groups[r.GroupID])
		}
		c.ownerID(field(path, "groupOwnerId"), id, r.GroupOwnerID, false)
		c.cidr(field(path, "cidr"), id, r.CIDR, false, false)
	}
}
