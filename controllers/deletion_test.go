package controllers_test

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// eventsOf returns "Reason: message" of the events recorded on one object.
func eventsOf(ns, name string) []string {
	var l corev1.EventList
	Expect(k8s.List(suiteCtx, &l, client.InNamespace(ns))).To(Succeed())
	var out []string
	for _, e := range l.Items {
		if e.InvolvedObject.Name == name {
			out = append(out, e.Reason+": "+e.Message)
		}
	}
	return out
}

func gone(o client.Object) func() bool {
	return func() bool { return k8s.Get(suiteCtx, client.ObjectKeyFromObject(o), o) != nil }
}

// routerPorts counts the ports of the VPC's router (the uplinks and one per subnet).
func routerPorts(c *cloud) int {
	vpc := &vpcv1.Vpc{}
	Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.vpc}, vpc)).To(Succeed())
	ports, err := mn.ListRouterPorts(suiteCtx, routerNamed(vpc.Status.RouterName).ID)
	Expect(err).NotTo(HaveOccurred())
	return len(ports)
}

var _ = Describe("deleting a parent", func() {
	It("records an event on the Vpc and the Subnet naming the children each deletes", func() {
		c := newCloud()
		c.create()
		c.waitReady()
		vpc := &vpcv1.Vpc{ObjectMeta: objMeta(c.ns, c.vpc)}
		Expect(k8s.Delete(suiteCtx, vpc)).To(Succeed())
		Eventually(gone(vpc), 60*time.Second, 250*time.Millisecond).Should(BeTrue())
		Eventually(func() []string { return eventsOf(c.ns, c.vpc) }, 10*time.Second, 200*time.Millisecond).Should(ContainElements(
			"DeletingChildren: deleting Subnet "+c.subnet,
			fmt.Sprintf("DeletingChildren: deleting SecurityGroup %s; RouteTable %s; NetworkAcl %s", c.sg, c.rtb, c.acl)))
		Eventually(func() []string { return eventsOf(c.ns, c.subnet) }, 10*time.Second, 200*time.Millisecond).Should(
			ContainElement("DeletingChildren: deleting NetworkInterface " + c.eni))
		Expect(mentioning(midonetNames(), c.vpc, c.subnet, c.sg, c.instance)).To(BeEmpty())
	})

	It("names what holds up a deletion: the group waits for the interface that uses it", func() {
		c := newCloud()
		c.create()
		c.waitReady()
		sg := &vpcv1.SecurityGroup{ObjectMeta: objMeta(c.ns, c.sg)}
		Expect(k8s.Delete(suiteCtx, sg)).To(Succeed())
		Eventually(func() string {
			cond := readyCondition(sg)
			if cond == nil {
				return ""
			}
			return cond.Reason + ": " + cond.Message
		}, 30*time.Second, 200*time.Millisecond).Should(Equal("Deleting: waiting for what uses it to be deleted: NetworkInterface " + c.eni))
		eni := &vpcv1.NetworkInterface{ObjectMeta: objMeta(c.ns, c.eni)}
		Expect(k8s.Delete(suiteCtx, eni)).To(Succeed())
		Eventually(gone(sg), 60*time.Second, 250*time.Millisecond).Should(BeTrue())
		deleteAndWait(c.objects()...)
	})

	It("honours kubectl delete --cascade=orphan: the children stay, in Kubernetes and in MidoNet, and come back when the parent does", func() {
		c := newCloud()
		c.create()
		c.waitReady()
		before := mentioning(midonetNames(), c.vpc, c.subnet, c.sg, c.instance)
		portsBefore := routerPorts(c)
		vpc := &vpcv1.Vpc{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.vpc}, vpc)).To(Succeed())
		oldUID := vpc.UID
		children := []client.Object{
			&vpcv1.Subnet{ObjectMeta: objMeta(c.ns, c.subnet)}, &vpcv1.SecurityGroup{ObjectMeta: objMeta(c.ns, c.sg)},
			&vpcv1.RouteTable{ObjectMeta: objMeta(c.ns, c.rtb)}, &vpcv1.NetworkAcl{ObjectMeta: objMeta(c.ns, c.acl)},
		}
		for _, ch := range children {
			Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(ch), ch)).To(Succeed())
			Expect(ch.GetOwnerReferences()).To(ContainElement(HaveField("UID", oldUID)), "%T %s", ch, ch.GetName())
		}
		mido.Server.ResetRequests()

		// What kubectl delete --cascade=orphan sends.
		Expect(k8s.Delete(suiteCtx, vpc, client.PropagationPolicy(metav1.DeletePropagationOrphan))).To(Succeed())
		Eventually(gone(vpc), 60*time.Second, 250*time.Millisecond).Should(BeTrue(),
			"the Vpc goes without a garbage collector (the reconciler removes the orphan finalizer)")

		By("the children stay, without an owner reference to the deleted Vpc")
		for _, ch := range children {
			Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(ch), ch)).To(Succeed(), "%T %s", ch, ch.GetName())
			Expect(ch.GetDeletionTimestamp()).To(BeNil(), "%T %s", ch, ch.GetName())
			Expect(ch.GetOwnerReferences()).NotTo(ContainElement(HaveField("UID", oldUID)), "%T %s", ch, ch.GetName())
		}
		Expect(eventsOf(c.ns, c.vpc)).To(ContainElement(
			fmt.Sprintf("OrphaningChildren: orphaning Subnet %s; SecurityGroup %s; RouteTable %s; NetworkAcl %s: they stay, without their owner reference to %s",
				c.subnet, c.sg, c.rtb, c.acl, c.vpc)))
		Expect(eventsOf(c.ns, c.vpc)).To(ContainElement(ContainSubstring("kept its")))

		By("the orphaned subnet reports its missing VPC and MidoNet keeps what it stands on")
		Eventually(func() string {
			sn := &vpcv1.Subnet{}
			Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.subnet}, sn)).To(Succeed())
			if cond := apimeta.FindStatusCondition(sn.Status.Conditions, vpcv1.ConditionReady); cond != nil && cond.Status == metav1.ConditionFalse {
				return cond.Reason + ": " + cond.Message
			}
			return ""
		}, 30*time.Second, 200*time.Millisecond).Should(And(HavePrefix(vpcv1.ReasonDependencyNotReady), ContainSubstring(c.vpc)))
		Expect(mentioning(midonetNames(), c.vpc, c.subnet, c.sg, c.instance)).To(ConsistOf(before))
		for _, r := range mido.Server.Requests() {
			Expect(r.Method).NotTo(Equal("DELETE"), "%s %s: orphaning deletes nothing in MidoNet", r.Method, r.Path)
		}

		By("re-creating the Vpc adopts its MidoNet objects and the orphans come back in force")
		Expect(k8s.Create(suiteCtx, &vpcv1.Vpc{ObjectMeta: objMeta(c.ns, c.vpc), Spec: vpcv1.VpcSpec{CIDR: vpcv1.CIDR(fmt.Sprintf("10.%d.0.0/16", c.n))}})).To(Succeed())
		c.waitReady()
		Expect(mentioning(midonetNames(), c.vpc, c.subnet, c.sg, c.instance)).To(ConsistOf(before))
		Expect(routerPorts(c)).To(Equal(portsBefore))
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.vpc}, vpc)).To(Succeed())
		Eventually(func() []metav1.OwnerReference {
			sn := &vpcv1.Subnet{}
			Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.subnet}, sn)).To(Succeed())
			return sn.OwnerReferences
		}, 30*time.Second, 200*time.Millisecond).Should(ContainElement(HaveField("UID", vpc.UID)))

		By("deleting it again, without orphaning, removes everything")
		Expect(k8s.Delete(suiteCtx, vpc)).To(Succeed())
		Eventually(gone(vpc), 60*time.Second, 250*time.Millisecond).Should(BeTrue())
		Expect(mentioning(midonetNames(), c.vpc, c.subnet, c.sg, c.instance)).To(BeEmpty())
	})

	It("with --cascade=orphan and no children, deletes the parent's MidoNet objects", func() {
		c := newCloud()
		ensureCoreNetwork()
		Expect(k8s.Create(suiteCtx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: c.ns}})).To(Succeed())
		vpc := &vpcv1.Vpc{ObjectMeta: objMeta(c.ns, c.vpc), Spec: vpcv1.VpcSpec{CIDR: vpcv1.CIDR(fmt.Sprintf("10.%d.0.0/16", c.n))}}
		Expect(k8s.Create(suiteCtx, vpc)).To(Succeed())
		waitAllReady(vpc)
		Expect(strings.Join(mentioning(midonetNames(), c.vpc), " ")).To(ContainSubstring("router:vr_" + c.vpc))
		Expect(k8s.Delete(suiteCtx, vpc, client.PropagationPolicy(metav1.DeletePropagationOrphan))).To(Succeed())
		Eventually(gone(vpc), 60*time.Second, 250*time.Millisecond).Should(BeTrue())
		Expect(mentioning(midonetNames(), c.vpc)).To(BeEmpty())
	})
})
