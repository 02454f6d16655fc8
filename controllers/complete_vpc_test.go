package controllers_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/midonet"
)

// A complete VPC: a public subnet routed to an internet gateway, a private subnet routed
// through a NAT gateway and filtered by an ACL with allow and deny entries, a DHCP option
// set, and an instance with two interfaces (the second with an elastic IP).
var _ = Describe("a complete VPC", Ordered, func() {
	const (
		ns      = "complete"
		vpc     = "vpc-0c0c0c0c"
		public  = "subnet-0c0c0001"
		private = "subnet-0c0c0002"
		rtbPub  = "rtb-0c0c0001"
		rtbPriv = "rtb-0c0c0002"
		igw     = "igw-0c0c0c0c"
		nat     = "nat-0c0c0c0c0c0c0c0c0"
		acl     = "acl-0c0c0c0c"
		dopt    = "dopt-0c0c0c0c"
		sg      = "sg-0c0c0c0c"
		inst    = "i-0c0c0c0c"
		eni0    = "eni-0c0c0000"
		eni1    = "eni-0c0c0001"
	)
	m := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: ns, Name: name} }
	objects := func() []client.Object {
		return []client.Object{
			&vpcv1.DhcpOptionSet{ObjectMeta: m(dopt), Spec: vpcv1.DhcpOptionSetSpec{DomainName: "corp.example", DomainNameServers: []vpcv1.IPv4{"10.12.0.2"}}},
			&vpcv1.Vpc{ObjectMeta: m(vpc), Spec: vpcv1.VpcSpec{CIDR: "10.12.0.0/16", DHCPOptionSet: dopt}},
			&vpcv1.InternetGateway{ObjectMeta: m(igw), Spec: vpcv1.InternetGatewaySpec{VPC: vpc}},
			&vpcv1.RouteTable{ObjectMeta: m(rtbPub), Spec: vpcv1.RouteTableSpec{VPC: vpc, Routes: []vpcv1.Route{
				{DestinationCIDR: "10.12.0.0/16", Local: ptr(true)}, {DestinationCIDR: "0.0.0.0/0", InternetGateway: ptr(igw)}}}},
			&vpcv1.RouteTable{ObjectMeta: m(rtbPriv), Spec: vpcv1.RouteTableSpec{VPC: vpc, Routes: []vpcv1.Route{
				{DestinationCIDR: "10.12.0.0/16", Local: ptr(true)}, {DestinationCIDR: "0.0.0.0/0", NatGateway: ptr(nat)}}}},
			&vpcv1.NetworkAcl{ObjectMeta: m(acl), Spec: vpcv1.NetworkAclSpec{VPC: vpc,
				Ingress: []vpcv1.NetworkAclEntry{
					{RuleNumber: 200, Protocol: "all", Action: "allow", CIDR: "0.0.0.0/0"},
					{RuleNumber: 100, Protocol: "tcp", Action: "deny", CIDR: "192.0.2.0/24", Ports: &vpcv1.PortRange{From: 22, To: 22}}},
				Egress: []vpcv1.NetworkAclEntry{{RuleNumber: 100, Protocol: "all", Action: "allow", CIDR: "0.0.0.0/0"}}}},
			&vpcv1.Subnet{ObjectMeta: m(public), Spec: vpcv1.SubnetSpec{VPC: vpc, CIDR: "10.12.1.0/24", RouteTable: rtbPub}},
			&vpcv1.Subnet{ObjectMeta: m(private), Spec: vpcv1.SubnetSpec{VPC: vpc, CIDR: "10.12.2.0/24", RouteTable: rtbPriv, NetworkACL: acl}},
			&vpcv1.NatGateway{ObjectMeta: m(nat), Spec: vpcv1.NatGatewaySpec{Subnet: public, MACAddress: "d0:0d:0c:0c:0c:0c",
				PrivateIP: "10.12.1.5", PublicIP: ptr(vpcv1.IPv4("10.116.150.200"))}},
			&vpcv1.SecurityGroup{ObjectMeta: m(sg), Spec: vpcv1.SecurityGroupSpec{VPC: vpc,
				Ingress: []vpcv1.SecurityGroupRule{{Protocol: "icmp", ICMP: &vpcv1.ICMPMatch{Type: 8, Code: -1}}},
				Egress:  []vpcv1.SecurityGroupRule{{Protocol: "all"}}}},
			&vpcv1.NetworkInterface{ObjectMeta: m(eni0), Spec: vpcv1.NetworkInterfaceSpec{Subnet: private, InstanceID: inst,
				MACAddress: "d0:0d:0c:0c:00:00", PrivateIP: "10.12.2.10", SecurityGroups: []string{sg}, SourceDestCheck: true, Node: "10.111.5.71"}},
			&vpcv1.NetworkInterface{ObjectMeta: m(eni1), Spec: vpcv1.NetworkInterfaceSpec{Subnet: public, InstanceID: inst, DeviceIndex: 1,
				MACAddress: "d0:0d:0c:0c:00:01", PrivateIP: "10.12.1.10", SecurityGroups: []string{sg}, SourceDestCheck: true, Node: "10.111.5.71"}},
			&vpcv1.ElasticIP{ObjectMeta: m("eip-10-116-150-201"), Spec: vpcv1.ElasticIPSpec{PublicIP: "10.116.150.201", NetworkInterface: eni1}},
		}
	}
	waitReady := func() { waitAllReady(objects()...) }
	vpcRoutes := func() []midonet.Route {
		v := &vpcv1.Vpc{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: vpc}, v)).To(Succeed())
		routes, err := mn.ListRoutes(suiteCtx, v.Status.RouterID)
		Expect(err).NotTo(HaveOccurred())
		return routes
	}
	routeFrom := func(routes []midonet.Route, src string) *midonet.Route {
		for i, r := range routes {
			if r.SrcNetworkAddr+"/"+fmt.Sprint(r.SrcNetworkLength) == src && r.DstNetworkAddr == "0.0.0.0" && r.DstNetworkLength == 0 {
				return &routes[i]
			}
		}
		return nil
	}

	BeforeAll(func() {
		ensureCoreNetwork()
		Expect(k8s.Create(suiteCtx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		for _, o := range objects() {
			Expect(k8s.Create(suiteCtx, o)).To(Succeed())
		}
		waitReady()
	})

	It("routes the public subnet to eucart and the private subnet through the NAT gateway", func() {
		routes := vpcRoutes()
		pub := routeFrom(routes, "10.12.1.0/24")
		Expect(pub).NotTo(BeNil())
		Expect(midonet.Deref(pub.NextHopGateway)).To(Equal("169.254.0.1"))
		Expect(pub.Weight).To(Equal(10))
		priv := routeFrom(routes, "10.12.2.0/24")
		Expect(priv).NotTo(BeNil())
		Expect(midonet.Deref(priv.NextHopGateway)).To(Equal("10.12.1.5"))
		Expect(priv.Weight).To(Equal(20))

		g := &vpcv1.NatGateway{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: nat}, g)).To(Succeed())
		Expect(g.Status.RouterName).To(Equal(fmt.Sprintf("natr_%s_%s_%d", nat, public, g.Status.RouterIndex)))
		Expect(midonetNames()).To(ContainElements("router:"+g.Status.RouterName, "chain:natc_"+nat+"_rtin",
			"chain:natc_"+nat+"_rtout", "group:elip_pre_"+nat))
		out, err := mn.ListRules(suiteCtx, chainByName("natc_"+nat+"_rtout").ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(HaveLen(1))
		Expect(out[0].Type).To(Equal("snat"))
		Expect(out[0].NatTargets[0].AddressFrom).To(Equal("10.116.150.200"))
		Expect(out[0].NatTargets[0].PortFrom).To(Equal(1024))
	})

	It("filters the private subnet with the ACL in rule-number order, ending in a deny", func() {
		rules, err := mn.ListRules(suiteCtx, chainByName("acl_ingress_"+vpc+"_"+acl).ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(rules).To(HaveLen(3))
		Expect(rules[0].Type).To(Equal("drop")) // 100 deny tcp 22 from 192.0.2.0/24
		Expect(midonet.Deref(rules[0].NwSrcAddress)).To(Equal("192.0.2.0"))
		Expect(rules[1].Type).To(Equal("accept")) // 200 allow all
		Expect(rules[2].Type).To(Equal("drop"))   // the implicit final deny
		in, err := mn.ListRules(suiteCtx, chainByName("sc_"+private+"_in").ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(in[len(in)-1].Type).To(Equal("jump"))
		Expect(midonet.Deref(in[len(in)-1].JumpChainID)).To(Equal(chainByName("acl_ingress_" + vpc + "_" + acl).ID))
	})

	It("hands out the DHCP option set, and changes it in place", func() {
		sn := &vpcv1.Subnet{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: private}, sn)).To(Succeed())
		dhcp, err := mn.GetDHCPSubnet(suiteCtx, sn.Status.BridgeID, "10.12.2.0/24")
		Expect(err).NotTo(HaveOccurred())
		Expect(dhcp.DNSServerAddrs).To(Equal([]string{"10.12.0.2"}))
		hosts, err := mn.ListDHCPHosts(suiteCtx, sn.Status.BridgeID, "10.12.2.0/24")
		Expect(err).NotTo(HaveOccurred())
		Expect(hosts).To(HaveLen(1))
		Expect(hosts[0].ExtraDHCPOpts).To(ContainElement(midonet.ExtraDHCPOpt{OptName: "domain_search", OptValue: "corp.example"}))

		mido.Server.ResetRequests()
		set := &vpcv1.DhcpOptionSet{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: dopt}, set)).To(Succeed())
		set.Spec.DomainNameServers = []vpcv1.IPv4{"10.12.0.2", "10.12.0.3"}
		Expect(k8s.Update(suiteCtx, set)).To(Succeed())
		Eventually(func() []string {
			d, err := mn.GetDHCPSubnet(suiteCtx, sn.Status.BridgeID, "10.12.2.0/24")
			Expect(err).NotTo(HaveOccurred())
			return d.DNSServerAddrs
		}, 20*time.Second, 100*time.Millisecond).Should(Equal([]string{"10.12.0.2", "10.12.0.3"}))
		// One PUT per subnet, nothing else. The private subnet's PUT can land before the other
		// subnet's: wait for both, then make sure nothing follows.
		Eventually(func() int64 { return mido.Server.Writes() }, 20*time.Second, 100*time.Millisecond).Should(BeNumerically(">=", 2))
		Consistently(func() int64 { return mido.Server.Writes() }, 2*time.Second, 200*time.Millisecond).Should(Equal(int64(2)))
		for _, r := range mido.Server.Requests() {
			if r.Method != "GET" {
				Expect(r.Method).To(Equal("PUT"))
				Expect(r.Path).To(ContainSubstring("/dhcp/"))
			}
		}
	})

	It("gives each interface of the instance its own port, chains and bindings", func() {
		names := midonetNames()
		Expect(names).To(ContainElements("chain:ic_"+inst+"_prechain", "chain:ic_"+eni1+"_prechain",
			"group:elip_post_"+inst, "group:elip_post_"+eni1, "group:elip_pre_"+eni1))
		e1 := &vpcv1.NetworkInterface{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: eni1}, e1)).To(Succeed())
		Expect(e1.Status.InterfaceName).To(Equal(eni1))
		port, err := mn.GetPort(suiteCtx, e1.Status.BridgePortID)
		Expect(err).NotTo(HaveOccurred())
		Expect(midonet.Deref(port.InterfaceName)).To(Equal("vn_" + eni1))
		Expect(midonet.Deref(port.HostID)).To(Equal(e1.Status.HostID))
	})

	It("leaves routes to a deleted NAT gateway out, and says so, rather than failing the subnet", func() {
		Expect(k8s.Delete(suiteCtx, &vpcv1.NatGateway{ObjectMeta: m(nat)})).To(Succeed())
		Eventually(func() *midonet.Route { return routeFrom(vpcRoutes(), "10.12.2.0/24") }, 30*time.Second, 200*time.Millisecond).Should(BeNil())
		Eventually(func() []vpcv1.SkippedRoute {
			rt := &vpcv1.RouteTable{}
			Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: rtbPriv}, rt)).To(Succeed())
			return rt.Status.SkippedRoutes
		}, 30*time.Second, 200*time.Millisecond).Should(ContainElement(And(HaveField("Target", nat), HaveField("DestinationCIDR", "0.0.0.0/0"), HaveField("Reason", ContainSubstring("NAT gateway")))))
		sn := &vpcv1.Subnet{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: private}, sn)).To(Succeed())
		Expect(vpcv1.IsReady(sn.Generation, &sn.Status.ReconcileStatus)).To(BeTrue())
		Expect(sn.Status.SkippedRoutes).To(HaveLen(1))
		Expect(midonetNames()).NotTo(ContainElement(ContainSubstring("natr_" + nat)))
		Expect(routeFrom(vpcRoutes(), "10.12.1.0/24")).NotTo(BeNil(), "the public subnet keeps its route")
	})
})
