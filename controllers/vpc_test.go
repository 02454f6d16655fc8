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

var _ = Describe("a VPC", Ordered, func() {
	var c *cloud
	BeforeAll(func() {
		c = newCloud()
		c.create()
		c.waitReady()
	})

	It("becomes the MidoNet topology of the original's naming scheme", func() {
		vpc := &vpcv1.Vpc{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.vpc}, vpc)).To(Succeed())
		Expect(vpc.Status.RouterIndex).To(BeNumerically(">=", 2))
		router := fmt.Sprintf("vr_%s_%d", c.vpc, vpc.Status.RouterIndex)
		Expect(vpc.Status.RouterName).To(Equal(router))
		names := midonetNames()
		Expect(names).To(ContainElements(
			"router:eucart", "bridge:eucabr", "router:"+router,
			"bridge:vb_"+c.vpc+"_"+c.subnet,
			"chain:vc_"+c.vpc+"_prechain", "chain:vc_"+c.vpc+"_preelip", "chain:vc_"+c.vpc+"_postchain",
			"chain:sc_"+c.subnet+"_in", "chain:sc_"+c.subnet+"_out",
			"chain:acl_ingress_"+c.vpc+"_"+c.acl, "chain:acl_egress_"+c.vpc+"_"+c.acl,
			"chain:sg_ingress_"+c.sg, "chain:sg_egress_"+c.sg,
			"chain:ic_"+c.instance+"_prechain", "chain:ic_"+c.instance+"_postchain",
			"group:sg_all_"+c.sg, "group:elip_pre_"+c.instance, "group:elip_post_"+c.instance,
		))
		// The interface's egress chain: anti-spoofing, return flow, .2/31, metadata, the
		// group's jump, the final drop (translation.md §6.4).
		rules, err := mn.ListRules(suiteCtx, chainByName("ic_"+c.instance+"_prechain").ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(rules).To(HaveLen(9))
		Expect(rules[7].Type).To(Equal("jump"))
		Expect(midonet.Deref(rules[7].JumpChainID)).To(Equal(chainByName("sg_egress_" + c.sg).ID))
		Expect(rules[8].Type).To(Equal("drop"))

		// The elastic IP: a /32 on eucart through the VPC uplink.
		eucart := routerNamed("eucart")
		routes, err := mn.ListRoutes(suiteCtx, eucart.ID)
		Expect(err).NotTo(HaveOccurred())
		var found bool
		for _, r := range routes {
			if r.DstNetworkAddr == c.publicIP && r.DstNetworkLength == 32 {
				found = true
				Expect(midonet.Deref(r.NextHopGateway)).To(Equal(fmt.Sprintf("169.254.0.%d", vpc.Status.RouterIndex)))
				Expect(r.Weight).To(Equal(100))
			}
		}
		Expect(found).To(BeTrue(), "eucart has a route for the elastic IP")
	})

	It("changes one security-group rule with exactly the writes that rule needs", func() {
		chain := chainByName("sg_ingress_" + c.sg)
		before, err := mn.ListRules(suiteCtx, chain.ID)
		Expect(err).NotTo(HaveOccurred())
		mido.Server.ResetRequests()

		sg := &vpcv1.SecurityGroup{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.sg}, sg)).To(Succeed())
		sg.Spec.Ingress[0].Ports = &vpcv1.PortRange{From: 2222, To: 2222}
		Expect(k8s.Update(suiteCtx, sg)).To(Succeed())

		Eventually(func() int {
			rules, err := mn.ListRules(suiteCtx, chain.ID)
			Expect(err).NotTo(HaveOccurred())
			if len(rules) != len(before) || rules[0].TpDst == nil {
				return 0
			}
			return rules[0].TpDst.Start
		}, 20*time.Second, 100*time.Millisecond).Should(Equal(2222))
		c.waitReady()
		// One insert of the new rule and one delete of the old, and nothing else anywhere.
		Consistently(func() int64 { return mido.Server.Writes() }, 2*time.Second, 200*time.Millisecond).Should(Equal(int64(2)))
		for _, r := range mido.Server.Requests() {
			if r.Method != "GET" {
				Expect(r.Path).To(Or(ContainSubstring(chain.ID), ContainSubstring("/rules/")), "write %s %s", r.Method, r.Path)
			}
		}
	})

	It("repairs a bridge and a rule deleted behind its back", func() {
		bridge := bridgeNamed("vb_" + c.vpc + "_" + c.subnet)
		Expect(mn.DeleteBridge(suiteCtx, bridge.ID)).To(Succeed())
		chain := chainByName("sg_egress_" + c.sg)
		rules, err := mn.ListRules(suiteCtx, chain.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(rules).To(HaveLen(1))
		Expect(mn.DeleteRule(suiteCtx, rules[0].ID)).To(Succeed())

		Eventually(func() []string { return midonetNames() }, 30*time.Second, 250*time.Millisecond).
			Should(ContainElement("bridge:vb_" + c.vpc + "_" + c.subnet))
		Eventually(func() int {
			rules, err := mn.ListRules(suiteCtx, chain.ID)
			Expect(err).NotTo(HaveOccurred())
			return len(rules)
		}, 30*time.Second, 250*time.Millisecond).Should(Equal(1))
		// The interface's port on the new bridge is back, bound to its tap.
		Eventually(func() int {
			ports, err := mn.ListBridgePorts(suiteCtx, bridgeNamed("vb_"+c.vpc+"_"+c.subnet).ID)
			Expect(err).NotTo(HaveOccurred())
			return len(ports)
		}, 30*time.Second, 250*time.Millisecond).Should(Equal(2))
	})
})

