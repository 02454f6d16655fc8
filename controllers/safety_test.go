package controllers_test

import (
	"fmt"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/midonet"
)

// readyCondition returns an object's Ready condition as it is now.
func readyCondition(o client.Object) *metav1.Condition {
	GinkgoHelper()
	Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(o), o)).To(Succeed())
	st := o.(interface {
		GetReconcileStatus() *vpcv1.ReconcileStatus
	}).GetReconcileStatus()
	if c := apimeta.FindStatusCondition(st.Conditions, vpcv1.ConditionReady); c != nil && c.ObservedGeneration == o.GetGeneration() {
		return c
	}
	return &metav1.Condition{}
}

// expectRefused waits until the object is Ready=False with the reason, its message naming
// what it names.
func expectRefused(o client.Object, reason string, names ...string) {
	GinkgoHelper()
	Eventually(func() metav1.Condition { return *readyCondition(o) }, 30*time.Second, 200*time.Millisecond).
		Should(And(
			HaveField("Status", metav1.ConditionFalse),
			HaveField("Reason", reason),
			HaveField("Message", And(containAll(names)...)),
		))
}

func containAll(names []string) []types.GomegaMatcher {
	var ms []types.GomegaMatcher
	for _, n := range names {
		ms = append(ms, ContainSubstring(n))
	}
	return ms
}

// warningEvents lists the messages of the Warning events with a reason about an object.
func warningEvents(o client.Object, reason string) []string {
	events := &corev1.EventList{}
	Expect(k8s.List(suiteCtx, events, client.InNamespace(o.GetNamespace()))).To(Succeed())
	var out []string
	for _, e := range events.Items {
		if e.InvolvedObject.Name == o.GetName() && e.Type == corev1.EventTypeWarning && e.Reason == reason {
			out = append(out, e.Message)
		}
	}
	return out
}

func createNamespace(name string) {
	Expect(k8s.Create(suiteCtx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})).To(Succeed())
}

// eucartRoutesTo lists eucart's routes to a /32.
func eucartRoutesTo(ip string) []midonet.Route {
	routes, err := mn.ListRoutes(suiteCtx, routerNamed("eucart").ID)
	Expect(err).NotTo(HaveOccurred())
	var out []midonet.Route
	for _, r := range routes {
		if r.DstNetworkAddr == ip && r.DstNetworkLength == 32 {
			out = append(out, r)
		}
	}
	return out
}

// These specs count every MidoNet write, so they run alone.
var _ = Describe("a cloud id used in two namespaces", Serial, Ordered, func() {
	var prod *cloud
	var intruder *vpcv1.Vpc
	var router midonet.Router
	BeforeAll(func() {
		prod = newCloud()
		prod.create()
		prod.waitReady()
		v := &vpcv1.Vpc{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: prod.ns, Name: prod.vpc}, v)).To(Succeed())
		router = routerNamed(v.Status.RouterName)
	})

	It("is refused to the newcomer, which writes nothing and names the owner", func() {
		ns := prod.ns + "-team-a"
		createNamespace(ns)
		mido.Server.ResetRequests()
		intruder = &vpcv1.Vpc{ObjectMeta: objMeta(ns, prod.vpc), Spec: vpcv1.VpcSpec{CIDR: "10.250.0.0/16"}}
		Expect(k8s.Create(suiteCtx, intruder)).To(Succeed())
		expectRefused(intruder, vpcv1.ReasonConflict, prod.ns+"/"+prod.vpc)
		Eventually(func() []string { return warningEvents(intruder, vpcv1.ReasonConflict) }, 10*time.Second, 200*time.Millisecond).
			Should(ContainElement(ContainSubstring(prod.ns + "/" + prod.vpc)))
		Consistently(func() int64 { return mido.Server.Writes() }, 2*time.Second, 200*time.Millisecond).Should(BeZero())
		Expect(intruder.Status.MidoNetIDs).To(BeEmpty())
		Expect(intruder.Status.RouterIndex).To(BeZero(), "no router index handed out to it")
		prod.waitReady()
	})

	It("is deleted without touching the owner's MidoNet objects", func() {
		Expect(k8s.Delete(suiteCtx, intruder)).To(Succeed())
		Eventually(func() error { return k8s.Get(suiteCtx, client.ObjectKeyFromObject(intruder), &vpcv1.Vpc{}) }, 30*time.Second, 200*time.Millisecond).
			ShouldNot(Succeed())
		Consistently(func() int64 { return mido.Server.Writes() }, 2*time.Second, 200*time.Millisecond).Should(BeZero())
		Expect(routerNamed(router.Name).ID).To(Equal(router.ID))
		prod.waitReady()
	})

	It("lets the owner repair what was deleted behind its back", func() {
		Expect(mn.DeleteRouter(suiteCtx, router.ID)).To(Succeed())
		Eventually(func() []string { return midonetNames() }, 30*time.Second, 250*time.Millisecond).
			Should(ContainElement("router:" + router.Name))
		prod.waitReady()
	})

	It("passes to the next resource once the owner is gone", func() {
		ns := prod.ns + "-team-b"
		createNamespace(ns)
		next := &vpcv1.Vpc{ObjectMeta: objMeta(ns, prod.vpc), Spec: vpcv1.VpcSpec{CIDR: "10.251.0.0/16"}}
		Expect(k8s.Create(suiteCtx, next)).To(Succeed())
		expectRefused(next, vpcv1.ReasonConflict, prod.ns+"/"+prod.vpc)
		Expect(k8s.Delete(suiteCtx, &vpcv1.Vpc{ObjectMeta: objMeta(prod.ns, prod.vpc)})).To(Succeed())
		waitAllReady(next)
		Expect(next.Status.MidoNetIDs).NotTo(BeEmpty())
		routes, err := mn.ListRoutes(suiteCtx, routerNamed(next.Status.RouterName).ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(routes).NotTo(BeEmpty())
		Expect(mentioning(midonetNames(), prod.subnet, prod.sg, prod.instance)).To(BeEmpty(), "the old owner's children are gone")
	})
})

