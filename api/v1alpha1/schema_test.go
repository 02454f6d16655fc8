package v1alpha1_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/testenv"
)

var nsCounter int

func newNamespace() string {
	nsCounter++
	name := fmt.Sprintf("schema-%d", nsCounter)
	Expect(k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})).To(Succeed())
	return name
}

// sampleObjects reads every resource of config/samples.
func sampleObjects() []*unstructured.Unstructured {
	root, err := testenv.RepoRoot()
	Expect(err).NotTo(HaveOccurred())
	files, err := filepath.Glob(filepath.Join(root, "config", "samples", "vpc_v1alpha1_*.yaml"))
	Expect(err).NotTo(HaveOccurred())
	Expect(files).NotTo(BeEmpty())
	var objs []*unstructured.Unstructured
	for _, f := range files {
		data, err := os.ReadFile(f)
		Expect(err).NotTo(HaveOccurred())
		for _, doc := range strings.Split(string(data), "\n---\n") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			u := &unstructured.Unstructured{}
			Expect(yaml.Unmarshal([]byte(doc), &u.Object)).To(Succeed(), f)
			objs = append(objs, u)
		}
	}
	return objs
}

var _ = Describe("config/samples", func() {
	It("are all accepted", func() {
		ns := newNamespace()
		kinds := map[string]bool{}
		for _, u := range sampleObjects() {
			if u.GetKind() != "CoreNetwork" {
				u.SetNamespace(ns)
			}
			Expect(k8s.Create(ctx, u)).To(Succeed(), "%s %s", u.GetKind(), u.GetName())
			kinds[u.GetKind()] = true
		}
		Expect(kinds).To(HaveLen(11), "one sample per kind")
	})
})

// invalid is one object the API server must refuse, and the words the refusal must contain.
type invalid struct {
	obj  func(ns string) client.Object
	want []string
}

func meta(ns, name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: ns, Name: name} }

func ptr[T any](v T) *T { return &v }

