package globalview

import "slices"

// instance maps one instance element with its network interfaces.
func (p *parser) instance(el *element, index int) Instance {
	in := Instance{
		ID:             el.attr("name"),
		OwnerID:        el.leaf("ownerId"),
		MAC:            el.leaf("macAddress"),
		PublicIP:       el.leaf("publicIp"),
		PrivateIP:      el.leaf("privateIp"),
		VPC:            el.leaf("vpc"),
		Subnet:         el.leaf("subnet"),
		SecurityGroups: el.child("securityGroups").values(),
	}
	path := objectPath("instances", "instance", in.ID, index)
	enis := el.child("networkInterfaces").each("networkInterface")
	in.NetworkInterfaces = slices.Grow(in.NetworkInterfaces, len(enis))
	for i, n := range enis {
		in.NetworkInterfaces = append(in.NetworkInterfaces, p.networkInterface(n, &in, path, i))
	}
	return in
}

func (p *parser) networkInterface(el *element, in *Instance, instancePath string, index int) NetworkInterface {
	n := NetworkInterface{
		ID:             el.attr("name"),
		OwnerID:        el.leaf("ownerId"),
		AttachmentID:   el.leaf("attachmentId"),
		MAC:            el.leaf("macAddress"),
		PrivateIP:      el.leaf("privateIp"),
		PublicIP:       el.leaf("publicIp"),
		VPC:            el.leaf("vpc"),
		Subnet:         el.leaf("subnet"),
		SecurityGroups: el.child("securityGroups").values(),
	}
	path := objectPath(instancePath+"/networkInterfaces", "networkInterface", n.ID, index)
	n.DeviceIndex = p.optInt(field(path, "deviceIndex"), n.ID, el.leaf("deviceIndex"))
	n.SourceDestCheck = p.optBool(field(path, "sourceDestCheck"), n.ID, el.leaf("sourceDestCheck"))
	// Before 4.3 interfaces carried no vpc/subnet: they live in their instance's.
	if n.VPC == "" && n.Subnet == "" && (in.VPC != "" || in.Subnet != "") {
		n.VPC, n.Subnet = in.VPC, in.Subnet
		p.inheritedPlacement++
	}
	return n
}