var _ = Describe("deleting a VPC", func() {
	It("removes every MidoNet object it owned and nothing else", func() {
		keep := newCloud()
		keep.create()
		c := newCloud()
		c.create()
		c.waitReady()
		keep.waitReady()

		// Objects that are not ours: another tenant's router named like ours, and objects of
		// our tenant outside the naming scheme.
		foreign, err := mn.CreateRouter(suiteCtx, &midonet.Router{Name: "vr_" + c.vpc + "_99", TenantID: "other_tenant"})
		Expect(err).NotTo(HaveOccurred())
		custom, err := mn.CreateChain(suiteCtx, &midonet.Chain{Name: "operator_chain_" + c.vpc, TenantID: tenant})
		Expect(err).NotTo(HaveOccurred())
		_, err = mn.CreateRule(suiteCtx, custom.ID, &midonet.Rule{Type: "accept"})
		Expect(err).NotTo(HaveOccurred())
		lab, err := mn.CreateBridge(suiteCtx, &midonet.Bridge{Name: "lab-bridge", TenantID: tenant})
		Expect(err).NotTo(HaveOccurred())
		others := mentioning(midonetNames(), keep.vpc, keep.subnet, keep.sg, keep.instance)
		Expect(others).NotTo(BeEmpty())

		Expect(k8s.Delete(suiteCtx, &vpcv1.Vpc{ObjectMeta: objMeta(c.ns, c.vpc)})).To(Succeed())
		Eventually(func() bool {
			err := k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.vpc}, &vpcv1.Vpc{})
			return err != nil
		}, 60*time.Second, 250*time.Millisecond).Should(BeTrue(), "the Vpc and its dependents are gone")

		left := mentioning(midonetNames(), c.vpc, c.subnet, c.sg, c.instance)
		Expect(left).To(ConsistOf("chain:operator_chain_" + c.vpc))
		Expect(mentioning(midonetNames(), keep.vpc, keep.subnet, keep.sg, keep.instance)).To(ConsistOf(others))
		_, err = mn.GetRouter(suiteCtx, foreign.ID)
		Expect(err).NotTo(HaveOccurred())
		rules, err := mn.ListRules(suiteCtx, custom.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(rules).To(HaveLen(1))
		_, err = mn.GetBridge(suiteCtx, lab.ID)
		Expect(err).NotTo(HaveOccurred())
	})
})

func routerNamed(name string) midonet.Router {
	routers, err := mn.ListRouters(suiteCtx, tenant)
	Expect(err).NotTo(HaveOccurred())
	for _, r := range routers {
		if r.Name == name {
			return r
		}
	}
	Fail("no router " + name)
	return midonet.Router{}
}

func bridgeNamed(name string) midonet.Bridge {
	bridges, err := mn.ListBridges(suiteCtx, tenant)
	Expect(err).NotTo(HaveOccurred())
	for _, b := range bridges {
		if b.Name == name {
			return b
		}
	}
	Fail("no bridge " + name)
	return midonet.Bridge{}
}