var _ = DescribeTable("invalid objects are rejected with a message naming the field",
	func(c invalid) {
		ns := newNamespace()
		err := k8s.Create(ctx, c.obj(ns))
		Expect(err).To(HaveOccurred())
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "got %v", err)
		for _, w := range c.want {
			Expect(err.Error()).To(ContainSubstring(w))
		}
	},
	Entry("a VPC with a bad CIDR", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.Vpc{ObjectMeta: meta(ns, "vpc-00000001"), Spec: vpcv1.VpcSpec{CIDR: "10.0.0.0/33"}}
		},
		want: []string{"spec.cidr", "IPv4 CIDR"},
	}),
	Entry("a VPC with an IPv6 CIDR", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.Vpc{ObjectMeta: meta(ns, "vpc-00000001"), Spec: vpcv1.VpcSpec{CIDR: "fd00::/64"}}
		},
		want: []string{"spec.cidr"},
	}),
	Entry("a subnet too small for its router and DNS addresses", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.Subnet{ObjectMeta: meta(ns, "subnet-00000001"), Spec: vpcv1.SubnetSpec{VPC: "vpc-00000001", CIDR: "10.0.0.0/30"}}
		},
		want: []string{"spec.cidr", "at least 16 addresses: /28 or larger"},
	}),
	Entry("an interface with a bad private IP", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NetworkInterface{ObjectMeta: meta(ns, "eni-00000001"), Spec: vpcv1.NetworkInterfaceSpec{
				Subnet: "subnet-00000001", MACAddress: "d0:0d:00:00:00:01", PrivateIP: "10.0.1.300"}}
		},
		want: []string{"spec.privateIP", "IPv4 address"},
	}),
	Entry("an interface with a bad MAC", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NetworkInterface{ObjectMeta: meta(ns, "eni-00000001"), Spec: vpcv1.NetworkInterfaceSpec{
				Subnet: "subnet-00000001", MACAddress: "d0:0d:00:00:00", PrivateIP: "10.0.1.5"}}
		},
		want: []string{"spec.macAddress", "must be a MAC address, six pairs of hex digits separated by colons such as d0:0d:12:34:56:78"},
	}),
	Entry("an interface with a broadcast MAC", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NetworkInterface{ObjectMeta: meta(ns, "eni-00000001"), Spec: vpcv1.NetworkInterfaceSpec{
				Subnet: "subnet-00000001", MACAddress: "ff:ff:ff:ff:ff:ff", PrivateIP: "10.0.1.5"}}
		},
		want: []string{"spec.macAddress", "must be a unicast MAC address"},
	}),
	Entry("a NAT gateway with a multicast MAC", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NatGateway{ObjectMeta: meta(ns, "nat-00000000000000001"), Spec: vpcv1.NatGatewaySpec{
				Subnet: "subnet-00000001", MACAddress: "01:00:5e:00:00:fb", PrivateIP: "10.0.1.5"}}
		},
		want: []string{"spec.macAddress", "must be a unicast MAC address"},
	}),
	Entry("an interface with a MAC of MidoNet's router ports", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NetworkInterface{ObjectMeta: meta(ns, "eni-00000001"), Spec: vpcv1.NetworkInterfaceSpec{
				Subnet: "subnet-00000001", MACAddress: "AC:CA:BA:65:0b:e7", PrivateIP: "10.0.1.5"}}
		},
		want: []string{"spec.macAddress", "must not be in MidoNet's range for router ports (ac:ca:ba:…)"},
	}),
	Entry("a VPC CIDR with host bits", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.Vpc{ObjectMeta: meta(ns, "vpc-00000001"), Spec: vpcv1.VpcSpec{CIDR: "10.30.1.5/16"}}
		},
		want: []string{"spec.cidr", "must be a network address without host bits, such as 10.30.0.0/16"},
	}),
	Entry("a subnet CIDR with host bits", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.Subnet{ObjectMeta: meta(ns, "subnet-00000001"), Spec: vpcv1.SubnetSpec{VPC: "vpc-00000001", CIDR: "10.0.1.7/24"}}
		},
		want: []string{"spec.cidr", "must be a network address without host bits"},
	}),
	Entry("a route destination with host bits", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.RouteTable{ObjectMeta: meta(ns, "rtb-00000001"), Spec: vpcv1.RouteTableSpec{VPC: "vpc-00000001",
				Routes: []vpcv1.Route{{DestinationCIDR: "198.51.100.9/24", InternetGateway: ptr("igw-00000001")}}}}
		},
		want: []string{"spec.routes[0].destinationCIDR", "must be a network address without host bits"},
	}),
	Entry("an advertised BGP route with host bits", invalid{
		obj: func(string) client.Object {
			return &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: vpcv1.CoreNetworkSpec{
				Gateways: []vpcv1.Gateway{{HostIP: ptr(vpcv1.IPv4("10.0.0.1")), ExternalDevice: "eth1", ExternalCIDR: "192.0.2.0/24",
					ExternalIP: "192.0.2.2", BGPPeerIP: ptr(vpcv1.IPv4("192.0.2.1")), BGPPeerASN: ptr(int64(65000)),
					AdvertisedRoutes: []vpcv1.CIDR{"203.0.113.0/24", "198.51.100.7/24"}}}}}
		},
		want: []string{"spec.gateways[0].advertisedRoutes", "must be network addresses without host bits"},
	}),
	Entry("a subnet whose CIDR is not a CIDR", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.Subnet{ObjectMeta: meta(ns, "subnet-00000001"), Spec: vpcv1.SubnetSpec{VPC: "vpc-00000001", CIDR: "10.0.1.0"}}
		},
		want: []string{"spec.cidr", "must be an IPv4 CIDR such as 10.0.0.0/16"},
	}),
	Entry("an interface with a security group that is not a group id", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NetworkInterface{ObjectMeta: meta(ns, "eni-00000001"), Spec: vpcv1.NetworkInterfaceSpec{
				Subnet: "subnet-00000001", MACAddress: "d0:0d:00:00:00:01", PrivateIP: "10.0.1.5",
				SecurityGroups: []string{"sg-00000001", "default", "SG-00000002"}}}
		},
		want: []string{"spec.securityGroups", "must be security group ids, sg- followed by 8 or 17 lowercase hex digits"},
	}),
	Entry("a rule naming a group by something other than its id", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.SecurityGroup{ObjectMeta: meta(ns, "sg-00000001"), Spec: vpcv1.SecurityGroupSpec{
				Ingress: []vpcv1.SecurityGroupRule{{Protocol: "all", SecurityGroup: ptr("web-servers")}}}}
		},
		want: []string{"spec.ingress[0].securityGroup", "must be a security group id, sg- followed by 8 or 17 lowercase hex digits"},
	}),
	Entry("a security group port range with from > to", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.SecurityGroup{ObjectMeta: meta(ns, "sg-00000001"), Spec: vpcv1.SecurityGroupSpec{
				Ingress: []vpcv1.SecurityGroupRule{{Protocol: "tcp", Ports: &vpcv1.PortRange{From: 90, To: 80}}}}}
		},
		want: []string{"spec.ingress[0].ports", "from must not be greater than to"},
	}),
	Entry("a port above 65535", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.SecurityGroup{ObjectMeta: meta(ns, "sg-00000001"), Spec: vpcv1.SecurityGroupSpec{
				Egress: []vpcv1.SecurityGroupRule{{Protocol: "udp", Ports: &vpcv1.PortRange{From: 1, To: 70000}}}}}
		},
		want: []string{"spec.egress[0].ports.to"},
	}),
	Entry("an unknown protocol", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.SecurityGroup{ObjectMeta: meta(ns, "sg-00000001"), Spec: vpcv1.SecurityGroupSpec{
				Ingress: []vpcv1.SecurityGroupRule{{Protocol: "sctpx"}}}}
		},
		want: []string{"spec.ingress[0].protocol"},
	}),
	Entry("a protocol number above 255", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NetworkAcl{ObjectMeta: meta(ns, "acl-00000001"), Spec: vpcv1.NetworkAclSpec{VPC: "vpc-00000001",
				Ingress: []vpcv1.NetworkAclEntry{{RuleNumber: 1, Protocol: "256", Action: "allow", CIDR: "0.0.0.0/0"}}}}
		},
		want: []string{"spec.ingress[0].protocol"},
	}),
	Entry("ports on an icmp rule", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.SecurityGroup{ObjectMeta: meta(ns, "sg-00000001"), Spec: vpcv1.SecurityGroupSpec{
				Ingress: []vpcv1.SecurityGroupRule{{Protocol: "icmp", Ports: &vpcv1.PortRange{From: 1, To: 2}}}}}
		},
		want: []string{"spec.ingress[0]", "ports apply only to tcp and udp"},
	}),
	Entry("a rule with both a CIDR and a group", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.SecurityGroup{ObjectMeta: meta(ns, "sg-00000001"), Spec: vpcv1.SecurityGroupSpec{
				Ingress: []vpcv1.SecurityGroupRule{{Protocol: "all", CIDR: ptr(vpcv1.CIDR("0.0.0.0/0")), SecurityGroup: ptr("sg-00000002")}}}}
		},
		want: []string{"spec.ingress[0]", "mutually exclusive"},
	}),
	Entry("a route with two targets", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.RouteTable{ObjectMeta: meta(ns, "rtb-00000001"), Spec: vpcv1.RouteTableSpec{VPC: "vpc-00000001",
				Routes: []vpcv1.Route{{DestinationCIDR: "0.0.0.0/0", InternetGateway: ptr("igw-00000001"), NatGateway: ptr("nat-00000000000000001")}}}}
		},
		want: []string{"spec.routes[0]", "exactly one target"},
	}),
	Entry("a route with no target", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.RouteTable{ObjectMeta: meta(ns, "rtb-00000001"), Spec: vpcv1.RouteTableSpec{VPC: "vpc-00000001",
				Routes: []vpcv1.Route{{DestinationCIDR: "0.0.0.0/0"}}}}
		},
		want: []string{"spec.routes[0]", "exactly one target"},
	}),
	Entry("an ACL rule number out of range", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NetworkAcl{ObjectMeta: meta(ns, "acl-00000001"), Spec: vpcv1.NetworkAclSpec{VPC: "vpc-00000001",
				Egress: []vpcv1.NetworkAclEntry{{RuleNumber: 32767, Protocol: "all", Action: "deny", CIDR: "0.0.0.0/0"}}}}
		},
		want: []string{"spec.egress[0].ruleNumber"},
	}),
	Entry("two ACL entries with one rule number", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NetworkAcl{ObjectMeta: meta(ns, "acl-00000001"), Spec: vpcv1.NetworkAclSpec{VPC: "vpc-00000001",
				Ingress: []vpcv1.NetworkAclEntry{
					{RuleNumber: 100, Protocol: "all", Action: "deny", CIDR: "0.0.0.0/0"},
					{RuleNumber: 100, Protocol: "tcp", Action: "allow", CIDR: "10.0.0.0/8"}}}}
		},
		want: []string{"spec.ingress[1]", "Duplicate value"},
	}),
	Entry("an ACL action other than allow or deny", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NetworkAcl{ObjectMeta: meta(ns, "acl-00000001"), Spec: vpcv1.NetworkAclSpec{VPC: "vpc-00000001",
				Ingress: []vpcv1.NetworkAclEntry{{RuleNumber: 1, Protocol: "all", Action: "reject", CIDR: "0.0.0.0/0"}}}}
		},
		want: []string{"spec.ingress[0].action"},
	}),
	Entry("a gateway with both static and BGP routing", invalid{
		obj: func(string) client.Object {
			return &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: vpcv1.CoreNetworkSpec{
				Gateways: []vpcv1.Gateway{{HostIP: ptr(vpcv1.IPv4("10.0.0.1")), ExternalDevice: "eth1", ExternalCIDR: "192.0.2.0/24",
					ExternalIP: "192.0.2.2", ExternalRouterIP: ptr(vpcv1.IPv4("192.0.2.1")), BGPPeerIP: ptr(vpcv1.IPv4("192.0.2.1")),
					BGPPeerASN: ptr(int64(65000))}}}}
		},
		want: []string{"spec.gateways[0]", "exactly one of externalRouterIP"},
	}),
	Entry("a 4-byte private AS number MidoNet cannot hold", invalid{
		obj: func(string) client.Object {
			return &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: vpcv1.CoreNetworkSpec{BGPASN: ptr(int64(4200000000)),
				Gateways: []vpcv1.Gateway{{HostIP: ptr(vpcv1.IPv4("10.0.0.1")), ExternalDevice: "eth1", ExternalCIDR: "192.0.2.0/24",
					ExternalIP: "192.0.2.2", BGPPeerIP: ptr(vpcv1.IPv4("192.0.2.1")), BGPPeerASN: ptr(int64(4200000001))}}}}
		},
		want: []string{"spec.bgpASN", "spec.gateways[0].bgpPeerASN", "MidoNet keeps AS numbers as 32-bit signed integers: at most 2147483647"},
	}),
	Entry("a VPC whose name is not a cloud id", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.Vpc{ObjectMeta: meta(ns, "my-vpc"), Spec: vpcv1.VpcSpec{CIDR: "10.0.0.0/16"}}
		},
		want: []string{"metadata.name must be the cloud id, vpc- followed by 8 or 17 lowercase hex digits"},
	}),
	Entry("a NAT gateway with a short id", invalid{
		obj: func(ns string) client.Object {
			return &vpcv1.NatGateway{ObjectMeta: meta(ns, "nat-0c1d2e3f"), Spec: vpcv1.NatGatewaySpec{
				Subnet: "subnet-00000001", MACAddress: "d0:0d:00:00:00:01", PrivateIP: "10.0.1.5"}}
		},
		want: []string{"metadata.name", "nat- followed by 17 lowercase hex digits"},
	}),
	Entry("a CoreNetwork not named default", invalid{
		obj: func(string) client.Object {
			return &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: "other"}}
		},
		want: []string{"metadata.name must be default"},
	}),
)

