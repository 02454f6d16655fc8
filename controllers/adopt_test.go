package controllers_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// A restart with a fresh control plane (the manager's --dev, or a new cluster) finds MidoNet
// converged and its resources arriving one at a time, in whatever order the view runner or
// kubectl applies them. Until a referenced resource arrives, what refers to it must leave the
// MidoNet objects that refer to it alone: deleting them and creating them again a moment later
// drops traffic in between (issue 9: "a restart over a converged MidoNet makes 0 writes").
var _ = Describe("adopting a converged MidoNet with a fresh control plane", Serial, Ordered, func() {
	const ns = "adopt"
	m := func(name string) metav1.ObjectMeta { return objMeta(ns, name) }
	sgRule := func(proto string, port int32, group string) vpcv1.SecurityGroupRule {
		r := vpcv1.SecurityGroupRule{Protocol: vpcv1.Protocol(proto), SecurityGroup: ptr(group)}
		if port > 0 {
			r.Ports = &vpcv1.PortRange{From: port, To: port}
		}
		return r
	}
	all := vpcv1.SecurityGroupRule{Protocol: "all", CIDR: ptr(vpcv1.CIDR("0.0.0.0/0"))}
	// Two VPCs. The first: a public subnet routed to an internet gateway, with a NAT gateway
	// and a routing appliance (an interface); a private subnet routed through both. Groups
	// reference each other (a and b in a cycle, c names a) and the second VPC's group names
	// itself and a group of its own VPC.
	const (
		vpc1, vpc2          = "vpc-0ad00001", "vpc-0ad00002"
		igw1                = "igw-0ad00001"
		pub, priv, sub2     = "subnet-0ad00011", "subnet-0ad00012", "subnet-0ad00021"
		rtbPub, rtbPriv     = "rtb-0ad00011", "rtb-0ad00012"
		rtb2                = "rtb-0ad00021"
		nat                 = "nat-0ad000000000000a1"
		sgA, sgB, sgC       = "sg-0ad0000a", "sg-0ad0000b", "sg-0ad0000c"
		sgD, sgE            = "sg-0ad0000d", "sg-0ad0000e"
		appliance, app, vm2 = "eni-0ad00001", "eni-0ad00002", "eni-0ad00003"
	)
	type step []client.Object
	// steps are the resources in an adversarial order: each one arrives, and is reconciled,
	// before what it references.
	steps := func() []step {
		return []step{
			{
				&vpcv1.Vpc{ObjectMeta: m(vpc2), Spec: vpcv1.VpcSpec{CIDR: "10.32.0.0/16"}},
				&vpcv1.Vpc{ObjectMeta: m(vpc1), Spec: vpcv1.VpcSpec{CIDR: "10.31.0.0/16"}},
				&vpcv1.InternetGateway{ObjectMeta: m(igw1), Spec: vpcv1.InternetGatewaySpec{VPC: vpc1}},
				&vpcv1.RouteTable{ObjectMeta: m(rtbPub), Spec: vpcv1.RouteTableSpec{VPC: vpc1, Routes: []vpcv1.Route{
					{DestinationCIDR: "10.31.0.0/16", Local: ptr(true)}, {DestinationCIDR: "0.0.0.0/0", InternetGateway: ptr(igw1)}}}},
				&vpcv1.RouteTable{ObjectMeta: m(rtbPriv), Spec: vpcv1.RouteTableSpec{VPC: vpc1, Routes: []vpcv1.Route{
					{DestinationCIDR: "10.31.0.0/16", Local: ptr(true)}, {DestinationCIDR: "0.0.0.0/0", NatGateway: ptr(nat)},
					{DestinationCIDR: "192.168.0.0/16", NetworkInterface: ptr(appliance)}}}},
				&vpcv1.RouteTable{ObjectMeta: m(rtb2), Spec: vpcv1.RouteTableSpec{VPC: vpc2, Routes: []vpcv1.Route{
					{DestinationCIDR: "10.32.0.0/16", Local: ptr(true)}, {DestinationCIDR: "172.16.0.0/12", NetworkInterface: ptr(vm2)}}}},
				// The private subnet first: its routes' targets live in the public one.
				&vpcv1.Subnet{ObjectMeta: m(priv), Spec: vpcv1.SubnetSpec{VPC: vpc1, CIDR: "10.31.2.0/24", RouteTable: rtbPriv}},
				&vpcv1.Subnet{ObjectMeta: m(sub2), Spec: vpcv1.SubnetSpec{VPC: vpc2, CIDR: "10.32.1.0/24", RouteTable: rtb2}},
			},
			// Groups before the groups they name.
			{
				&vpcv1.SecurityGroup{ObjectMeta: m(sgC), Spec: vpcv1.SecurityGroupSpec{VPC: vpc1,
					Ingress: []vpcv1.SecurityGroupRule{sgRule("tcp", 443, sgA)}, Egress: []vpcv1.SecurityGroupRule{all}}},
				&vpcv1.SecurityGroup{ObjectMeta: m(sgA), Spec: vpcv1.SecurityGroupSpec{VPC: vpc1,
					Ingress: []vpcv1.SecurityGroupRule{sgRule("tcp", 22, sgB), sgRule("tcp", 80, sgA)}, Egress: []vpcv1.SecurityGroupRule{all}}},
				&vpcv1.SecurityGroup{ObjectMeta: m(sgD), Spec: vpcv1.SecurityGroupSpec{VPC: vpc2,
					Ingress: []vpcv1.SecurityGroupRule{sgRule("all", 0, sgD), sgRule("udp", 53, sgE)}, Egress: []vpcv1.SecurityGroupRule{sgRule("tcp", 5432, sgE)}}},
			},
			{
				&vpcv1.SecurityGroup{ObjectMeta: m(sgB), Spec: vpcv1.SecurityGroupSpec{VPC: vpc1,
					Ingress: []vpcv1.SecurityGroupRule{sgRule("all", 0, sgA)}, Egress: []vpcv1.SecurityGroupRule{all}}},
				&vpcv1.SecurityGroup{ObjectMeta: m(sgE), Spec: vpcv1.SecurityGroupSpec{VPC: vpc2, Egress: []vpcv1.SecurityGroupRule{all}}},
				&vpcv1.NetworkInterface{ObjectMeta: m(vm2), Spec: vpcv1.NetworkInterfaceSpec{Subnet: sub2, InstanceID: "i-0ad00003",
					MACAddress: "d0:0d:0a:d0:00:03", PrivateIP: "10.32.1.10", SecurityGroups: []string{sgD, sgE}, Node: "10.111.5.70"}},
			},
			// Route targets after the subnet that routes to them; the interfaces in reverse
			// order of their metadata ids.
			{
				&vpcv1.Subnet{ObjectMeta: m(pub), Spec: vpcv1.SubnetSpec{VPC: vpc1, CIDR: "10.31.1.0/24", RouteTable: rtbPub}},
				&vpcv1.NetworkInterface{ObjectMeta: m(app), Spec: vpcv1.NetworkInterfaceSpec{Subnet: priv, InstanceID: "i-0ad00002",
					MACAddress: "d0:0d:0a:d0:00:02", PrivateIP: "10.31.2.10", SecurityGroups: []string{sgB, sgC}, SourceDestCheck: true, Node: "10.111.5.71"}},
			},
			{
				&vpcv1.NetworkInterface{ObjectMeta: m(appliance), Spec: vpcv1.NetworkInterfaceSpec{Subnet: pub, InstanceID: "i-0ad00001",
					MACAddress: "d0:0d:0a:d0:00:01", PrivateIP: "10.31.1.20", SecurityGroups: []string{sgA}, Node: "10.111.5.70"}},
				&vpcv1.ElasticIP{ObjectMeta: m("eip-10-116-150-240"), Spec: vpcv1.ElasticIPSpec{PublicIP: "10.116.150.240", NetworkInterface: appliance}},
			},
			{
				&vpcv1.NatGateway{ObjectMeta: m(nat), Spec: vpcv1.NatGatewaySpec{Subnet: pub, MACAddress: "d0:0d:0a:d0:00:a1",
					PrivateIP: "10.31.1.5", PublicIP: ptr(vpcv1.IPv4("10.116.150.241"))}},
			},
		}
	}
	objects := func() []client.Object {
		var out []client.Object
		for _, s := range steps() {
			out = append(out, s...)
		}
		return out
	}

	BeforeAll(func() {
		ensureCoreNetwork()
		createNamespace(ns)
		for _, o := range objects() {
			Expect(k8s.Create(suiteCtx, o)).To(Succeed(), "%T %s", o, o.GetName())
		}
		waitAllReady(objects()...)
		Eventually(func() []string {
			var pending []string
			for _, name := range []string{sgA, sgB, sgC, sgD} {
				sg := &vpcv1.SecurityGroup{}
				Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: name}, sg)).To(Succeed())
				pending = append(pending, sg.Status.PendingGroups...)
			}
			for _, name := range []string{priv, sub2} {
				sn := &vpcv1.Subnet{}
				Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: name}, sn)).To(Succeed())
				for _, r := range sn.Status.SkippedRoutes {
					pending = append(pending, fmt.Sprintf("%s: route %s", name, r.DestinationCIDR))
				}
			}
			return pending
		}, 30*time.Second, 200*time.Millisecond).Should(BeEmpty(), "every reference is in force before the restart")
	})

	It("makes zero writes while the resources arrive, those that refer to others first", func() {
		restartOnFreshControlPlane(objects()...)
		conflicts.Store(0)

		for i, s := range steps() {
			for _, o := range s {
				Expect(k8s.Create(suiteCtx, o)).To(Succeed(), "%T %s", o, o.GetName())
			}
			// Each step is reconciled (Ready, or waiting for what it needs) before the next
			// arrives, so that nothing of it waits for a reference that the next step brings.
			for _, o := range s {
				Eventually(func() string { return readyCondition(o).Reason }, 30*time.Second, 100*time.Millisecond).
					ShouldNot(BeEmpty(), "step %d: %T %s is reconciled", i, o, o.GetName())
			}
		}
		waitAllReady(objects()...)
		Consistently(writesSeen, 3*time.Second, 200*time.Millisecond).Should(BeEmpty())
		// Every resource arrived fresh: its finalizer and status were written on copies that
		// showed the manager's own earlier writes, never refused as conflicts.
		Expect(conflicts.Load()).To(BeZero(), "writes refused with 409 Conflict")
	})
})

