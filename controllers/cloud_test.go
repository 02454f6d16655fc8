package controllers_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/midonet"
)

// cloud is one small VPC of the test cloud: a subnet routed to an internet gateway, an ACL,
// a security group, an interface on node 10.111.5.70 and an elastic IP.
type cloud struct {
	ns                                  string
	n                                   int
	vpc, subnet, rtb, igw, acl, sg, eni string
	instance, eip                       string
	publicIP                            string
}

var cloudSeq atomic.Int32

func hexID(prefix string, n int) string { return fmt.Sprintf("%s-%08x", prefix, n) }

func newCloud() *cloud {
	n := int(cloudSeq.Add(1))
	c := &cloud{
		ns: fmt.Sprintf("cloud-%d", n), n: n,
		vpc: hexID("vpc", n), subnet: hexID("subnet", n), rtb: hexID("rtb", n), igw: hexID("igw", n),
		acl: hexID("acl", n), sg: hexID("sg", n), eni: hexID("eni", n), instance: hexID("i", n),
		eip: fmt.Sprintf("eip-10-116-150-%d", 10+n), publicIP: fmt.Sprintf("10.116.150.%d", 10+n),
	}
	return c
}

func ensureCoreNetwork() {
	cn := &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: vpcv1.CoreNetworkSpec{
		InstanceDNSDomain: "eucalyptus.internal", InstanceDNSServers: []vpcv1.IPv4{"10.111.5.11"},
		EnabledCLCIP: "10.111.5.11", MetadataEnabled: true, BGPASN: ptr(int64(64512)),
		Gateways: []vpcv1.Gateway{{HostIP: ptr(vpcv1.IPv4("10.111.5.22")), ExternalDevice: "em1.116", ExternalCIDR: "10.116.128.0/17",
			ExternalIP: "10.116.133.11", BGPPeerIP: ptr(vpcv1.IPv4("10.116.133.173")), BGPPeerASN: ptr(int64(65000)),
			AdvertisedRoutes: []vpcv1.CIDR{"10.116.150.0/24"}}},
		Nodes: []vpcv1.Node{{Name: "10.111.5.70"}, {Name: "10.111.5.71"}},
	}}
	err := k8s.Create(suiteCtx, cn)
	if err != nil && !apierrors.IsAlreadyExists(err) {
		Expect(err).NotTo(HaveOccurred())
	}
}

func ptr[T any](v T) *T { return &v }

// objects are the cloud's resources, parents first.
func (c *cloud) objects() []client.Object {
	m := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: c.ns, Name: name} }
	cidr := fmt.Sprintf("10.%d.0.0/16", c.n)
	snCIDR := fmt.Sprintf("10.%d.1.0/24", c.n)
	ip := fmt.Sprintf("10.%d.1.10", c.n)
	return []client.Object{
		&vpcv1.Vpc{ObjectMeta: m(c.vpc), Spec: vpcv1.VpcSpec{CIDR: vpcv1.CIDR(cidr)}},
		&vpcv1.InternetGateway{ObjectMeta: m(c.igw), Spec: vpcv1.InternetGatewaySpec{VPC: c.vpc}},
		&vpcv1.RouteTable{ObjectMeta: m(c.rtb), Spec: vpcv1.RouteTableSpec{VPC: c.vpc, Routes: []vpcv1.Route{
			{DestinationCIDR: vpcv1.CIDR(cidr), Local: ptr(true)},
			{DestinationCIDR: "0.0.0.0/0", InternetGateway: ptr(c.igw)}}}},
		&vpcv1.NetworkAcl{ObjectMeta: m(c.acl), Spec: vpcv1.NetworkAclSpec{VPC: c.vpc,
			Ingress: []vpcv1.NetworkAclEntry{{RuleNumber: 100, Protocol: "all", Action: "allow", CIDR: "0.0.0.0/0"}},
			Egress:  []vpcv1.NetworkAclEntry{{RuleNumber: 100, Protocol: "all", Action: "allow", CIDR: "0.0.0.0/0"}}}},
		&vpcv1.Subnet{ObjectMeta: m(c.subnet), Spec: vpcv1.SubnetSpec{VPC: c.vpc, CIDR: vpcv1.CIDR(snCIDR),
			RouteTable: c.rtb, NetworkACL: c.acl}},
		&vpcv1.SecurityGroup{ObjectMeta: m(c.sg), Spec: vpcv1.SecurityGroupSpec{VPC: c.vpc,
			Ingress: []vpcv1.SecurityGroupRule{{Protocol: "tcp", Ports: &vpcv1.PortRange{From: 22, To: 22}, CIDR: ptr(vpcv1.CIDR("0.0.0.0/0"))}},
			Egress:  []vpcv1.SecurityGroupRule{{Protocol: "all", CIDR: ptr(vpcv1.CIDR("0.0.0.0/0"))}}}},
		&vpcv1.NetworkInterface{ObjectMeta: m(c.eni), Spec: vpcv1.NetworkInterfaceSpec{Subnet: c.subnet,
			InstanceID: c.instance, MACAddress: vpcv1.MAC(fmt.Sprintf("d0:0d:00:00:00:%02x", c.n)),
			PrivateIP: vpcv1.IPv4(ip), SecurityGroups: []string{c.sg}, SourceDestCheck: true, Node: "10.111.5.70"}},
		&vpcv1.ElasticIP{ObjectMeta: m(c.eip), Spec: vpcv1.ElasticIPSpec{PublicIP: vpcv1.IPv4(c.publicIP), NetworkInterface: c.eni}},
	}
}