var _ = Describe("immutable fields", func() {
	It("refuses to change a VPC's CIDR", func() {
		ns := newNamespace()
		vpc := &vpcv1.Vpc{ObjectMeta: meta(ns, "vpc-00000001"), Spec: vpcv1.VpcSpec{CIDR: "10.0.0.0/16"}}
		Expect(k8s.Create(ctx, vpc)).To(Succeed())
		vpc.Spec.CIDR = "10.1.0.0/16"
		err := k8s.Update(ctx, vpc)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "got %v", err)
		Expect(err.Error()).To(ContainSubstring("spec.cidr"))
		Expect(err.Error()).To(ContainSubstring("cidr is immutable"))
	})

	It("refuses to move a subnet to another VPC or change its CIDR, but allows a new route table", func() {
		ns := newNamespace()
		sn := &vpcv1.Subnet{ObjectMeta: meta(ns, "subnet-00000001"), Spec: vpcv1.SubnetSpec{VPC: "vpc-00000001", CIDR: "10.0.1.0/24"}}
		Expect(k8s.Create(ctx, sn)).To(Succeed())

		moved := sn.DeepCopy()
		moved.Spec.VPC = "vpc-00000002"
		err := k8s.Update(ctx, moved)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "got %v", err)
		Expect(err.Error()).To(ContainSubstring("vpc is immutable"))

		resized := sn.DeepCopy()
		resized.Spec.CIDR = "10.0.1.0/25"
		err = k8s.Update(ctx, resized)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "got %v", err)
		Expect(err.Error()).To(ContainSubstring("cidr is immutable"))

		sn.Spec.RouteTable = "rtb-00000002"
		Expect(k8s.Update(ctx, sn)).To(Succeed())
	})
})

