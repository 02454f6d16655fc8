package globalview

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// A broken document: the one-line example with one edit, and the error it must
// produce (exact path, object id, message substring). Parse or Validate may
// report it: conversion errors come from Parse, everything else from Validate.
type brokenCase struct {
	name     string
	old, new string              // replace the first old by new
	edit     func(string) string // or edit the document freely
	path     string
	id       string
	msg      string
}

func brokenCases() []brokenCase {
	const (
		vpcA    = "vpcs/vpc[vpc-0a1b2c3d]"
		vpcB    = "vpcs/vpc[vpc-4e5f6a7b]"
		acl     = vpcA + "/networkAcls/networkAcl[acl-3c3c3c3c]"
		rtbA    = vpcA + "/routeTables/routeTable[rtb-1a1a1a1a]"
		rtbB    = vpcB + "/routeTables/routeTable[rtb-2b2b2b2b]"
		nat     = vpcA + "/natGateways/natGateway[nat-0c1d2e3f4a5b6c7d8]"
		cluster = "configuration/property[clusters]/cluster[one]"
		gw1     = "configuration/property[mido]/property[gateways]/gateway[#1]"
		sg6     = "securityGroups/securityGroup[sg-6f6f6f6f]"
		inst1   = "instances/instance[i-01234567]"
		inst4   = "instances/instance[i-3456789a]"
		eniC3   = "instances/instance[i-23456789]/networkInterfaces/networkInterface[eni-c3c3c3c3]"
		eniE5   = inst4 + "/networkInterfaces/networkInterface[eni-e5e5e5e5]"
		owner   = "<ownerId>123456789012</ownerId>"
	)
	all := func(old, new string) func(string) string {
		return func(s string) string { return strings.ReplaceAll(s, old, new) }
	}
	return []brokenCase{
		// Addresses and CIDRs.
		{name: "subnet CIDR prefix too long", old: "<cidr>10.0.1.0/24</cidr>", new: "<cidr>10.0.1.0/33</cidr>",
			path: vpcA + "/subnets/subnet[subnet-11aa22bb]/cidr", id: "subnet-11aa22bb", msg: `"10.0.1.0/33" is not a valid CIDR`},
		{name: "subnet CIDR without length", old: "<cidr>10.0.2.0/24</cidr>", new: "<cidr>10.0.2.0</cidr>",
			path: vpcA + "/subnets/subnet[subnet-33cc44dd]/cidr", id: "subnet-33cc44dd", msg: `"10.0.2.0" is not a valid CIDR`},
		{name: "VPC CIDR with host bits", old: "<cidr>10.0.0.0/16</cidr>", new: "<cidr>10.0.0.1/16</cidr>",
			path: vpcA + "/cidr", id: "vpc-0a1b2c3d", msg: "host bits set (network is 10.0.0.0/16)"},
		{name: "subnet outside its VPC", old: "<cidr>172.16.1.0/24</cidr>", new: "<cidr>172.17.1.0/24</cidr>",
			path: vpcB + "/subnets/subnet[subnet-55ee66ff]/cidr", id: "subnet-55ee66ff", msg: "outside VPC CIDR 172.16.0.0/16"},
		{name: "CLC address octet out of range", old: `<property name="enabledCLCIp"><value>10.111.5.11</value>`, new: `<property name="enabledCLCIp"><value>10.111.5.256</value>`,
			path: "configuration/property[enabledCLCIp]", msg: `"10.111.5.256" is not a valid IPv4 address`},
		{name: "address with inner garbage", old: "<privateIp>10.0.1.11</privateIp>", new: "<privateIp>10.0.1.11 x</privateIp>",
			path: inst1 + "/privateIp", id: "i-01234567", msg: `"10.0.1.11 x" is not a valid IPv4 address`},
		{name: "address with a leading zero", old: "<publicIp>10.116.150.12</publicIp>", new: "<publicIp>010.116.150.12</publicIp>",
			path: "instances/instance[i-12345678]/publicIp", id: "i-12345678", msg: "not a valid IPv4 address"},
		{name: "private address 0.0.0.0", old: "<privateIp>10.0.2.21</privateIp>", new: "<privateIp>0.0.0.0</privateIp>",
			path: "instances/instance[i-23456789]/privateIp", id: "i-23456789", msg: "address 0.0.0.0 is not allowed"},
		{name: "DNS server not an address", old: `<property name="instanceDNSServers"><value>10.111.5.11</value>`, new: `<property name="instanceDNSServers"><value>dns.example</value>`,
			path: "configuration/property[instanceDNSServers]/value[#1]", msg: `"dns.example" is not a valid IPv4 address`},
		{name: "gateway address outside its external CIDR", old: `<property name="externalIp"><value>10.116.133.11</value>`, new: `<property name="externalIp"><value>10.117.0.1</value>`,
			path: gw1 + "/property[externalIp]", id: "10.111.5.22", msg: "10.117.0.1 is outside external CIDR 10.116.128.0/17"},
		{name: "interface address outside its subnet", old: "<privateIp>172.16.1.22</privateIp>", new: "<privateIp>172.16.2.22</privateIp>",
			path: eniE5 + "/privateIp", id: "eni-e5e5e5e5", msg: "172.16.2.22 is outside subnet subnet-55ee66ff (172.16.1.0/24)"},
		{name: "interface on its subnet's gateway address", old: "<privateIp>172.16.1.22</privateIp>", new: "<privateIp>172.16.1.1</privateIp>",
			path: eniE5 + "/privateIp", id: "eni-e5e5e5e5", msg: "172.16.1.1 is the VPC router's port (the subnet's gateway) in subnet subnet-55ee66ff (172.16.1.0/24); the first four addresses and the last are reserved"},
		{name: "NAT gateway on the subnet's broadcast address", old: "<privateIp>10.0.1.10</privateIp>", new: "<privateIp>10.0.1.255</privateIp>",
			path: nat + "/privateIp", id: "nat-0c1d2e3f4a5b6c7d8", msg: "10.0.1.255 is the subnet's broadcast address in subnet subnet-11aa22bb"},
		{name: "VPC in link-local", old: "<cidr>172.16.0.0/16</cidr>", new: "<cidr>169.254.0.0/16</cidr>",
			path: vpcB + "/cidr", id: "vpc-4e5f6a7b", msg: "169.254.0.0/16 overlaps 169.254.0.0/16, link-local"},
		{name: "public IP in link-local", old: "<publicIp>10.116.150.20</publicIp>", new: "<publicIp>169.254.0.1</publicIp>",
			path: nat + "/publicIp", id: "nat-0c1d2e3f4a5b6c7d8", msg: "169.254.0.1 is in 169.254.0.0/16"},
		{name: "ACL entry CIDR", old: "<cidr>0.0.0.0/0</cidr>", new: "<cidr>0.0.0.0/x</cidr>",
			path: acl + "/ingressEntries/entry[100]/cidr", id: "acl-3c3c3c3c", msg: `"0.0.0.0/x" is not a valid CIDR`},
		{name: "publicIps range reversed", old: "10.116.150.10-10.116.150.254", new: "10.116.150.254-10.116.150.10",
			path: "configuration/property[publicIps]/value[#1]", msg: "not an IPv4 address or range"},

		// MACs.
		{name: "MAC with five octets", old: "<macAddress>d0:0d:a1:a1:a1:a1</macAddress>", new: "<macAddress>d0:0d:a1:a1:a1</macAddress>",
			path: inst1 + "/macAddress", id: "i-01234567", msg: `"d0:0d:a1:a1:a1" is not a valid MAC address`},
		{name: "MAC with non-hex octet", old: "<attachmentId>eni-attach-b2b2b2b2</attachmentId><macAddress>d0:0d:b2:b2:b2:b2</macAddress>",
			new:  "<attachmentId>eni-attach-b2b2b2b2</attachmentId><macAddress>d0:0d:b2:b2:b2:zz</macAddress>",
			path: "instances/instance[i-12345678]/networkInterfaces/networkInterface[eni-b2b2b2b2]/macAddress", id: "eni-b2b2b2b2", msg: "not a valid MAC address"},
		{name: "MAC with dashes", old: "d0:0d:9f:8e:7d:6c", new: "d0-0d-9f-8e-7d-6c",
			path: nat + "/macAddress", id: "nat-0c1d2e3f4a5b6c7d8", msg: "not a valid MAC address"},
		{name: "broadcast MAC", old: "d0:0d:9f:8e:7d:6c", new: "ff:ff:ff:ff:ff:ff",
			path: nat + "/macAddress", id: "nat-0c1d2e3f4a5b6c7d8", msg: "ff:ff:ff:ff:ff:ff is a multicast or broadcast MAC address"},
		{name: "MAC of MidoNet's router ports", old: "<macAddress>d0:0d:a1:a1:a1:a1</macAddress>", new: "<macAddress>ac:ca:ba:a1:a1:a1</macAddress>",
			path: inst1 + "/macAddress", id: "i-01234567", msg: "ac:ca:ba:a1:a1:a1 is in MidoNet's range for router ports"},
		{name: "MAC prefix without colon", old: "<value>d0:0d</value>", new: "<value>d00d</value>",
			path: cluster + "/property[macPrefix]", id: "one", msg: `"d00d" is not a valid MAC prefix`},

		// Missing required (V) fields of spec §4.
		{name: "no configuration", edit: func(s string) string {
			return regexp.MustCompile(`<configuration>.*</configuration>`).ReplaceAllString(s, "")
		},
			path: "configuration", msg: "missing configuration element"},
		{name: "empty mode", old: "<value>VPCMIDO</value>", new: "<value/>",
			path: "configuration/property[mode]", msg: "missing mode"},
		{name: "no enabledCLCIp", old: `<property name="enabledCLCIp"><value>10.111.5.11</value></property>`, new: "",
			path: "configuration/property[enabledCLCIp]", msg: "missing IPv4 address"},
		{name: "no instanceDNSDomain", old: `<property name="instanceDNSDomain"><value>eucalyptus.internal</value></property>`, new: "",
			path: "configuration/property[instanceDNSDomain]", msg: "missing instance DNS domain"},
		{name: "no instanceDNSServers", old: `<property name="instanceDNSServers"><value>10.111.5.11</value></property>`, new: "",
			path: "configuration/property[instanceDNSServers]", msg: "no instance DNS servers"},
		{name: "cluster without name", old: `<cluster name="one">`, new: "<cluster>",
			path: "configuration/property[clusters]/cluster[#1]/@name", msg: "missing cluster name"},
		{name: "cluster without enabledCCIp", old: `<property name="enabledCCIp"><value>10.111.5.12</value></property>`, new: "",
			path: cluster + "/property[enabledCCIp]", id: "one", msg: "missing IPv4 address"},
		{name: "cluster without macPrefix", old: `<property name="macPrefix"><value>d0:0d</value></property>`, new: "",
			path: cluster + "/property[macPrefix]", id: "one", msg: "missing MAC prefix"},
		{name: "node without name", old: `<node name="10.111.5.71">`, new: "<node>",
			path: cluster + "/property[nodes]/node[#2]/@name", msg: "missing node name"},
		{name: "node with empty instance id", old: "<value>i-3456789a</value></instanceIds>", new: "<value/></instanceIds>",
			path: cluster + "/property[nodes]/node[10.111.5.71]/instanceIds/value[#2]", id: "10.111.5.71", msg: "missing instance id"},
		{name: "VPC without name", old: `<vpc name="vpc-4e5f6a7b">`, new: "<vpc>",
			path: "vpcs/vpc[#2]/@name", msg: "missing VPC id"},
		{name: "VPC without owner", old: `<vpc name="vpc-4e5f6a7b">` + owner, new: `<vpc name="vpc-4e5f6a7b">`,
			path: vpcB + "/ownerId", id: "vpc-4e5f6a7b", msg: "missing owner id"},
		{name: "subnet without name", old: `<subnet name="subnet-33cc44dd">`, new: "<subnet>",
			path: vpcA + "/subnets/subnet[#2]/@name", msg: "missing subnet id"},
		{name: "subnet without owner", old: `<subnet name="subnet-55ee66ff">` + owner, new: `<subnet name="subnet-55ee66ff">`,
			path: vpcB + "/subnets/subnet[subnet-55ee66ff]/ownerId", id: "subnet-55ee66ff", msg: "missing owner id"},
		{name: "ACL without name", old: `<networkAcl name="acl-3c3c3c3c">`, new: "<networkAcl>",
			path: vpcA + "/networkAcls/networkAcl[#1]/@name", msg: "missing network ACL id"},
		{name: "ACL without owner", old: `<networkAcl name="acl-3c3c3c3c">` + owner, new: `<networkAcl name="acl-3c3c3c3c">`,
			path: acl + "/ownerId", id: "acl-3c3c3c3c", msg: "missing owner id"},
		{name: "ACL entry without number", old: `<entry number="110">`, new: "<entry>",
			path: acl + "/ingressEntries/entry[#2]/@number", id: "acl-3c3c3c3c", msg: "missing rule number"},
		{name: "ACL entry protocol 0", old: `<entry number="110"><protocol>6</protocol>`, new: `<entry number="110"><protocol>0</protocol>`,
			path: acl + "/ingressEntries/entry[110]/protocol", id: "acl-3c3c3c3c", msg: "missing protocol (or 0)"},
		{name: "ACL entry without CIDR", old: "<action>allow</action><cidr>10.0.0.0/16</cidr>", new: "<action>allow</action>",
			path: acl + "/ingressEntries/entry[130]/cidr", id: "acl-3c3c3c3c", msg: "missing CIDR"},
		{name: "route table without name", old: `<routeTable name="rtb-2b2b2b2b">`, new: "<routeTable>",
			path: vpcB + "/routeTables/routeTable[#1]/@name", msg: "missing route table id"},
		{name: "route table without owner", old: `<routeTable name="rtb-1a1a1a1a">` + owner, new: `<routeTable name="rtb-1a1a1a1a">`,
			path: rtbA + "/ownerId", id: "rtb-1a1a1a1a", msg: "missing owner id"},
		{name: "route without destination", old: "<route><destinationCidr>192.168.0.0/16</destinationCidr>", new: "<route>",
			path: rtbA + "/routes/route[#3]/destinationCidr", id: "rtb-1a1a1a1a", msg: "missing CIDR"},
		{name: "route without target", old: "<destinationCidr>172.16.0.0/16</destinationCidr><gatewayId>local</gatewayId>", new: "<destinationCidr>172.16.0.0/16</destinationCidr>",
			path: rtbB + "/routes/route[#1]", id: "rtb-2b2b2b2b", msg: "missing target"},
		{name: "route with two targets", old: "<gatewayId>igw-7a8b9c0d</gatewayId>", new: "<gatewayId>igw-7a8b9c0d</gatewayId><natGatewayId>nat-0c1d2e3f4a5b6c7d8</natGatewayId>",
			path: rtbA + "/routes/route[#2]", id: "rtb-1a1a1a1a", msg: "more than one target"},
		{name: "NAT gateway without name", old: `<natGateway name="nat-0c1d2e3f4a5b6c7d8">`, new: "<natGateway>",
			path: vpcA + "/natGateways/natGateway[#1]/@name", msg: "missing NAT gateway id"},
		{name: "NAT gateway without owner", old: `<natGateway name="nat-0c1d2e3f4a5b6c7d8">` + owner, new: `<natGateway name="nat-0c1d2e3f4a5b6c7d8">`,
			path: nat + "/ownerId", id: "nat-0c1d2e3f4a5b6c7d8", msg: "missing owner id"},
		{name: "NAT gateway without private IP", old: "<privateIp>10.0.1.10</privateIp>", new: "",
			path: nat + "/privateIp", id: "nat-0c1d2e3f4a5b6c7d8", msg: "missing IPv4 address"},
		{name: "NAT gateway without VPC", old: "<vpc>vpc-0a1b2c3d</vpc><subnet>subnet-11aa22bb</subnet></natGateway>", new: "<subnet>subnet-11aa22bb</subnet></natGateway>",
			path: nat + "/vpc", id: "nat-0c1d2e3f4a5b6c7d8", msg: "missing VPC id"},
		{name: "NAT gateway without subnet", old: "<subnet>subnet-11aa22bb</subnet></natGateway>", new: "</natGateway>",
			path: nat + "/subnet", id: "nat-0c1d2e3f4a5b6c7d8", msg: "missing subnet id"},
		{name: "instance without name", old: `<instance name="i-12345678">`, new: "<instance>",
			path: "instances/instance[#2]/@name", msg: "missing instance id"},
		{name: "instance without owner", old: `<instance name="i-12345678">` + owner, new: `<instance name="i-12345678">`,
			path: "instances/instance[i-12345678]/ownerId", id: "i-12345678", msg: "missing owner id"},
		{name: "instance without private IP", old: "<privateIp>10.0.1.12</privateIp>", new: "",
			path: "instances/instance[i-12345678]/privateIp", id: "i-12345678", msg: "missing IPv4 address"},
		{name: "instance without security groups", old: "<securityGroups><value>sg-6f6f6f6f</value></securityGroups></instance>", new: "<securityGroups/></instance>",
			path: inst4 + "/securityGroups", id: "i-3456789a", msg: "no security groups"},
		{name: "interface without name", old: `<networkInterface name="eni-e5e5e5e5">`, new: "<networkInterface>",
			path: inst4 + "/networkInterfaces/networkInterface[#2]/@name", msg: "missing network interface id"},
		{name: "interface without owner", old: `<networkInterface name="eni-e5e5e5e5">` + owner, new: `<networkInterface name="eni-e5e5e5e5">`,
			path: eniE5 + "/ownerId", id: "eni-e5e5e5e5", msg: "missing owner id"},
		{name: "interface without private IP", old: "<privateIp>172.16.1.22</privateIp>", new: "",
			path: eniE5 + "/privateIp", id: "eni-e5e5e5e5", msg: "missing IPv4 address"},
		{name: "security group without name", old: `<securityGroup name="sg-6f6f6f6f">`, new: "<securityGroup>",
			path: "securityGroups/securityGroup[#2]/@name", msg: "missing security group id"},
		{name: "security group without owner", old: `<securityGroup name="sg-6f6f6f6f">` + owner, new: `<securityGroup name="sg-6f6f6f6f">`,
			path: sg6 + "/ownerId", id: "sg-6f6f6f6f", msg: "missing owner id"},

		// Dangling references, one per kind.
		{name: "subnet → unknown route table", old: "<routeTable>rtb-2b2b2b2b</routeTable>", new: "<routeTable>rtb-9f9f9f9f</routeTable>",
			path: vpcB + "/subnets/subnet[subnet-55ee66ff]/routeTable", id: "subnet-55ee66ff", msg: "refers to unknown route table rtb-9f9f9f9f"},
		{name: "subnet → route table of another VPC", old: "<routeTable>rtb-2b2b2b2b</routeTable>", new: "<routeTable>rtb-1a1a1a1a</routeTable>",
			path: vpcB + "/subnets/subnet[subnet-55ee66ff]/routeTable", id: "subnet-55ee66ff", msg: "route table rtb-1a1a1a1a belongs to vpc-0a1b2c3d, not vpc-4e5f6a7b"},
		{name: "subnet → ACL of another VPC", old: "<cluster>one</cluster><routeTable>rtb-2b2b2b2b</routeTable>", new: "<cluster>one</cluster><networkAcl>acl-3c3c3c3c</networkAcl><routeTable>rtb-2b2b2b2b</routeTable>",
			path: vpcB + "/subnets/subnet[subnet-55ee66ff]/networkAcl", id: "subnet-55ee66ff", msg: "network ACL acl-3c3c3c3c belongs to vpc-0a1b2c3d, not vpc-4e5f6a7b"},
		{name: "subnet → unknown ACL", old: "<networkAcl>acl-3c3c3c3c</networkAcl>", new: "<networkAcl>acl-00000000</networkAcl>",
			path: vpcA + "/subnets/subnet[subnet-11aa22bb]/networkAcl", id: "subnet-11aa22bb", msg: "refers to unknown network ACL acl-00000000"},
		{name: "subnet → unknown cluster", old: "<cluster>one</cluster>", new: "<cluster>two</cluster>",
			path: vpcA + "/subnets/subnet[subnet-11aa22bb]/cluster", id: "subnet-11aa22bb", msg: "refers to unknown cluster two"},
		{name: "interface → unknown subnet", old: "<subnet>subnet-11aa22bb</subnet><securityGroups>", new: "<subnet>subnet-99999999</subnet><securityGroups>",
			path: inst1 + "/networkInterfaces/networkInterface[eni-a1a1a1a1]/subnet", id: "eni-a1a1a1a1", msg: "refers to unknown subnet subnet-99999999"},
		{name: "interface → subnet of another VPC", old: "<subnet>subnet-55ee66ff</subnet><securityGroups>", new: "<subnet>subnet-11aa22bb</subnet><securityGroups>",
			path: inst4 + "/networkInterfaces/networkInterface[eni-d4d4d4d4]/subnet", id: "eni-d4d4d4d4", msg: "subnet subnet-11aa22bb belongs to vpc-0a1b2c3d, not vpc-4e5f6a7b"},
		{name: "interface → unknown VPC", old: "<vpc>vpc-4e5f6a7b</vpc><subnet>subnet-55ee66ff</subnet><securityGroups><value>sg-6f6f6f6f</value></securityGroups></networkInterface></networkInterfaces>",
			new:  "<vpc>vpc-99999999</vpc><subnet>subnet-55ee66ff</subnet><securityGroups><value>sg-6f6f6f6f</value></securityGroups></networkInterface></networkInterfaces>",
			path: eniE5 + "/vpc", id: "eni-e5e5e5e5", msg: "refers to unknown VPC vpc-99999999"},
		{name: "interface → unknown security group", old: "<subnet>subnet-33cc44dd</subnet><securityGroups><value>sg-5e5e5e5e</value>", new: "<subnet>subnet-33cc44dd</subnet><securityGroups><value>sg-77777777</value>",
			path: eniC3 + "/securityGroups/value[#1]", id: "eni-c3c3c3c3", msg: "refers to unknown security group sg-77777777"},
		{name: "instance → unknown security group", old: "</networkInterfaces><securityGroups><value>sg-5e5e5e5e</value>", new: "</networkInterfaces><securityGroups><value>sg-77777777</value>",
			path: inst1 + "/securityGroups/value[#1]", id: "i-01234567", msg: "refers to unknown security group sg-77777777"},
		{name: "instance → subnet of another VPC", old: "<vpc>vpc-4e5f6a7b</vpc><subnet>subnet-55ee66ff</subnet><networkInterfaces>", new: "<vpc>vpc-4e5f6a7b</vpc><subnet>subnet-11aa22bb</subnet><networkInterfaces>",
			path: inst4 + "/subnet", id: "i-3456789a", msg: "subnet subnet-11aa22bb belongs to vpc-0a1b2c3d, not vpc-4e5f6a7b"},
		{name: "route → IGW not attached to the VPC", old: "<internetGateways><value>igw-7a8b9c0d</value></internetGateways></vpc>", new: "<internetGateways/></vpc>",
			path: rtbA + "/routes/route[#2]/gatewayId", id: "rtb-1a1a1a1a", msg: "internet gateway igw-7a8b9c0d is not attached to vpc-0a1b2c3d"},
		{name: "route → IGW missing at top level", old: `<internetGateway name="igw-7a8b9c0d">` + owner + "</internetGateway>", new: "",
			path: rtbA + "/routes/route[#2]/gatewayId", id: "rtb-1a1a1a1a", msg: "refers to unknown internet gateway igw-7a8b9c0d"},
		{name: "VPC attachment → IGW missing at top level", old: `<internetGateway name="igw-7a8b9c0d">` + owner + "</internetGateway>", new: "",
			path: vpcA + "/internetGateways/value[#1]", id: "vpc-0a1b2c3d", msg: "refers to unknown internet gateway igw-7a8b9c0d"},
		{name: "IGW attached to two VPCs", old: "<natGateways/><internetGateways/>", new: "<natGateways/><internetGateways><value>igw-7a8b9c0d</value></internetGateways>",
			path: vpcB + "/internetGateways/value[#1]", id: "vpc-4e5f6a7b", msg: "internet gateway igw-7a8b9c0d is already attached to vpc-0a1b2c3d"},
		{name: "route → interface of another VPC", old: "<networkInterfaceId>eni-c3c3c3c3</networkInterfaceId>", new: "<networkInterfaceId>eni-d4d4d4d4</networkInterfaceId>",
			path: rtbA + "/routes/route[#3]/networkInterfaceId", id: "rtb-1a1a1a1a", msg: "network interface eni-d4d4d4d4 belongs to vpc-4e5f6a7b, not vpc-0a1b2c3d"},
		{name: "route → unknown interface", old: "<networkInterfaceId>eni-c3c3c3c3</networkInterfaceId>", new: "<networkInterfaceId>eni-00000000</networkInterfaceId>",
			path: rtbA + "/routes/route[#3]/networkInterfaceId", id: "rtb-1a1a1a1a", msg: "refers to unknown network interface eni-00000000"},
		{name: "route → unknown NAT gateway", old: "<natGatewayId>nat-0c1d2e3f4a5b6c7d8</natGatewayId>", new: "<natGatewayId>nat-0c1d2e3f4a5b6c7d9</natGatewayId>",
			path: rtbA + "/routes/route[#4]/natGatewayId", id: "rtb-1a1a1a1a", msg: "refers to unknown NAT gateway nat-0c1d2e3f4a5b6c7d9"},
		{name: "route → unsupported gateway", old: "<destinationCidr>172.16.0.0/16</destinationCidr><gatewayId>local</gatewayId>", new: "<destinationCidr>172.16.0.0/16</destinationCidr><gatewayId>vgw-12345678</gatewayId>",
			path: rtbB + "/routes/route[#1]/gatewayId", id: "rtb-2b2b2b2b", msg: `unsupported target "vgw-12345678"`},
		{name: "NAT gateway → subnet of another VPC", old: "<subnet>subnet-11aa22bb</subnet></natGateway>", new: "<subnet>subnet-55ee66ff</subnet></natGateway>",
			path: nat + "/subnet", id: "nat-0c1d2e3f4a5b6c7d8", msg: "subnet subnet-55ee66ff belongs to vpc-4e5f6a7b, not vpc-0a1b2c3d"},
		{name: "NAT gateway listed under another VPC", old: "<vpc>vpc-0a1b2c3d</vpc><subnet>subnet-11aa22bb</subnet></natGateway>", new: "<vpc>vpc-4e5f6a7b</vpc><subnet>subnet-11aa22bb</subnet></natGateway>",
			path: nat + "/vpc", id: "nat-0c1d2e3f4a5b6c7d8", msg: "is vpc-4e5f6a7b, but the NAT gateway is listed under vpc-0a1b2c3d"},
		{name: "rule → unknown group", old: "<groupId>sg-5e5e5e5e</groupId>", new: "<groupId>sg-77777777</groupId>",
			path: sg6 + "/ingressRules/rule[#1]/groupId", id: "sg-6f6f6f6f", msg: "refers to unknown security group sg-77777777"},
		{name: "VPC → unknown DHCP option set", old: "<dhcpOptionSet>dopt-4d4d4d4d</dhcpOptionSet>", new: "<dhcpOptionSet>dopt-00000000</dhcpOptionSet>",
			path: vpcA + "/dhcpOptionSet", id: "vpc-0a1b2c3d", msg: "refers to unknown DHCP option set dopt-00000000"},
		{name: "node → unknown instance", old: "<value>i-12345678</value></instanceIds>", new: "<value>i-99999999</value></instanceIds>",
			path: cluster + "/property[nodes]/node[10.111.5.70]/instanceIds/value[#2]", id: "10.111.5.70", msg: "refers to unknown instance i-99999999"},

		// Duplicates.
		{name: "duplicate subnet id", old: `<subnet name="subnet-33cc44dd">`, new: `<subnet name="subnet-11aa22bb">`,
			path: vpcA + "/subnets/subnet[subnet-11aa22bb]/@name", id: "subnet-11aa22bb", msg: "duplicate id subnet-11aa22bb, first used at " + vpcA + "/subnets/subnet[subnet-11aa22bb]"},
		{name: "duplicate interface id across instances", old: `<networkInterface name="eni-b2b2b2b2">`, new: `<networkInterface name="eni-a1a1a1a1">`,
			path: "instances/instance[i-12345678]/networkInterfaces/networkInterface[eni-a1a1a1a1]/@name", id: "eni-a1a1a1a1", msg: "duplicate id eni-a1a1a1a1, first used at " + inst1},
		{name: "duplicate security group", old: `<securityGroup name="sg-6f6f6f6f">`, new: `<securityGroup name="sg-5e5e5e5e">`,
			path: "securityGroups/securityGroup[sg-5e5e5e5e]/@name", id: "sg-5e5e5e5e", msg: "duplicate id sg-5e5e5e5e"},
		{name: "duplicate VPC", old: `<vpc name="vpc-4e5f6a7b">`, new: `<vpc name="vpc-0a1b2c3d">`,
			path: vpcA + "/@name", id: "vpc-0a1b2c3d", msg: "duplicate id vpc-0a1b2c3d, first used at vpcs/vpc[vpc-0a1b2c3d]"},
		{name: "duplicate ACL rule number", old: `<entry number="110">`, new: `<entry number="100">`,
			path: acl + "/ingressEntries/entry[100]/@number", id: "acl-3c3c3c3c", msg: "duplicate rule number 100"},
		{name: "instance placed on two nodes", old: "<value>i-12345678</value></instanceIds>", new: "<value>i-12345678</value><value>i-23456789</value></instanceIds>",
			path: cluster + "/property[nodes]/node[10.111.5.71]/instanceIds/value[#1]", id: "10.111.5.71", msg: "instance i-23456789 is also placed on 10.111.5.70"},
		{name: "duplicate node", old: `<node name="10.111.5.71">`, new: `<node name="10.111.5.70">`,
			path: cluster + "/property[nodes]/node[10.111.5.70]/@name", id: "10.111.5.70", msg: "duplicate node 10.111.5.70"},
		{name: "public IP on two interfaces", old: "<privateIp>10.0.1.12</privateIp><publicIp>10.116.150.12</publicIp><sourceDestCheck>", new: "<privateIp>10.0.1.12</privateIp><publicIp>10.116.150.11</publicIp><sourceDestCheck>",
			path: "instances/instance[i-12345678]/networkInterfaces/networkInterface[eni-b2b2b2b2]/publicIp", id: "eni-b2b2b2b2", msg: "public IP 10.116.150.11 is also held by " + inst1},
		{name: "private IP on two interfaces of a VPC", old: "<macAddress>d0:0d:b2:b2:b2:b2</macAddress><privateIp>10.0.1.12</privateIp><publicIp>10.116.150.12</publicIp><sourceDestCheck>", new: "<macAddress>d0:0d:b2:b2:b2:b2</macAddress><privateIp>10.0.1.11</privateIp><publicIp>10.116.150.12</publicIp><sourceDestCheck>",
			path: "instances/instance[i-12345678]/networkInterfaces/networkInterface[eni-b2b2b2b2]/privateIp", id: "eni-b2b2b2b2", msg: "private IP 10.0.1.11 is also used by"},
		{name: "two interfaces at one device index", old: "<deviceIndex>1</deviceIndex>", new: "<deviceIndex>0</deviceIndex>",
			path: eniE5 + "/deviceIndex", id: "eni-e5e5e5e5", msg: "device index 0 is also used by eni-d4d4d4d4"},

		// Mode, numbers, ids.
		{name: "EDGE mode", old: "<value>VPCMIDO</value>", new: "<value>EDGE</value>",
			path: "configuration/property[mode]", msg: `mode "EDGE" is not supported; midovpc implements VPCMIDO only`},
		{name: "ACL rule number 0", old: `<entry number="110">`, new: `<entry number="0">`,
			path: acl + "/ingressEntries/entry[#2]/@number", id: "acl-3c3c3c3c", msg: "missing rule number (or 0)"},
		{name: "ACL rule number too large", old: `<entry number="110">`, new: `<entry number="40000">`,
			path: acl + "/ingressEntries/entry[40000]/@number", id: "acl-3c3c3c3c", msg: "rule number 40000 is out of range 1..32767"},
		{name: "ACL ports reversed", old: "<portRangeFrom>1024</portRangeFrom><portRangeTo>65535</portRangeTo>", new: "<portRangeFrom>2000</portRangeFrom><portRangeTo>1024</portRangeTo>",
			path: acl + "/ingressEntries/entry[140]", id: "acl-3c3c3c3c", msg: "port range 2000-1024 is reversed"},
		{name: "ACL port too large", old: "<portRangeTo>65535</portRangeTo>", new: "<portRangeTo>65536</portRangeTo>",
			path: acl + "/ingressEntries/entry[140]/portRangeTo", id: "acl-3c3c3c3c", msg: "65536 is out of range 0..65535"},
		{name: "ACL port range half given", old: "<portRangeTo>80</portRangeTo>", new: "",
			path: acl + "/ingressEntries/entry[110]", id: "acl-3c3c3c3c", msg: "portRangeFrom and portRangeTo must be given together"},
		{name: "ACL ICMP type out of range", old: "<icmpType>-1</icmpType>", new: "<icmpType>256</icmpType>",
			path: acl + "/ingressEntries/entry[120]/icmpType", id: "acl-3c3c3c3c", msg: "256 is out of range -1..255"},
		{name: "ACL action", old: "<action>deny</action>", new: "<action>reject</action>",
			path: acl + "/ingressEntries/entry[32767]/action", id: "acl-3c3c3c3c", msg: `action "reject" is neither allow nor deny`},
		{name: "rule protocol out of range", old: "<protocol>6</protocol><fromPort>3306</fromPort>", new: "<protocol>300</protocol><fromPort>3306</fromPort>",
			path: sg6 + "/ingressRules/rule[#1]/protocol", id: "sg-6f6f6f6f", msg: "protocol 300 is out of range"},
		{name: "rule ports reversed", old: "<fromPort>3306</fromPort>", new: "<fromPort>3307</fromPort>",
			path: sg6 + "/ingressRules/rule[#1]", id: "sg-6f6f6f6f", msg: "port range 3307-3306 is reversed"},
		{name: "rule with group and CIDR", old: "<groupId>sg-6f6f6f6f</groupId>", new: "<groupId>sg-6f6f6f6f</groupId><cidr>10.0.0.0/8</cidr>",
			path: sg6 + "/ingressRules/rule[#2]", id: "sg-6f6f6f6f", msg: "both groupId and cidr are set"},
		{name: "upper-case VPC id", edit: all("vpc-4e5f6a7b", "vpc-4E5F6A7B"),
			path: "vpcs/vpc[vpc-4E5F6A7B]/@name", id: "vpc-4E5F6A7B", msg: `"vpc-4E5F6A7B" is not a valid VPC id (want vpc- and 8 or 17 lowercase hex digits)`},
		{name: "short NAT gateway id", edit: all("nat-0c1d2e3f4a5b6c7d8", "nat-0c1d2e3f"),
			path: vpcA + "/natGateways/natGateway[nat-0c1d2e3f]/@name", id: "nat-0c1d2e3f", msg: "want nat- and 17 lowercase hex digits"},
		{name: "nine-digit security group id", edit: all("sg-6f6f6f6f", "sg-6f6f6f6f6"),
			path: "securityGroups/securityGroup[sg-6f6f6f6f6]/@name", id: "sg-6f6f6f6f6", msg: "not a valid security group id"},
		{name: "short account id", old: owner, new: "<ownerId>12345</ownerId>",
			path: vpcA + "/ownerId", id: "vpc-0a1b2c3d", msg: `"12345" is not a valid account id (want 12 digits)`},
		{name: "upper-case version", old: `version="3f9c1e7a"`, new: `version="3F9C1E7A"`,
			path: "@version", msg: "not a valid version"},
		{name: "attachment id", old: "eni-attach-a1a1a1a1", new: "attach-a1a1a1a1",
			path: inst1 + "/networkInterfaces/networkInterface[eni-a1a1a1a1]/attachmentId", id: "eni-a1a1a1a1", msg: "not a valid attachment id"},

		// Gateways.
		{name: "BGP gateway without peer ASN", old: `<property name="bgpPeerAsn"><value>65000</value></property>`, new: "",
			path: gw1 + "/property[bgpPeerAsn]", id: "10.111.5.22", msg: "missing BGP peer AS number for bgpPeerIp 10.116.133.173"},
		{name: "BGP gateway without local ASN", old: `<property name="bgpAsn"><value>64512</value></property>`, new: "",
			path: "configuration/property[mido]/property[bgpAsn]", id: "10.111.5.22", msg: "missing local AS number (bgpAsn)"},
		{name: "gateway without host", old: `<property name="ip"><value>10.111.5.22</value></property>`, new: "",
			path: gw1 + "/property[ip]", msg: "missing gateway host"},
		{name: "gateway without upstream router", old: `<property name="bgpPeerIp"><value>10.116.133.173</value></property>`, new: "",
			path: gw1, id: "10.111.5.22", msg: "missing upstream router"},
		{name: "gateway with static and BGP peers", old: `<property name="bgpPeerIp">`, new: `<property name="externalRouterIp"><value>10.116.133.1</value></property><property name="bgpPeerIp">`,
			path: gw1, id: "10.111.5.22", msg: "both externalRouterIp and bgpPeerIp are set"},
		{name: "local ASN out of range", old: "<value>64512</value>", new: "<value>4294967296</value>",
			path: "configuration/property[mido]/property[bgpAsn]", msg: "AS number 4294967296 is out of range"},
		{name: "advertised route not a network", old: "<value>10.116.150.0/24</value>", new: "<value>10.116.150.1/24</value>",
			path: gw1 + "/property[bgpAdRoutes]/value[#1]", id: "10.111.5.22", msg: "host bits set"},

		// Conversion errors, reported by Parse.
		{name: "protocol not a number", old: "<protocol>6</protocol>", new: "<protocol>tcp</protocol>",
			path: acl + "/ingressEntries/entry[100]/protocol", id: "acl-3c3c3c3c", msg: `"tcp" is not an integer`},
		{name: "sourceDestCheck not a boolean", old: "<sourceDestCheck>false</sourceDestCheck>", new: "<sourceDestCheck>no</sourceDestCheck>",
			path: eniC3 + "/sourceDestCheck", id: "eni-c3c3c3c3", msg: `"no" is not a boolean`},
		{name: "deviceIndex not a number", old: "<deviceIndex>1</deviceIndex>", new: "<deviceIndex>one</deviceIndex>",
			path: eniE5 + "/deviceIndex", id: "eni-e5e5e5e5", msg: `"one" is not an integer`},
		{name: "mode with two values", old: "<value>VPCMIDO</value>", new: "<value>VPCMIDO</value><value>EDGE</value>",
			path: "configuration/property[mode]", msg: "has 2 values, want one"},
		{name: "port with trailing text", old: "<toPort>22</toPort>", new: "<toPort>22/tcp</toPort>",
			path: "securityGroups/securityGroup[sg-5e5e5e5e]/ingressRules/rule[#1]/toPort", id: "sg-5e5e5e5e", msg: `"22/tcp" is not an integer`},
	}
}