func (c *cloud) create() {
	ensureCoreNetwork()
	Expect(k8s.Create(suiteCtx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: c.ns}})).To(Succeed())
	for _, o := range c.objects() {
		Expect(k8s.Create(suiteCtx, o)).To(Succeed(), "%T %s", o, o.GetName())
	}
}

// waitReady waits until every resource of the cloud, and the CoreNetwork, is Ready.
func (c *cloud) waitReady() {
	waitAllReady(append(c.objects(), &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: "default"}})...)
}

// waitAllReady waits until each object is Ready for its current generation.
func waitAllReady(objs ...client.Object) {
	GinkgoHelper()
	Eventually(func() []string {
		var notReady []string
		for _, o := range objs {
			if err := k8s.Get(suiteCtx, client.ObjectKeyFromObject(o), o); err != nil {
				notReady = append(notReady, err.Error())
				continue
			}
			s := o.(interface {
				GetReconcileStatus() *vpcv1.ReconcileStatus
			}).GetReconcileStatus()
			if !vpcv1.IsReady(o.GetGeneration(), s) {
				notReady = append(notReady, fmt.Sprintf("%T %s: %v", o, o.GetName(), s.Conditions))
			}
		}
		return notReady
	}, 60*time.Second, 200*time.Millisecond).Should(BeEmpty())
}

// names lists the names of the tenant's routers, bridges and chains, and of every IP address
// group.
func midonetNames() []string {
	var names []string
	routers, err := mn.ListRouters(suiteCtx, tenant)
	Expect(err).NotTo(HaveOccurred())
	for _, r := range routers {
		names = append(names, "router:"+r.Name)
	}
	bridges, err := mn.ListBridges(suiteCtx, tenant)
	Expect(err).NotTo(HaveOccurred())
	for _, b := range bridges {
		names = append(names, "bridge:"+b.Name)
	}
	chains, err := mn.ListChains(suiteCtx, tenant)
	Expect(err).NotTo(HaveOccurred())
	for _, ch := range chains {
		names = append(names, "chain:"+ch.Name)
	}
	groups, err := mn.ListIPAddrGroups(suiteCtx)
	Expect(err).NotTo(HaveOccurred())
	for _, g := range groups {
		names = append(names, "group:"+g.Name)
	}
	return names
}

// mentioning keeps the names that contain one of the ids.
func mentioning(names []string, ids ...string) []string {
	var out []string
	for _, n := range names {
		for _, id := range ids {
			if strings.Contains(n, id) {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

func chainByName(name string) midonet.Chain {
	chains, err := mn.ListChains(suiteCtx, tenant)
	Expect(err).NotTo(HaveOccurred())
	for _, ch := range chains {
		if ch.Name == name {
			return ch
		}
	}
	Fail("no chain " + name)
	return midonet.Chain{}
}

func objMeta(ns, name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: ns, Name: name} }

func metaItems(l client.ObjectList) ([]client.Object, error) {
	objs, err := apimeta.ExtractList(l)
	if err != nil {
		return nil, err
	}
	out := make([]client.Object, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.(client.Object))
	}
	return out, nil
}

// clearStatus empties an object's status.
func clearStatus(o client.Object) {
	switch x := o.(type) {
	case *vpcv1.CoreNetwork:
		x.Status = vpcv1.CoreNetworkStatus{}
	case *vpcv1.Vpc:
		x.Status = vpcv1.VpcStatus{}
	case *vpcv1.Subnet:
		x.Status = vpcv1.SubnetStatus{}
	case *vpcv1.SecurityGroup:
		x.Status = vpcv1.SecurityGroupStatus{}
	case *vpcv1.NetworkInterface:
		x.Status = vpcv1.NetworkInterfaceStatus{}
	case *vpcv1.ElasticIP:
		x.Status = vpcv1.ElasticIPStatus{}
	case *vpcv1.RouteTable:
		x.Status = vpcv1.RouteTableStatus{}
	case *vpcv1.InternetGateway:
		x.Status = vpcv1.InternetGatewayStatus{}
	case *vpcv1.NatGateway:
		x.Status = vpcv1.NatGatewayStatus{}
	case *vpcv1.NetworkAcl:
		x.Status = vpcv1.NetworkAclStatus{}
	case *vpcv1.DhcpOptionSet:
		x.Status = vpcv1.DhcpOptionSetStatus{}
	}
}
