package controllers_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Each change costs exactly the MidoNet writes it needs, counted by the emulator.
var _ = Describe("the writes a change costs", Ordered, func() {
	var c *cloud
	BeforeAll(func() {
		c = newCloud()
		c.create()
		c.waitReady()
	})

	// change applies an edit to one resource, waits for the cloud to be Ready again and
	// returns the writes MidoNet saw, as "METHOD /collection".
	change := func(obj client.Object, edit func()) []string {
		GinkgoHelper()
		Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		// MidoNet is shared by every spec's cloud, and an earlier one may still be settling (a
		// repair after a resync, a coalesced wake-up): count from a quiet MidoNet, 2 s without
		// a write.
		Eventually(func() bool {
			before := mido.Server.Writes()
			time.Sleep(2 * time.Second)
			return mido.Server.Writes() == before
		}, 30*time.Second, 0).Should(BeTrue(), "MidoNet never settled before the change")
		mido.Server.ResetRequests()
		edit()
		Expect(k8s.Update(suiteCtx, obj)).To(Succeed())
		c.waitReady()
		var writes []string
		Eventually(func() int64 { return mido.Server.Writes() }, 10*time.Second, 100*time.Millisecond).ShouldNot(BeZero())
		// Let every reconcile the change woke finish.
		Consistently(func() int64 { return mido.Server.Writes() }, 2*time.Second, 200*time.Millisecond).Should(Equal(mido.Server.Writes()))
		for _, r := range mido.Server.Requests() {
			if r.Method != "GET" && r.Changed {
				writes = append(writes, r.Method+" "+collection(r.Path))
			}
		}
		return writes
	}

	It("a new route in a route table: one route per subnet using the table", func() {
		rtb := &vpcv1.RouteTable{ObjectMeta: objMeta(c.ns, c.rtb)}
		Expect(change(rtb, func() {
			rtb.Spec.Routes = append(rtb.Spec.Routes, vpcv1.Route{DestinationCIDR: "192.0.2.0/24", InternetGateway: ptr(c.igw)})
		})).To(ConsistOf("POST routes"))
	})

	It("a new ACL entry: one rule", func() {
		acl := &vpcv1.NetworkAcl{ObjectMeta: objMeta(c.ns, c.acl)}
		Expect(change(acl, func() {
			acl.Spec.Ingress = append(acl.Spec.Ingress, vpcv1.NetworkAclEntry{RuleNumber: 50, Protocol: "udp", Action: "deny",
				CIDR: "198.51.100.0/24", Ports: &vpcv1.PortRange{From: 53, To: 53}})
		})).To(ConsistOf("POST rules"))
	})

	It("detaching the internet gateway: its routes go, nothing else", func() {
		igw := &vpcv1.InternetGateway{ObjectMeta: objMeta(c.ns, c.igw)}
		Expect(change(igw, func() { igw.Spec.VPC = "" })).To(ConsistOf("DELETE routes", "DELETE routes"))
		sn := &vpcv1.Subnet{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.subnet}, sn)).To(Succeed())
		Expect(sn.Status.SkippedRoutes).To(HaveLen(2), "both internet routes are reported as left out")
	})

	It("moving the elastic IP to a new address: NAT rules, route and group addresses, each once", func() {
		eip := &vpcv1.ElasticIP{ObjectMeta: objMeta(c.ns, c.eip)}
		Expect(change(eip, func() { eip.Spec.PublicIP = "10.116.151.99" })).To(ConsistOf(
			"POST rules", "DELETE rules", // DNAT in vc_<vpc>_preelip
			"POST rules", "DELETE rules", // SNAT in vc_<vpc>_postchain
			"POST routes", "DELETE routes", // /32 on eucart
			"POST ip_addrs", "DELETE ip_addrs", // elip_pre_<if>
			"POST ip_addrs", "DELETE ip_addrs", // sg_pub_<sg>
			"POST ip_addrs", "DELETE ip_addrs", // sg_all_<sg>
		))
	})
})

// collection is the last collection named in a request path: /midonet-api/chains/<id>/rules
// → rules, /midonet-api/rules/<id> → rules, /midonet-api/ip_addr_groups/<id>/versions/4/ip_addrs/<a> → ip_addrs.
func collection(path string) string {
	known := map[string]bool{"routers": true, "bridges": true, "ports": true, "routes": true, "chains": true, "rules": true,
		"ip_addr_groups": true, "ip_addrs": true, "port_groups": true, "dhcp": true, "hosts": true, "arp_table": true,
		"mac_table": true, "link": true, "bgp_peers": true, "bgp_networks": true, "tunnel_zones": true}
	last := ""
	for _, seg := range strings.Split(path, "/") {
		if known[seg] {
			last = seg
		}
	}
	return last
}