var _ = Describe("conflicting addresses", Serial, Ordered, func() {
	var c *cloud
	BeforeAll(func() {
		c = newCloud()
		c.create()
		c.waitReady()
	})
	m := func(name string) metav1.ObjectMeta { return objMeta(c.ns, name) }

	It("refuse a second interface with the same private IP or MAC in a subnet", func() {
		mido.Server.ResetRequests()
		sameIP := &vpcv1.NetworkInterface{ObjectMeta: m(hexID("eni", 0x7000+c.n)), Spec: vpcv1.NetworkInterfaceSpec{Subnet: c.subnet,
			InstanceID: hexID("i", 0x7000+c.n), MACAddress: "d0:0d:77:00:00:01", PrivateIP: vpcv1.IPv4(fmt.Sprintf("10.%d.1.10", c.n)),
			SecurityGroups: []string{c.sg}, SourceDestCheck: true, Node: "10.111.5.70"}}
		sameMAC := &vpcv1.NetworkInterface{ObjectMeta: m(hexID("eni", 0x7100+c.n)), Spec: vpcv1.NetworkInterfaceSpec{Subnet: c.subnet,
			InstanceID: hexID("i", 0x7100+c.n), MACAddress: vpcv1.MAC(fmt.Sprintf("d0:0d:00:00:00:%02x", c.n)), PrivateIP: vpcv1.IPv4(fmt.Sprintf("10.%d.1.11", c.n)),
			SecurityGroups: []string{c.sg}, SourceDestCheck: true, Node: "10.111.5.70"}}
		Expect(k8s.Create(suiteCtx, sameIP)).To(Succeed())
		Expect(k8s.Create(suiteCtx, sameMAC)).To(Succeed())
		expectRefused(sameIP, vpcv1.ReasonAddressInUse, fmt.Sprintf("private IP 10.%d.1.10", c.n), c.ns+"/"+c.eni)
		expectRefused(sameMAC, vpcv1.ReasonAddressInUse, "MAC", c.ns+"/"+c.eni)
		Expect(warningEvents(sameIP, vpcv1.ReasonAddressInUse)).NotTo(BeEmpty())
		Consistently(func() int64 { return mido.Server.Writes() }, 2*time.Second, 200*time.Millisecond).Should(BeZero())
		Expect(mentioning(midonetNames(), sameIP.Spec.InstanceID, sameMAC.Spec.InstanceID)).To(BeEmpty())
		c.waitReady()
		deleteAndWait(sameIP, sameMAC)
	})

	It("refuse an interface on one of the subnet's reserved addresses: its gateway, its broadcast", func() {
		mido.Server.ResetRequests()
		var enis []client.Object
		for k, last := range []int{1, 255} {
			eni := &vpcv1.NetworkInterface{ObjectMeta: m(hexID("eni", 0x7200+k*0x100+c.n)), Spec: vpcv1.NetworkInterfaceSpec{Subnet: c.subnet,
				InstanceID: hexID("i", 0x7200+k*0x100+c.n), MACAddress: vpcv1.MAC(fmt.Sprintf("d0:0d:72:00:00:%02x", k)),
				PrivateIP: vpcv1.IPv4(fmt.Sprintf("10.%d.1.%d", c.n, last)), SecurityGroups: []string{c.sg}, SourceDestCheck: true, Node: "10.111.5.70"}}
			Expect(k8s.Create(suiteCtx, eni)).To(Succeed())
			enis = append(enis, eni)
		}
		expectRefused(enis[0], vpcv1.ReasonInvalidSpec, fmt.Sprintf("spec.privateIP: 10.%d.1.1 is the VPC router's port (the subnet's gateway)", c.n),
			fmt.Sprintf("use one of 10.%d.1.4–10.%d.1.254", c.n, c.n))
		expectRefused(enis[1], vpcv1.ReasonInvalidSpec, fmt.Sprintf("10.%d.1.255 is the subnet's broadcast address", c.n))
		Consistently(func() int64 { return mido.Server.Writes() }, 2*time.Second, 200*time.Millisecond).Should(BeZero())
		c.waitReady()
		deleteAndWait(enis...)
	})

	It("refuse a VPC or a public IP in the networks midovpc uses itself", func() {
		mido.Server.ResetRequests()
		vpc := &vpcv1.Vpc{ObjectMeta: m(hexID("vpc", 0x7300+c.n)), Spec: vpcv1.VpcSpec{CIDR: "169.254.0.0/16"}}
		eip := &vpcv1.ElasticIP{ObjectMeta: m("eip-169-254-0-1"), Spec: vpcv1.ElasticIPSpec{PublicIP: "169.254.0.1"}}
		Expect(k8s.Create(suiteCtx, vpc)).To(Succeed())
		Expect(k8s.Create(suiteCtx, eip)).To(Succeed())
		expectRefused(vpc, vpcv1.ReasonInvalidSpec, "spec.cidr: 169.254.0.0/16 overlaps 169.254.0.0/16, link-local", "routers' uplinks")
		expectRefused(eip, vpcv1.ReasonInvalidSpec, "spec.publicIP: 169.254.0.1 is in 169.254.0.0/16")
		Consistently(func() int64 { return mido.Server.Writes() }, 2*time.Second, 200*time.Millisecond).Should(BeZero())
		for _, r := range eucartRoutesTo("169.254.0.1") {
			Expect(r.Type).To(Equal("Local"), "only eucart's own port address routes to 169.254.0.1")
		}
		deleteAndWait(eip, vpc)
	})

	It("refuse a subnet that overlaps a sibling, and one outside its VPC", func() {
		overlap := &vpcv1.Subnet{ObjectMeta: m(hexID("subnet", 0x7000+c.n)), Spec: vpcv1.SubnetSpec{VPC: c.vpc, CIDR: vpcv1.CIDR(fmt.Sprintf("10.%d.1.128/25", c.n))}}
		outside := &vpcv1.Subnet{ObjectMeta: m(hexID("subnet", 0x7100+c.n)), Spec: vpcv1.SubnetSpec{VPC: c.vpc, CIDR: "192.168.7.0/24"}}
		Expect(k8s.Create(suiteCtx, overlap)).To(Succeed())
		Expect(k8s.Create(suiteCtx, outside)).To(Succeed())
		expectRefused(overlap, vpcv1.ReasonAddressInUse, fmt.Sprintf("10.%d.1.128/25", c.n), c.ns+"/"+c.subnet)
		expectRefused(outside, vpcv1.ReasonInvalidSpec, "192.168.7.0/24")
		Expect(mentioning(midonetNames(), overlap.Name, outside.Name)).To(BeEmpty())
		c.waitReady()
		deleteAndWait(overlap, outside)
	})

	It("refuse a second elastic IP for an interface: the first keeps its SNAT", func() {
		mido.Server.ResetRequests()
		second := &vpcv1.ElasticIP{ObjectMeta: m("eip-second-" + c.eni), Spec: vpcv1.ElasticIPSpec{
			PublicIP: vpcv1.IPv4(fmt.Sprintf("10.116.151.%d", 10+c.n)), NetworkInterface: c.eni}}
		Expect(k8s.Create(suiteCtx, second)).To(Succeed())
		expectRefused(second, vpcv1.ReasonAddressInUse, "NetworkInterface "+c.eni+" already has an elastic IP", c.ns+"/"+c.eip, "one per interface")
		Consistently(func() int64 { return mido.Server.Writes() }, 2*time.Second, 200*time.Millisecond).Should(BeZero())
		Expect(eucartRoutesTo(string(second.Spec.PublicIP))).To(BeEmpty())
		Expect(eucartRoutesTo(c.publicIP)).To(HaveLen(1))
		deleteAndWait(second)
		Expect(eucartRoutesTo(c.publicIP)).To(HaveLen(1))
		c.waitReady()
	})

	It("refuse an elastic IP already in use elsewhere; its route passes on when the holder goes", func() {
		other := newCloud()
		other.publicIP = c.publicIP
		other.eip = "eip-dup-" + other.vpc
		other.create()
		waitAllReady(slices.DeleteFunc(other.objects(), func(o client.Object) bool { _, ok := o.(*vpcv1.ElasticIP); return ok })...)
		dup := &vpcv1.ElasticIP{ObjectMeta: objMeta(other.ns, other.eip)}
		expectRefused(dup, vpcv1.ReasonAddressInUse, "public IP "+c.publicIP, c.ns+"/"+c.eip)
		Expect(eucartRoutesTo(c.publicIP)).To(HaveLen(1))

		uplink := func(cl *cloud) string {
			v := &vpcv1.Vpc{}
			Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: cl.ns, Name: cl.vpc}, v)).To(Succeed())
			return fmt.Sprintf("169.254.0.%d", v.Status.RouterIndex)
		}
		Expect(midonet.Deref(eucartRoutesTo(c.publicIP)[0].NextHopGateway)).To(Equal(uplink(c)))

		Expect(k8s.Delete(suiteCtx, &vpcv1.ElasticIP{ObjectMeta: m(c.eip)})).To(Succeed())
		waitAllReady(dup)
		Eventually(func() []string {
			var hops []string
			for _, r := range eucartRoutesTo(c.publicIP) {
				hops = append(hops, midonet.Deref(r.NextHopGateway))
			}
			return hops
		}, 30*time.Second, 200*time.Millisecond).Should(Equal([]string{uplink(other)}))
	})

	It("refuse a public IP outside the cloud's public IP ranges", func() {
		cn := &vpcv1.CoreNetwork{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Name: "default"}, cn)).To(Succeed())
		cn.Spec.PublicIPs = []string{"10.116.150.0-10.116.150.255"}
		Expect(k8s.Update(suiteCtx, cn)).To(Succeed())
		DeferCleanup(func() {
			Expect(k8s.Get(suiteCtx, client.ObjectKey{Name: "default"}, cn)).To(Succeed())
			cn.Spec.PublicIPs = nil
			Expect(k8s.Update(suiteCtx, cn)).To(Succeed())
			waitAllReady(cn)
		})
		out := &vpcv1.ElasticIP{ObjectMeta: m("eip-192-0-2-5"), Spec: vpcv1.ElasticIPSpec{PublicIP: "192.0.2.5"}}
		Expect(k8s.Create(suiteCtx, out)).To(Succeed())
		expectRefused(out, vpcv1.ReasonInvalidSpec, "spec.publicIP", "192.0.2.5", "10.116.150.0-10.116.150.255")
		waitAllReady(&vpcv1.NetworkInterface{ObjectMeta: m(c.eni)}, &vpcv1.Vpc{ObjectMeta: m(c.vpc)})
	})
})