// parseAndValidate returns the first error of Parse, then Validate.
func parseAndValidate(data []byte) error {
	v, err := Parse(data)
	if err != nil {
		return err
	}
	return Validate(v)
}

func TestRejectBrokenViews(t *testing.T) {
	base := string(readFixture(t, "single-line"))
	for _, tc := range brokenCases() {
		t.Run(tc.name, func(t *testing.T) {
			doc := base
			if tc.edit != nil {
				doc = tc.edit(doc)
				if doc == base {
					t.Fatal("edit changed nothing")
				}
			} else {
				doc = replaceOnce(t, doc, tc.old, tc.new)
			}
			err := parseAndValidate([]byte(doc))
			var ve ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("error = %v (%T), want ValidationErrors", err, err)
			}
			for _, fe := range ve {
				if fe.Path == tc.path && fe.ID == tc.id && strings.Contains(fe.Message, tc.msg) {
					if !strings.Contains(err.Error(), tc.path+": "+fe.Message) {
						t.Errorf("Error() does not list %q:\n%s", fe, err)
					}
					return
				}
			}
			t.Errorf("no error at %s (id %q) mentioning %q; got:\n%v", tc.path, tc.id, tc.msg, err)
		})
	}
}

// Every problem is reported, not only the first, and in document order.
func TestValidateCollectsAllErrors(t *testing.T) {
	doc := string(readFixture(t, "single-line"))
	doc = strings.Replace(doc, "<value>VPCMIDO</value>", "<value>EDGE</value>", 1)
	doc = strings.Replace(doc, "<cidr>10.0.1.0/24</cidr>", "<cidr>10.0.1.0/33</cidr>", 1)
	doc = strings.Replace(doc, "<groupId>sg-5e5e5e5e</groupId>", "<groupId>sg-77777777</groupId>", 1)
	err := parseAndValidate([]byte(doc))
	want := []string{
		`configuration/property[mode]: mode "EDGE" is not supported; midovpc implements VPCMIDO only`,
		`vpcs/vpc[vpc-0a1b2c3d]/subnets/subnet[subnet-11aa22bb]/cidr: "10.0.1.0/33" is not a valid CIDR`,
		`securityGroups/securityGroup[sg-6f6f6f6f]/ingressRules/rule[#1]/groupId: refers to unknown security group sg-77777777`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("errors:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
}

// A generator gone wrong can produce thousands of errors; the list stays bounded.
func TestValidateBoundsErrors(t *testing.T) {
	doc := string(readFixture(t, "empty-lists"))
	var b strings.Builder
	b.WriteString("<instances>")
	for i := range 250 {
		fmt.Fprintf(&b, `<instance name="i-%08x"><ownerId>123456789012</ownerId><privateIp>10.0.0.%d/24</privateIp><securityGroups><value>sg-00000000</value></securityGroups></instance>`, i, i)
	}
	b.WriteString("</instances>")
	doc = replaceOnce(t, doc, "<instances/>", b.String())
	err := parseAndValidate([]byte(doc))
	var ve ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v", err)
	}
	if len(ve) != MaxErrors+1 {
		t.Fatalf("%d errors, want %d and a summary", len(ve), MaxErrors+1)
	}
	// Two errors per instance (address, group), 500 in all.
	if last := ve[MaxErrors]; last.Message != "400 more errors not shown" {
		t.Errorf("summary = %q", last.Message)
	}
}

func TestValidateNil(t *testing.T) {
	if err := Validate(nil); err == nil {
		t.Error("Validate(nil) passed")
	}
}

// Validate must not change the view it checks.
func TestValidateIsReadOnly(t *testing.T) {
	v := parseValid(t, readFixture(t, "v41-flat"))
	before := fmt.Sprintf("%#v", v)
	_ = Validate(v)
	if after := fmt.Sprintf("%#v", v); after != before {
		t.Error("Validate modified the view")
	}
}
