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
	enis := el.child("networkInterfaces").each("networkInterface")
	in.NetworkInterfaces = slices.Grow(in.NetworkInterfaces, len(enis))
	for i, n := range enis {
		in.NetworkInterfaces = append(in.NetworkInterfaces, p.networkInterface(n, &in, index, i))
	}
	return in
}

// networkInterface maps the index-th interface element of the instanceIndex-th instance.
func (p *parser) networkInterface(el *element, in *Instance, instanceIndex, index int) NetworkInterface {
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
	deviceIndex, sourceDestCheck := el.leaf("deviceIndex"), el.leaf("sourceDestCheck")
	var path string
	if !isInt(deviceIndex) || !isBool(sourceDestCheck) {
		// Only an error message needs the path (two strings per interface, on every view).
		path = objectPath(objectPath("instances", "instance", in.ID, instanceIndex)+"/networkInterfaces",
			"networkInterface", n.ID, index)
	}
	n.DeviceIndex = p.optInt(field(path, "deviceIndex"), n.ID, deviceIndex)
	n.SourceDestCheck = p.optBool(field(path, "sourceDestCheck"), n.ID, sourceDestCheck)
	// Before 4.3 interfaces carried no vpc/subnet: they live in their instance's.
	if n.VPC == "" && n.Subnet == "" && (in.VPC != "" || in.Subnet != "") {
		n.VPC, n.Subnet = in.VPC, in.Subnet
		p.inheritedPlacement++
	}
	return n
}