var _ = Describe("a rule that names another security group", Serial, Ordered, func() {
	var c *cloud
	var a, b *vpcv1.SecurityGroup
	BeforeAll(func() {
		c = newCloud()
		c.create()
		a = &vpcv1.SecurityGroup{ObjectMeta: objMeta(c.ns, hexID("sg", 0xa000+c.n)), Spec: vpcv1.SecurityGroupSpec{VPC: c.vpc}}
		b = &vpcv1.SecurityGroup{ObjectMeta: objMeta(c.ns, hexID("sg", 0xb000+c.n)), Spec: vpcv1.SecurityGroupSpec{VPC: c.vpc,
			Egress: []vpcv1.SecurityGroupRule{{Protocol: "all", CIDR: ptr(vpcv1.CIDR("0.0.0.0/0"))}}}}
		a.Spec.Ingress = []vpcv1.SecurityGroupRule{{Protocol: "tcp", Ports: &vpcv1.PortRange{From: 80, To: 80}, SecurityGroup: ptr(b.Name)}}
		Expect(k8s.Create(suiteCtx, a)).To(Succeed())
		Expect(k8s.Create(suiteCtx, b)).To(Succeed())
		c.waitReady()
		waitAllReady(a, b)
		Eventually(func() []midonet.Rule {
			rules, err := mn.ListRules(suiteCtx, chainByName("sg_ingress_"+a.Name).ID)
			Expect(err).NotTo(HaveOccurred())
			return rules
		}, 30*time.Second, 200*time.Millisecond).Should(HaveLen(1))
	})

	It("stays in force while the other group is edited: the edit costs only its own write", func() {
		mido.Server.ResetRequests()
		Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(b), b)).To(Succeed())
		b.Spec.Ingress = []vpcv1.SecurityGroupRule{{Protocol: "tcp", Ports: &vpcv1.PortRange{From: 443, To: 443}, CIDR: ptr(vpcv1.CIDR("0.0.0.0/0"))}}
		Expect(k8s.Update(suiteCtx, b)).To(Succeed())
		waitAllReady(a, b)
		Consistently(func() int64 { return mido.Server.Writes() }, 3*time.Second, 200*time.Millisecond).Should(Equal(int64(1)))
		bIn := chainByName("sg_ingress_" + b.Name).ID
		for _, r := range mido.Server.Requests() {
			if r.Method != "GET" {
				Expect(r.Path).To(ContainSubstring(bIn), "write %s %s", r.Method, r.Path)
			}
		}
	})

	It("makes zero writes after a restart", func() {
		stopManager()
		mido.Server.ResetRequests()
		startManager(time.Second)
		Eventually(func() int { return len(mido.Server.Requests()) }, 20*time.Second, 100*time.Millisecond).Should(BeNumerically(">", 0))
		c.waitReady()
		waitAllReady(a, b)
		Consistently(func() int64 { return mido.Server.Writes() }, 3*time.Second, 200*time.Millisecond).Should(BeZero())
	})

	It("stays in force while the other group's deletion waits for its interfaces, and goes before that group's address groups", func() {
		eni := &vpcv1.NetworkInterface{ObjectMeta: objMeta(c.ns, c.eni)}
		setGroups := func(groups ...string) {
			Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(eni), eni)).To(Succeed())
			eni.Spec.SecurityGroups = groups
			Expect(k8s.Update(suiteCtx, eni)).To(Succeed())
		}
		setGroups(c.sg, b.Name)
		waitAllReady(eni, a, b)
		aIn := chainByName("sg_ingress_" + a.Name).ID
		rules, err := mn.ListRules(suiteCtx, aIn)
		Expect(err).NotTo(HaveOccurred())
		Expect(rules).To(HaveLen(1))
		rule := rules[0].ID
		rulesOfA := func() int {
			rules, err := mn.ListRules(suiteCtx, aIn)
			Expect(err).NotTo(HaveOccurred())
			return len(rules)
		}
		var bAll string
		groups, err := mn.ListIPAddrGroups(suiteCtx)
		Expect(err).NotTo(HaveOccurred())
		for _, g := range groups {
			if g.Name == "sg_all_"+b.Name {
				bAll = g.ID
			}
		}
		Expect(bAll).NotTo(BeEmpty())

		// b's interface holds its deletion up: b is in force, and so is a's rule naming it.
		Expect(k8s.Delete(suiteCtx, &vpcv1.SecurityGroup{ObjectMeta: objMeta(c.ns, b.Name)})).To(Succeed())
		Eventually(func() string {
			cond := readyCondition(b)
			return cond.Reason + ": " + cond.Message
		}, 30*time.Second, 200*time.Millisecond).Should(Equal("Deleting: waiting for what uses it to be deleted: NetworkInterface " + c.eni))
		Consistently(rulesOfA, 3*time.Second, 200*time.Millisecond).Should(Equal(1))
		Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(a), a)).To(Succeed())
		Expect(a.Status.PendingGroups).To(BeEmpty())
		Expect(apimeta.IsStatusConditionTrue(a.Status.Conditions, vpcv1.ConditionReferencesResolved)).To(BeTrue())

		// The interface leaves b: a drops its rule, then b removes its address groups and goes.
		mido.Server.ResetRequests()
		setGroups(c.sg)
		Eventually(gone(b), 30*time.Second, 250*time.Millisecond).Should(BeTrue())
		Expect(rulesOfA()).To(BeZero())
		Eventually(func() []string {
			Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(a), a)).To(Succeed())
			return a.Status.PendingGroups
		}, 10*time.Second, 200*time.Millisecond).Should(Equal([]string{b.Name}))
		ruleGone, groupGone := -1, -1
		for i, r := range mido.Server.Requests() {
			switch {
			case r.Method == "DELETE" && strings.HasSuffix(r.Path, "/rules/"+rule):
				ruleGone = i
			case r.Method == "DELETE" && strings.HasSuffix(r.Path, "/ip_addr_groups/"+bAll):
				groupGone = i
			}
		}
		Expect(ruleGone).To(BeNumerically(">=", 0), "a's rule naming b was never deleted")
		Expect(groupGone).To(BeNumerically(">", ruleGone), "b's sg_all_ group deleted before a's rule naming it")
	})
})