// restartOnFreshControlPlane stands for a fresh control plane: the manager stops, objs go
// without it touching MidoNet, and a new manager starts with nothing recorded anywhere. It
// returns once the rest of the suite's resources are adopted and MidoNet is quiet, with the
// emulator's requests reset.
func restartOnFreshControlPlane(objs ...client.Object) {
	stopManager()
	for _, o := range objs {
		Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(o), o)).To(Succeed())
		controllerutil.RemoveFinalizer(o, vpcv1.Finalizer)
		Expect(k8s.Update(suiteCtx, o)).To(Succeed())
	}
	deleteAndWait(objs...)
	startManager(time.Second)
	Eventually(func() int { return len(mido.Server.Requests()) }, 20*time.Second, 100*time.Millisecond).Should(BeNumerically(">", 0))
	waitAllReady(&vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: "default"}})
	Eventually(func() bool {
		before := mido.Server.Writes()
		time.Sleep(time.Second)
		return mido.Server.Writes() == before
	}, 30*time.Second).Should(BeTrue())
	mido.Server.ResetRequests()
}

// writesSeen lists the writes MidoNet served since the last reset.
func writesSeen() []string {
	var out []string
	for _, r := range mido.Server.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" {
			out = append(out, fmt.Sprintf("%s %s -> %d", r.Method, r.Path, r.Status))
		}
	}
	return out
}