var _ = Describe("defaults", func() {
	It("turns on source/dest check and metadata unless told otherwise", func() {
		ns := newNamespace()
		eni := &vpcv1.NetworkInterface{ObjectMeta: meta(ns, "eni-00000001"), Spec: vpcv1.NetworkInterfaceSpec{
			Subnet: "subnet-00000001", MACAddress: "d0:0d:00:00:00:01", PrivateIP: "10.0.1.5"}}
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("vpc.midovpc.io/v1alpha1")
		u.SetKind("NetworkInterface")
		u.SetNamespace(ns)
		u.SetName("eni-00000001")
		Expect(unstructured.SetNestedMap(u.Object, map[string]any{
			"subnet": "subnet-00000001", "macAddress": "d0:0d:00:00:00:01", "privateIP": "10.0.1.5"}, "spec")).To(Succeed())
		Expect(k8s.Create(ctx, u)).To(Succeed())
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(eni), eni)).To(Succeed())
		Expect(eni.Spec.SourceDestCheck).To(BeTrue())
	})
})

var _ = Describe("kubectl explain", func() {
	It("tells that a resource's name is its cloud id", func() {
		for kind, want := range map[string]string{
			"vpcs": "vpc- followed by 8 or 17", "subnets": "subnet- followed by", "securitygroups": "sg- followed by",
			"networkinterfaces": "eni- followed by", "natgateways": "nat- followed by 17", "routetables": "rtb- followed by",
			"internetgateways": "igw- followed by", "networkacls": "acl- followed by", "dhcpoptionsets": "dopt- followed by",
		} {
			crd := &unstructured.Unstructured{}
			crd.SetAPIVersion("apiextensions.k8s.io/v1")
			crd.SetKind("CustomResourceDefinition")
			Expect(k8s.Get(ctx, client.ObjectKey{Name: kind + ".vpc.midovpc.io"}, crd)).To(Succeed())
			versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
			Expect(versions).To(HaveLen(1))
			desc, _, _ := unstructured.NestedString(versions[0].(map[string]any), "schema", "openAPIV3Schema", "description")
			Expect(desc).To(ContainSubstring("The name is the cloud id: "+want), kind)
		}
	})
})