var _ = Describe("deleting a VPC, children first", Serial, func() {
	It("deletes the interfaces' chains before the security groups' chains they jump to", func() {
		c := newCloud()
		c.create()
		c.waitReady()
		ic := chainByName("ic_" + c.instance + "_prechain").ID
		sg := chainByName("sg_egress_" + c.sg).ID
		acl := chainByName("acl_ingress_" + c.vpc + "_" + c.acl).ID
		sc := chainByName("sc_" + c.subnet + "_in").ID
		mido.Server.ResetRequests()
		Expect(k8s.Delete(suiteCtx, &vpcv1.Vpc{ObjectMeta: objMeta(c.ns, c.vpc)})).To(Succeed())
		Eventually(func() error { return k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.vpc}, &vpcv1.Vpc{}) }, 60*time.Second, 250*time.Millisecond).
			ShouldNot(Succeed())
		deleted := map[string]int{}
		for i, r := range mido.Server.Requests() {
			if r.Method == "DELETE" {
				for _, id := range []string{ic, sg, acl, sc} {
					if strings.HasSuffix(r.Path, "/chains/"+id) {
						deleted[id] = i
					}
				}
			}
		}
		Expect(deleted).To(HaveKey(ic))
		Expect(deleted).To(HaveKey(sg))
		Expect(deleted).To(HaveKey(acl))
		Expect(deleted).To(HaveKey(sc))
		Expect(deleted[ic]).To(BeNumerically("<", deleted[sg]), "the interface's chain goes before the group's chain it jumps to")
		Expect(deleted[sc]).To(BeNumerically("<", deleted[acl]), "the subnet's chain goes before the ACL's chain it jumps to")
	})
})

var _ = Describe("kubectl categories", func() {
	It("keep the CoreNetwork out of `kubectl delete midovpc --all`", func() {
		dc, err := discovery.NewDiscoveryClientForConfig(env.Config)
		Expect(err).NotTo(HaveOccurred())
		list, err := dc.ServerResourcesForGroupVersion(vpcv1.GroupVersion.String())
		Expect(err).NotTo(HaveOccurred())
		inCategory := map[string]bool{}
		for _, r := range list.APIResources {
			if !strings.Contains(r.Name, "/") {
				inCategory[r.Name] = slices.Contains(r.Categories, "midovpc")
			}
		}
		Expect(inCategory).To(HaveKeyWithValue("corenetworks", false))
		Expect(inCategory).To(HaveKeyWithValue("vpcs", true))
		Expect(inCategory).To(HaveKeyWithValue("networkinterfaces", true))
	})
})
