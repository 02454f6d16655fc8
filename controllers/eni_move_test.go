package controllers_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/midonet"
)

// An interface can be detached, attached to another instance as a secondary interface, and
// moved to another node; its MidoNet objects follow and the old ones go.
var _ = Describe("moving a network interface", func() {
	It("renames, rebinds and cleans up after it", func() {
		c := newCloud()
		c.create()
		c.waitReady()
		eni := &vpcv1.NetworkInterface{}
		key := client.ObjectKey{Namespace: c.ns, Name: c.eni}
		Expect(k8s.Get(suiteCtx, key, eni)).To(Succeed())
		Expect(eni.Status.InterfaceName).To(Equal(c.instance))
		Expect(tapBoundOn("vn_" + c.instance)).To(Equal("node-70"))

		// Attach it to another instance, as its second interface, on the other node.
		other := hexID("i", 0xff00+c.n)
		eni.Spec.InstanceID = other
		eni.Spec.DeviceIndex = 1
		eni.Spec.Node = "10.111.5.71"
		Expect(k8s.Update(suiteCtx, eni)).To(Succeed())
		c.waitReady()
		Expect(k8s.Get(suiteCtx, key, eni)).To(Succeed())
		Expect(eni.Status.InterfaceName).To(Equal(c.eni))
		Expect(eni.Status.Node).To(Equal("10.111.5.71"))
		Eventually(func() string { return tapBoundOn("vn_" + c.eni) }, 10*time.Second, 100*time.Millisecond).Should(Equal("node-71"))
		Expect(tapBoundOn("vn_" + c.instance)).To(BeEmpty())
		names := midonetNames()
		for _, old := range []string{"chain:ic_" + c.instance + "_prechain", "chain:ic_" + c.instance + "_postchain",
			"group:elip_pre_" + c.instance, "group:elip_post_" + c.instance} {
			Expect(names).NotTo(ContainElement(old), "nothing named after the old instance is left")
		}
		Expect(names).To(ContainElements("chain:ic_"+c.eni+"_prechain", "chain:ic_"+c.eni+"_postchain",
			"group:elip_post_"+c.eni, "group:elip_pre_"+c.eni))
		// Its elastic IP followed it.
		eip := &vpcv1.ElasticIP{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.eip}, eip)).To(Succeed())
		Expect(vpcv1.IsReady(eip.Generation, &eip.Status.ReconcileStatus)).To(BeTrue())
		Expect(groupAddresses("elip_pre_" + c.eni)).To(ConsistOf(c.publicIP))
	})
})

// tapBoundOn returns the name of the host whose port binding uses the tap, or "".
func tapBoundOn(tap string) string {
	hosts, err := mn.ListHosts(suiteCtx)
	Expect(err).NotTo(HaveOccurred())
	for _, h := range hosts {
		bindings, err := mn.ListHostPorts(suiteCtx, h.ID)
		Expect(err).NotTo(HaveOccurred())
		for _, b := range bindings {
			if b.InterfaceName == tap {
				return h.Name
			}
		}
	}
	return ""
}

func groupAddresses(name string) []string {
	groups, err := mn.ListIPAddrGroups(suiteCtx)
	Expect(err).NotTo(HaveOccurred())
	for _, g := range groups {
		if g.Name == name {
			addrs, err := mn.ListIPAddrGroupAddrs(suiteCtx, g.ID)
			Expect(err).NotTo(HaveOccurred())
			var out []string
			for _, a := range addrs {
				out = append(out, a.Addr)
			}
			return out
		}
	}
	return nil
}

var _ = Describe("a new interface's metadata address", func() {
	It("is never one MidoNet already maps for an interface not reconciled yet", func() {
		c := newCloud()
		c.create()
		c.waitReady()
		// The lowest metadata id no interface has recorded...
		enis := &vpcv1.NetworkInterfaceList{}
		Expect(k8s.List(suiteCtx, enis)).To(Succeed())
		used := map[string]bool{}
		for _, e := range enis.Items {
			used[e.Status.MetadataIP] = true
		}
		lowest := 10
		for used[fmt.Sprintf("255.0.0.%d", lowest)] {
			lowest++
		}
		taken := fmt.Sprintf("255.0.0.%d", lowest)
		// ...is mapped in MidoNet for an interface midovpc has not seen (built by eucanetd).
		_, err := mn.CreateRule(suiteCtx, chainByName("vc_"+c.vpc+"_mdulout").ID, &midonet.Rule{
			Type: "snat", FlowAction: "continue", NwSrcAddress: ptr(fmt.Sprintf("10.%d.1.99", c.n)), NwSrcLength: 32,
			NwDstAddress: ptr("169.254.169.248"), NwDstLength: 29,
			NatTargets: []midonet.NatTarget{{AddressFrom: taken, AddressTo: taken}},
		})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() []string { return chainAddresses("vc_" + c.vpc + "_mdulout") }, 10*time.Second, 100*time.Millisecond).
			Should(ContainElement(taken))
		// Let the index see it (the drift check re-reads every container once per resync
		// period, spread over it: under -race with many clouds, more than a second), then let
		// the allocator's snapshot of MidoNet's ids (at most a second old) see it, then add an
		// interface.
		chain := chainByName("vc_" + c.vpc + "_mdulout").ID
		Eventually(func() []string {
			var out []string
			for r := range running.Index.RulesIn(chain) {
				for _, t := range r.NatTargets {
					out = append(out, t.AddressFrom)
				}
			}
			return out
		}, 30*time.Second, 100*time.Millisecond).Should(ContainElement(taken))
		time.Sleep(1500 * time.Millisecond)
		eni := &vpcv1.NetworkInterface{ObjectMeta: objMeta(c.ns, hexID("eni", 0xee00+c.n)), Spec: vpcv1.NetworkInterfaceSpec{
			Subnet: c.subnet, MACAddress: vpcv1.MAC(fmt.Sprintf("d0:0d:00:00:ee:%02x", c.n)),
			PrivateIP: vpcv1.IPv4(fmt.Sprintf("10.%d.1.20", c.n)), SourceDestCheck: true, Node: "10.111.5.70"}}
		Expect(k8s.Create(suiteCtx, eni)).To(Succeed())
		waitAllReady(eni)
		Expect(eni.Status.MetadataIP).NotTo(BeEmpty())
		Expect(eni.Status.MetadataIP).NotTo(Equal(taken))
	})
})

// chainAddresses lists the NAT target addresses of a chain's rules.
func chainAddresses(chain string) []string {
	rules, err := mn.ListRules(suiteCtx, chainByName(chain).ID)
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, r := range rules {
		for _, t := range r.NatTargets {
			out = append(out, t.AddressFrom)
		}
	}
	return out
}
