package controllers_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// A resource converging from nothing needs two status updates: the claims (and the numbers
// it was given: a VPC's router index, an interface's metadata id) before its first MidoNet
// write, then Ready with its MidoNet ids. Each update is a request the API server serves
// while a whole cloud arrives at once; at 1,000 interfaces a third, the number written ahead
// on its own, was a thousand requests. Not counted here: a wait for a dependency that lasts
// its grace (reported), and the counts a resource shows of others (a group's members, the
// subnets a network ACL or route table is in force on), rewritten when those arrive after it
// is Ready.
var _ = Describe("the status updates of a cloud converging from nothing", func() {
	It("are at most two per resource, the first recording the claims and the numbers together", func() {
		c := newCloud()
		statusUpdates.watch(c.ns)
		c.create()
		c.waitReady()
		// A group's member count is coalesced over 5 s: wait until no update has arrived for
		// 6 s (under load the last ones can come well after Ready), then count them all.
		count := func() (n int) {
			for _, o := range c.objects() {
				n += len(statusUpdates.of(c.ns, resourceOf(o)+"/"+o.GetName()))
			}
			return n
		}
		last, since := count(), time.Now()
		Eventually(func() time.Duration {
			if n := count(); n != last {
				last, since = n, time.Now()
			}
			return time.Since(since)
		}, 90*time.Second, 500*time.Millisecond).Should(BeNumerically(">=", 6*time.Second), "status updates never settled")

		for _, o := range c.objects() {
			var updates []statusBody
			for _, body := range statusUpdates.of(c.ns, resourceOf(o)+"/"+o.GetName()) {
				var b statusBody
				Expect(json.Unmarshal(body, &b)).To(Succeed())
				if b.ready().Reason == vpcv1.ReasonDependencyNotReady {
					continue
				}
				if n := len(updates); n > 0 && b.recountOf(updates[n-1]) {
					updates[n-1] = b
					continue
				}
				updates = append(updates, b)
			}
			Expect(len(updates)).To(BeNumerically("<=", 2), "%T %s: status updates %s", o, o.GetName(), describe(updates))
			Expect(updates).NotTo(BeEmpty(), "%T %s was never reported Ready", o, o.GetName())
			Expect(updates[len(updates)-1].ready().Reason).To(Equal(vpcv1.ReasonReconciled), "%T %s", o, o.GetName())
		}
		for name, kind := range map[string]string{c.vpc: "vpcs", c.eni: "networkinterfaces"} {
			bodies := statusUpdates.of(c.ns, kind+"/"+name)
			Expect(bodies).NotTo(BeEmpty())
			for _, body := range bodies {
				var b statusBody
				Expect(json.Unmarshal(body, &b)).To(Succeed())
				if b.Status.RouterIndex != 0 || b.Status.MetadataIP != "" {
					Expect(b.Status.Claims).NotTo(BeEmpty(), "%s: its number was written apart from its claims", name)
					break
				}
			}
		}
	})
})

// statusBody is what these specs read of a status update.
type statusBody struct {
	Status struct {
		Conditions  []metav1.Condition `json:"conditions"`
		Claims      []string           `json:"claims"`
		RouterIndex int32              `json:"routerIndex"`
		MetadataIP  string             `json:"metadataIP"`
		Members     int32              `json:"members"`
		Subnets     int32              `json:"subnets"`
	} `json:"status"`
}

// recountOf tells whether b only recounts what uses a resource Ready in prev: a group's
// members, the subnets of a network ACL or a route table.
func (b statusBody) recountOf(prev statusBody) bool {
	if prev.ready().Reason != vpcv1.ReasonReconciled ||
		(b.Status.Members == prev.Status.Members && b.Status.Subnets == prev.Status.Subnets) {
		return false
	}
	prev.Status.Members, prev.Status.Subnets = b.Status.Members, b.Status.Subnets
	return equality.Semantic.DeepEqual(b.Status, prev.Status)
}

func (b statusBody) ready() metav1.Condition {
	for _, c := range b.Status.Conditions {
		if c.Type == vpcv1.ConditionReady {
			return c
		}
	}
	return metav1.Condition{}
}

// describe says what each update recorded, for a failure's message.
func describe(updates []statusBody) string {
	s := ""
	for i, b := range updates {
		s += fmt.Sprintf("\n  %d: Ready=%s claims=%d routerIndex=%d metadataIP=%q members=%d subnets=%d",
			i+1, b.ready().Reason, len(b.Status.Claims), b.Status.RouterIndex, b.Status.MetadataIP, b.Status.Members, b.Status.Subnets)
	}
	return s
}

// resourceOf is the API resource of an object of the cloud ("networkinterfaces"): each kind's
// plural is its lower-cased name with an s.
func resourceOf(o client.Object) string {
	gvk, err := apiutil.GVKForObject(o, k8s.Scheme())
	Expect(err).NotTo(HaveOccurred())
	return strings.ToLower(gvk.Kind) + "s"
}
