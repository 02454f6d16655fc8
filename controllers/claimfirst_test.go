package controllers_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/testenv"
)

// A resource's claims rank it ahead of a contender only if they are on record before it
// writes: after a restart, statuses are all the manager knows of who acted. So every first
// MidoNet write of a resource must find its claims in its status already. This spec runs its
// own manager against the suite's emulator through a listener that, at every write, notes
// what each resource whose name the write carries had recorded by then. The numbers a VPC or
// an interface is given (router index, metadata id) go with the claims, and are on record as
// early.
var _ = Describe("a resource's first MidoNet write", Serial, func() {
	It("finds the resource's claims recorded in its status", func() {
		ensureCoreNetwork()
		waitAllReady(&vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: "default"}})
		stopManager()
		DeferCleanup(func() { startManager(time.Second) })

		c := newCloud()
		// The resources that claim something (a cloud id, an address), each with the names of
		// the MidoNet objects only it creates (its first sync creates its chains first); route
		// tables and internet gateways claim nothing.
		marks := map[string][]string{
			c.vpc:    {"vc_" + c.vpc + "_", "vr_" + c.vpc + "_"},
			c.subnet: {"vb_" + c.vpc + "_" + c.subnet, "sc_" + c.subnet + "_"},
			c.sg:     {"sg_ingress_" + c.sg, "sg_egress_" + c.sg},
			c.acl:    {"acl_ingress_" + c.vpc + "_" + c.acl, "acl_egress_" + c.vpc + "_" + c.acl},
			c.eni:    {"ic_" + c.instance + "_", "elip_pre_" + c.instance, "elip_post_" + c.instance},
			c.eip:    {`"` + c.publicIP + `"`},
		}
		var objs []client.Object
		for _, o := range c.objects() {
			if _, ok := marks[o.GetName()]; ok {
				objs = append(objs, o)
			}
		}
		var mu sync.Mutex
		firstSeen := map[string][]string{} // resource name → its recorded claims at its first write
		numbers := map[string]string{}     // the VPC's router index and the interface's metadata IP then
		noted := func(r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			text := r.URL.Path + " " + string(body)
			for _, o := range objs {
				mu.Lock()
				_, done := firstSeen[o.GetName()]
				mu.Unlock()
				if done || !slices.ContainsFunc(marks[o.GetName()], func(m string) bool { return strings.Contains(text, m) }) {
					continue
				}
				cur := o.DeepCopyObject().(client.Object)
				var claims []string
				var number string
				if err := k8s.Get(suiteCtx, client.ObjectKeyFromObject(o), cur); err == nil {
					claims = cur.(interface {
						GetReconcileStatus() *vpcv1.ReconcileStatus
					}).GetReconcileStatus().Claims
					switch x := cur.(type) {
					case *vpcv1.Vpc:
						number = fmt.Sprint(x.Status.RouterIndex)
					case *vpcv1.NetworkInterface:
						number = x.Status.MetadataIP
					}
				}
				mu.Lock()
				if _, done := firstSeen[o.GetName()]; !done {
					firstSeen[o.GetName()] = append([]string{}, claims...)
					numbers[o.GetName()] = number
				}
				mu.Unlock()
			}
		}
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet {
				noted(r)
			}
			mido.Server.ServeHTTP(w, r)
		}))
		DeferCleanup(ts.Close)
		m, err := env.StartManager(testenv.ManagerOptions{MidoNetURL: ts.URL + sim.RootPath, Tenant: tenant, Resync: time.Second})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { Expect(m.Stop()).To(Succeed()) })

		c.create()
		c.waitReady()
		mu.Lock()
		defer mu.Unlock()
		Expect(firstSeen).To(HaveKey(c.vpc), "the VPC's chains carry its id")
		Expect(firstSeen).To(HaveKey(c.eni), "the interface's chains carry its instance id")
		for name, claims := range firstSeen {
			Expect(claims).NotTo(BeEmpty(), "%s wrote to MidoNet before its status recorded its claims", name)
		}
		Expect(firstSeen[c.eni]).To(HaveLen(3), "an interface claims its name, its private IP and its MAC")
		// The numbers MidoNet objects are built with are on record as early (they go with the
		// claims), and are the ones the resources end with.
		vpc, eni := &vpcv1.Vpc{}, &vpcv1.NetworkInterface{}
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.vpc}, vpc)).To(Succeed())
		Expect(k8s.Get(suiteCtx, client.ObjectKey{Namespace: c.ns, Name: c.eni}, eni)).To(Succeed())
		Expect(numbers[c.vpc]).To(Equal(fmt.Sprint(vpc.Status.RouterIndex)), "the VPC's router index at its first write")
		Expect(vpc.Status.RouterIndex).NotTo(BeZero())
		Expect(numbers[c.eni]).To(Equal(eni.Status.MetadataIP), "the interface's metadata IP at its first write")
		Expect(eni.Status.MetadataIP).NotTo(BeEmpty())
	})
})