// On a fresh control plane a subnet is often reconciled before the target of one of its routes
// (an appliance interface waiting for its security group, a NAT gateway queued behind the rest
// of the cloud). The target exists, is not refused and MidoNet holds the route: the subnet
// adopts the route at once instead of reporting it left out and writing its status again when
// the target arrives. A route MidoNet does not hold is still left out: nothing is created for a
// target that is not in force.
var _ = Describe("adopting a route whose target is not in force yet", Serial, Ordered, func() {
	const ns = "adopt-route"
	m := func(name string) metav1.ObjectMeta { return objMeta(ns, name) }
	const (
		vpc             = "vpc-0ad10001"
		pub, priv       = "subnet-0ad10011", "subnet-0ad10012"
		rtb             = "rtb-0ad10012"
		sg              = "sg-0ad1000a"
		appliance       = "eni-0ad10001"
		routed, missing = "192.168.0.0/16", "172.16.0.0/12"
	)
	vpcObj := func() client.Object {
		return &vpcv1.Vpc{ObjectMeta: m(vpc), Spec: vpcv1.VpcSpec{CIDR: "10.41.0.0/16"}}
	}
	routeTable := func(routes ...vpcv1.Route) client.Object {
		return &vpcv1.RouteTable{ObjectMeta: m(rtb), Spec: vpcv1.RouteTableSpec{VPC: vpc, Routes: append([]vpcv1.Route{
			{DestinationCIDR: "10.41.0.0/16", Local: ptr(true)}}, routes...)}}
	}
	toAppliance := func(cidr vpcv1.CIDR) vpcv1.Route {
		return vpcv1.Route{DestinationCIDR: cidr, NetworkInterface: ptr(appliance)}
	}
	subnets := func() []client.Object {
		return []client.Object{
			&vpcv1.Subnet{ObjectMeta: m(pub), Spec: vpcv1.SubnetSpec{VPC: vpc, CIDR: "10.41.1.0/24"}},
			&vpcv1.Subnet{ObjectMeta: m(priv), Spec: vpcv1.SubnetSpec{VPC: vpc, CIDR: "10.41.2.0/24", RouteTable: rtb}},
		}
	}
	group := func() client.Object {
		return &vpcv1.SecurityGroup{ObjectMeta: m(sg), Spec: vpcv1.SecurityGroupSpec{VPC: vpc,
			Egress: []vpcv1.SecurityGroupRule{{Protocol: "all", CIDR: ptr(vpcv1.CIDR("0.0.0.0/0"))}}}}
	}
	eni := func() client.Object {
		return &vpcv1.NetworkInterface{ObjectMeta: m(appliance), Spec: vpcv1.NetworkInterfaceSpec{Subnet: pub, InstanceID: "i-0ad10001",
			MACAddress: "d0:0d:0a:d1:00:01", PrivateIP: "10.41.1.20", SecurityGroups: []string{sg}, Node: "10.111.5.70"}}
	}
	objects := func(rt client.Object) []client.Object {
		return append([]client.Object{vpcObj(), rt, group(), eni()}, subnets()...)
	}
	subnetStatus := func() vpcv1.SubnetStatus {
		sn := &vpcv1.Subnet{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: ns, Name: priv}, sn)).To(Succeed())
		return sn.Status
	}

	It("keeps the route MidoNet holds and leaves out the one it does not, writing nothing", func() {
		ensureCoreNetwork()
		createNamespace(ns)
		converged := objects(routeTable(toAppliance(routed)))
		for _, o := range converged {
			Expect(k8s.Create(suiteCtx, o)).To(Succeed(), "%T %s", o, o.GetName())
		}
		waitAllReady(converged...)
		Eventually(func() []vpcv1.SkippedRoute { return subnetStatus().SkippedRoutes }, 30*time.Second, 200*time.Millisecond).Should(BeEmpty())

		restartOnFreshControlPlane(converged...)

		// Everything but the group: the appliance exists and waits for it, so it is not in
		// force while the private subnet is reconciled. Its route table gains a second route
		// to it, which MidoNet does not hold.
		rt := routeTable(toAppliance(routed), toAppliance(missing))
		for _, o := range []client.Object{vpcObj(), rt, eni()} {
			Expect(k8s.Create(suiteCtx, o)).To(Succeed(), "%T %s", o, o.GetName())
		}
		for _, o := range subnets() {
			Expect(k8s.Create(suiteCtx, o)).To(Succeed(), "%T %s", o, o.GetName())
		}
		Eventually(func() string {
			c := meta.FindStatusCondition(subnetStatus().Conditions, vpcv1.ConditionReady)
			if c == nil {
				return ""
			}
			return c.Reason
		}, 30*time.Second, 100*time.Millisecond).Should(Equal(vpcv1.ReasonReconciled))
		Expect(readyCondition(eni()).Reason).NotTo(Equal(vpcv1.ReasonReconciled), "the appliance must not be in force yet")
		st := subnetStatus()
		Expect(st.SkippedRoutes).To(ConsistOf(HaveField("DestinationCIDR", string(missing))),
			"the route MidoNet holds is adopted, the other left out")
		Expect(st.Routes).To(BeEquivalentTo(2), "the local route and the adopted one")
		Expect(writesSeen()).To(BeEmpty())

		// The group arrives: the appliance is in force, and the second route is created.
		Expect(k8s.Create(suiteCtx, group())).To(Succeed())
		waitAllReady(objects(rt)...)
		Eventually(func() []vpcv1.SkippedRoute { return subnetStatus().SkippedRoutes }, 30*time.Second, 200*time.Millisecond).Should(BeEmpty())
		Expect(writesSeen()).To(HaveLen(1), "only the second route is created")
		deleteAndWait(objects(rt)...)
	})
})
