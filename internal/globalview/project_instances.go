package globalview

import (
	"strings"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// indexInterfaces records which VPCs use each security group (SecurityGroup.spec.vpc)
// and each subnet's availability zone (for MACs the view leaves out).
func (p *projector) indexInterfaces() {
	p.groupVPCs = map[string]map[string]bool{}
	for _, in := range p.view.Instances {
		for _, n := range in.NetworkInterfaces {
			for _, sg := range interfaceGroups(in, n) {
				if p.groupVPCs[sg] == nil {
					p.groupVPCs[sg] = map[string]bool{}
				}
				p.groupVPCs[sg][n.VPC] = true
			}
		}
	}
	p.subnetCluster = map[string]string{}
	for _, v := range p.view.VPCs {
		for _, s := range v.Subnets {
			p.subnetCluster[s.ID] = s.Cluster
		}
	}
}

// interfaceGroups are the groups VPCMIDO implements on an interface: its own. Files
// older than 4.3 may leave them out on the primary interface, which then has the
// instance's groups.
func interfaceGroups(in Instance, n NetworkInterface) []string {
	if len(n.SecurityGroups) == 0 && n.IsPrimary() {
		return in.SecurityGroups
	}
	return n.SecurityGroups
}

// networkInterfaces projects every attached ENI, placed on the node that lists its
// instance, and one ElasticIP per public address associated with one.
func (p *projector) networkInterfaces() error {
	for i, in := range p.view.Instances {
		node := p.view.NodeOf(in.ID)
		for j, n := range in.NetworkInterfaces {
			mac := n.MAC
			if mac == "" {
				mac = p.derivedMAC(n)
				if mac == "" {
					path := objectPath(objectPath("instances", "instance", in.ID, i)+"/networkInterfaces", "networkInterface", n.ID, j)
					return projectionError(path+"/macAddress", n.ID, "interface has no MAC address and none can be derived")
				}
			}
			p.out.NetworkInterfaces = append(p.out.NetworkInterfaces, &vpcv1.NetworkInterface{
				TypeMeta:   typeMeta("NetworkInterface"),
				ObjectMeta: p.nsMeta(n.ID, n.OwnerID),
				Spec: vpcv1.NetworkInterfaceSpec{
					Subnet:          n.Subnet,
					InstanceID:      in.ID,
					DeviceIndex:     int32(n.Index()),
					AttachmentID:    n.AttachmentID,
					MACAddress:      vpcv1.MAC(mac),
					PrivateIP:       vpcv1.IPv4(n.PrivateIP),
					SecurityGroups:  interfaceGroups(in, n),
					SourceDestCheck: n.SourceDestChecked(),
					Node:            node,
					OwnerAccount:    n.OwnerID,
				},
			})
			publicIP := n.PublicIP
			if publicIP == "" && n.IsPrimary() {
				// Before 4.3 only the instance carried the primary interface's address.
				publicIP = in.PublicIP
			}
			if publicIP != "" {
				p.out.ElasticIPs = append(p.out.ElasticIPs, &vpcv1.ElasticIP{
					TypeMeta:   typeMeta("ElasticIP"),
					ObjectMeta: p.nsMeta(ElasticIPName(publicIP), n.OwnerID),
					Spec: vpcv1.ElasticIPSpec{
						PublicIP:         vpcv1.IPv4(publicIP),
						NetworkInterface: n.ID,
						OwnerAccount:     n.OwnerID,
					},
				})
			}
		}
	}
	return nil
}

// derivedMAC is the MAC the CLC gives an interface: its cluster's macPrefix and the first
// 8 hex digits of the interface id (NetworkInterfaceHelper.mac()). "" when the prefix or
// the digits are missing.
func (p *projector) derivedMAC(n NetworkInterface) string {
	zone := p.subnetCluster[n.Subnet]
	prefix := ""
	for _, c := range p.view.Config.Clusters {
		if c.Name == zone || (prefix == "" && zone == "") {
			prefix = c.MacPrefix
		}
	}
	_, digits, ok := strings.Cut(n.ID, "-")
	if prefix == "" || !ok || len(digits) < 8 {
		return ""
	}
	d := strings.ToLower(digits[:8])
	return prefix + ":" + d[0:2] + ":" + d[2:4] + ":" + d[4:6] + ":" + d[6:8]
}
