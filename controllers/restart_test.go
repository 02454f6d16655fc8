package controllers_test

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// These specs restart the manager, so they run on their own.
var _ = Describe("a manager started over a converged MidoNet", Serial, Ordered, func() {
	var c *cloud
	BeforeAll(func() {
		c = newCloud()
		c.create()
		c.waitReady()
	})

	It("makes zero writes after a restart, and still reconciles changes", func() {
		stopManager()
		mido.Server.ResetRequests()
		startManager(time.Second)
		// The new manager reads MidoNet once (its index)...
		Eventually(func() int { return len(mido.Server.Requests()) }, 20*time.Second, 100*time.Millisecond).Should(BeNumerically(">", 0))
		c.waitReady()
		// ...and finds nothing to write.
		Consistently(func() int64 { return mido.Server.Writes() }, 3*time.Second, 200*time.Millisecond).Should(BeZero())

		sg := &vpcv1.SecurityGroup{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.sg}, sg)).To(Succeed())
		sg.Spec.Egress = append(sg.Spec.Egress, vpcv1.SecurityGroupRule{Protocol: "udp", Ports: &vpcv1.PortRange{From: 53, To: 53}, CIDR: ptr(vpcv1.CIDR("10.0.0.0/8"))})
		Expect(k8s.Update(suiteCtx, sg)).To(Succeed())
		Eventually(func() int64 { return mido.Server.Writes() }, 20*time.Second, 100*time.Millisecond).Should(Equal(int64(1)))
	})

	It("adopts a topology built under the original's names, with zero writes", func() {
		// Make MidoNet hold the same topology under ids midovpc never saw (as if eucanetd had
		// built it), and make the resources forget everything they recorded.
		stopManager()
		dir := GinkgoT().TempDir()
		snap := filepath.Join(dir, "state.json")
		Expect(mido.Server.Save(snap)).To(Succeed())
		data, err := os.ReadFile(snap)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(snap, remapUUIDs(data), 0o600)).To(Succeed())
		Expect(mido.Server.Load(snap)).To(Succeed())
		forgetStatus()

		mido.Server.ResetRequests()
		startManager(time.Second)
		c.waitReady()
		Consistently(func() int64 { return mido.Server.Writes() }, 3*time.Second, 200*time.Millisecond).Should(BeZero())
		vpc := &vpcv1.Vpc{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.vpc}, vpc)).To(Succeed())
		Expect(vpc.Status.RouterID).To(Equal(routerNamed(vpc.Status.RouterName).ID), "the adopted router's id is recorded")
	})
})

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// remapUUIDs replaces every UUID of a snapshot by a fresh random one, consistently.
func remapUUIDs(data []byte) []byte {
	m := map[string]string{}
	return uuidRE.ReplaceAllFunc(data, func(id []byte) []byte {
		if n, ok := m[string(id)]; ok {
			return []byte(n)
		}
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		n := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
		m[string(id)] = n
		return []byte(n)
	})
}

// forgetStatus clears the status of every resource, as if midovpc had never run.
func forgetStatus() {
	lists := []client.ObjectList{
		&vpcv1.CoreNetworkList{}, &vpcv1.VpcList{}, &vpcv1.SubnetList{}, &vpcv1.SecurityGroupList{},
		&vpcv1.NetworkInterfaceList{}, &vpcv1.ElasticIPList{}, &vpcv1.RouteTableList{}, &vpcv1.InternetGatewayList{},
		&vpcv1.NatGatewayList{}, &vpcv1.NetworkAclList{}, &vpcv1.DhcpOptionSetList{},
	}
	for _, l := range lists {
		Expect(k8s.List(suiteCtx, l)).To(Succeed())
		items, err := metaItems(l)
		Expect(err).NotTo(HaveOccurred())
		for _, o := range items {
			clearStatus(o)
			Expect(k8s.Status().Update(suiteCtx, o)).To(Succeed())
		}
	}
}
