package controllers_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Conditions and messages say precisely what is wrong, naming the object and the field.
var _ = Describe("status that tells the truth", Ordered, func() {
	var c *cloud
	BeforeAll(func() {
		c = newCloud()
		c.create()
		c.waitReady()
	})
	eni := func(n int, mutate func(*vpcv1.NetworkInterfaceSpec)) *vpcv1.NetworkInterface {
		e := &vpcv1.NetworkInterface{ObjectMeta: objMeta(c.ns, hexID("eni", 0x5000+n)), Spec: vpcv1.NetworkInterfaceSpec{Subnet: c.subnet,
			InstanceID: hexID("i", 0x5000+n), MACAddress: vpcv1.MAC(fmt.Sprintf("d0:0d:55:00:00:%02x", n)),
			PrivateIP: vpcv1.IPv4(fmt.Sprintf("10.%d.1.%d", c.n, 50+n)), SecurityGroups: []string{c.sg}, SourceDestCheck: true, Node: "10.111.5.70"}}
		mutate(&e.Spec)
		Expect(k8s.Create(suiteCtx, e)).To(Succeed())
		return e
	}

	It("says HostNotFound for an interface on a node MidoNet does not know", func() {
		e := eni(1, func(s *vpcv1.NetworkInterfaceSpec) { s.Node = "10.111.5.99" })
		expectRefused(e, vpcv1.ReasonHostNotFound, "10.111.5.99")
		Eventually(func() []string { return warningEvents(e, vpcv1.ReasonHostNotFound) }, 10*time.Second, 200*time.Millisecond).
			Should(ContainElement(ContainSubstring("node 10.111.5.99 has no MidoNet host")))
		deleteAndWait(e) // it would retry (and its port wait for a binding) every few seconds
	})

	It("names the interface and the field for a private IP outside its subnet", func() {
		e := eni(2, func(s *vpcv1.NetworkInterfaceSpec) { s.PrivateIP = "192.0.2.9" })
		expectRefused(e, vpcv1.ReasonInvalidSpec, "NetworkInterface "+e.Name+" spec.privateIP", "192.0.2.9", "not in subnet "+c.subnet)
		deleteAndWait(e)
	})

	It("names the subnet and the field for a CIDR outside its VPC", func() {
		sn := &vpcv1.Subnet{ObjectMeta: objMeta(c.ns, hexID("subnet", 0x5000+c.n)), Spec: vpcv1.SubnetSpec{VPC: c.vpc,
			CIDR: "192.0.2.0/24", AvailabilityZone: "one"}}
		Expect(k8s.Create(suiteCtx, sn)).To(Succeed())
		expectRefused(sn, vpcv1.ReasonInvalidSpec, "Subnet "+sn.Name+" spec.cidr", "192.0.2.0/24", "not inside VPC "+c.vpc)
		deleteAndWait(sn)
	})

	It("says plainly that a referenced subnet does not exist", func() {
		e := eni(3, func(s *vpcv1.NetworkInterfaceSpec) { s.Subnet = "subnet-deadbeef" })
		expectRefused(e, vpcv1.ReasonDependencyNotReady)
		Expect(readyCondition(e).Message).To(Equal("Subnet subnet-deadbeef does not exist"))
		deleteAndWait(e)
	})

	It("keeps Ready for what is in force and says what is left out in ReferencesResolved", func() {
		missing := hexID("sg", 0x5eee+c.n)
		sg := &vpcv1.SecurityGroup{ObjectMeta: objMeta(c.ns, hexID("sg", 0x5000+c.n)), Spec: vpcv1.SecurityGroupSpec{VPC: c.vpc,
			Ingress: []vpcv1.SecurityGroupRule{{Protocol: "tcp", Ports: &vpcv1.PortRange{From: 22, To: 22}, SecurityGroup: ptr(missing)}}}}
		Expect(k8s.Create(suiteCtx, sg)).To(Succeed())
		waitAllReady(sg)
		refs := func() metav1.Condition {
			Expect(k8s.Get(suiteCtx, client.ObjectKeyFromObject(sg), sg)).To(Succeed())
			if c := apimeta.FindStatusCondition(sg.Status.Conditions, vpcv1.ConditionReferencesResolved); c != nil {
				return *c
			}
			return metav1.Condition{}
		}
		Eventually(refs, 20*time.Second, 200*time.Millisecond).Should(And(
			HaveField("Status", metav1.ConditionFalse), HaveField("Reason", vpcv1.ReasonLeftOut), HaveField("Message", ContainSubstring(missing))))
		Eventually(func() []string { return warningEvents(sg, vpcv1.ReasonLeftOut) }, 10*time.Second, 200*time.Millisecond).
			Should(ContainElement(ContainSubstring(missing)))

		Expect(k8s.Create(suiteCtx, &vpcv1.SecurityGroup{ObjectMeta: objMeta(c.ns, missing), Spec: vpcv1.SecurityGroupSpec{VPC: c.vpc}})).To(Succeed())
		Eventually(refs, 20*time.Second, 200*time.Millisecond).Should(HaveField("Status", metav1.ConditionTrue))
	})
})

// deleteAndWait deletes objects and waits until they are gone, so that nothing of a spec is
// still at work when the next one counts writes.
func deleteAndWait(objs ...client.Object) {
	GinkgoHelper()
	for _, o := range objs {
		Expect(client.IgnoreNotFound(k8s.Delete(suiteCtx, o))).To(Succeed())
	}
	for _, o := range objs {
		Eventually(func() error { return k8s.Get(suiteCtx, client.ObjectKeyFromObject(o), o) }, 30*time.Second, 200*time.Millisecond).
			ShouldNot(Succeed())
	}
}
