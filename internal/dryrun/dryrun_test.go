package dryrun_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"

	"github.com/midovpc/midovpc/internal/dryrun"
	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/testcloud"
)

// counts are writes by action.
type counts struct{ create, update, delete int }

// TestPredictionIsWhatTheControllersDo converges the sample view into the emulator through
// the manager, then for each edit predicts the MidoNet writes (no write reaches the emulator)
// and applies it: the controllers then make exactly the writes predicted.
func TestPredictionIsWhatTheControllersDo(t *testing.T) {
	sample, err := os.ReadFile(filepath.Join("testdata", "global_network_info.xml"))
	if err != nil {
		t.Fatal(err)
	}
	cloud, err := testcloud.StartCloud(t.TempDir(), sample, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cloud.Stop)
	ctx := context.Background()

	predict := func(t *testing.T, view []byte) *dryrun.Result {
		t.Helper()
		snap, err := cloud.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p, err := globalview.ProjectDocument(view, globalview.DefaultNamespace)
		if err != nil {
			t.Fatal(err)
		}
		changes, err := (&globalview.Applier{Client: client.NewDryRunClient(cloud.Env.Client)}).Plan(ctx, p, true)
		if err != nil {
			t.Fatal(err)
		}
		live, err := dryrun.LiveObjects(ctx, cloud.Env.Client)
		if err != nil {
			t.Fatal(err)
		}
		pruned, err := dryrun.Pruned(live, changes)
		if err != nil {
			t.Fatal(err)
		}
		writes := cloud.MidoNet.Server.Writes()
		res, err := dryrun.Run(ctx, dryrun.Input{Tenant: cloud.Tenant, MidoNet: dryrun.ContentsOf(snap), Live: live, Apply: p.Objects(), Delete: pruned})
		if err != nil {
			t.Fatal(err)
		}
		if got := cloud.MidoNet.Server.Writes(); got != writes {
			t.Errorf("the prediction wrote %d times to MidoNet", got-writes)
		}
		for _, o := range res.Objects {
			if o.Error != "" {
				t.Errorf("%s: %s", o.Ref(), o.Error)
			}
			for _, w := range o.Writes {
				t.Logf("%s: %s %s", o.Ref(), w.Action, w.What)
			}
		}
		return res
	}
	apply := func(t *testing.T, view []byte) counts {
		t.Helper()
		if _, err := cloud.Snapshot(ctx); err != nil { // settled before
			t.Fatal(err)
		}
		cloud.MidoNet.Server.ResetRequests()
		if err := cloud.Apply(view, 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := cloud.Snapshot(ctx); err != nil { // pruned objects removed
			t.Fatal(err)
		}
		var c counts
		for _, r := range cloud.MidoNet.Server.Requests() {
			if !r.Changed {
				continue
			}
			switch r.Method {
			case http.MethodPost:
				c.create++
			case http.MethodPut:
				c.update++
			case http.MethodDelete:
				c.delete++
			}
		}
		return c
	}
	step := func(t *testing.T, view []byte, want func(t *testing.T, res *dryrun.Result)) {
		res := predict(t, view)
		predicted := counts{res.Create, res.Update, res.Delete}
		want(t, res)
		if got := apply(t, view); got != predicted {
			t.Errorf("predicted %+v writes, the controllers made %+v", predicted, got)
		}
	}
	version := 1
	next := func(view string) []byte {
		version++
		return []byte(strings.Replace(view, `<network-data version="3f9c1e7a"`, fmt.Sprintf(`<network-data version="%08x"`, version), 1))
	}

	t.Run("unchanged", func(t *testing.T) {
		res := predict(t, sample)
		if res.Create+res.Update+res.Delete != 0 || len(res.Objects) != 0 {
			t.Errorf("the applied view predicts %d writes: %+v", res.Create+res.Update+res.Delete, res.Objects)
		}
	})

	view := string(sample)
	t.Run("one rule added", func(t *testing.T) {
		view = strings.Replace(view, "<ingressRules>\n", "<ingressRules>\n                <rule>\n                    <protocol>6</protocol>\n                    <fromPort>443</fromPort>\n                    <toPort>443</toPort>\n                    <cidr>0.0.0.0/0</cidr>\n                </rule>\n", 1)
		step(t, next(view), func(t *testing.T, res *dryrun.Result) {
			if res.Create != 1 || res.Update != 0 || res.Delete != 0 || len(res.Objects) != 1 {
				t.Fatalf("predicted %d creates, %d updates, %d deletes over %d objects, want 1 create", res.Create, res.Update, res.Delete, len(res.Objects))
			}
			o := res.Objects[0]
			if o.Ref() != "SecurityGroup eucalyptus-vpc/sg-5e5e5e5e" || !strings.HasPrefix(o.Writes[0].What, "rule #") ||
				!strings.Contains(o.Writes[0].What, "in sg_ingress_sg-5e5e5e5e: accept proto 6") || !strings.Contains(o.Writes[0].What, "dport 443-443") {
				t.Errorf("predicted %s: %+v", o.Ref(), o.Writes)
			}
		})
	})

	t.Run("instance removed", func(t *testing.T) {
		start := strings.Index(view, `<instance name="i-12345678">`)
		end := strings.Index(view[start:], "</instance>") + start + len("</instance>")
		view = view[:start] + view[end:]
		view = strings.Replace(view, "<value>i-12345678</value>", "", 1)
		step(t, next(view), func(t *testing.T, res *dryrun.Result) {
			if res.Create != 0 || res.Delete == 0 {
				t.Errorf("predicted %d creates and %d deletes, want deletes only", res.Create, res.Delete)
			}
			var eni bool
			for _, o := range res.Objects {
				eni = eni || o.Ref() == "NetworkInterface eucalyptus-vpc/eni-b2b2b2b2"
			}
			if !eni {
				t.Errorf("no writes predicted for the removed interface: %+v", res.Objects)
			}
		})
	})

	t.Run("VPC added", func(t *testing.T) {
		vpc := "        <vpc name=\"vpc-9a9a9a9a\">\n            <ownerId>123456789012</ownerId>\n            <cidr>192.168.0.0/16</cidr>\n" +
			"            <subnets/>\n            <networkAcls/>\n            <routeTables/>\n            <natGateways/>\n            <internetGateways/>\n        </vpc>\n    </vpcs>"
		view = strings.Replace(view, "    </vpcs>", vpc, 1)
		step(t, next(view), func(t *testing.T, res *dryrun.Result) {
			var router bool
			for _, o := range res.Objects {
				for _, w := range o.Writes {
					if strings.Contains(w.What, "vr_vpc-9a9a9a9a_") {
						router = router || w.What == "router vr_vpc-9a9a9a9a_<new index>"
						if !strings.Contains(w.What, "vr_vpc-9a9a9a9a_<new index>") {
							t.Errorf("the new router is named by a number the controllers may not pick: %s", w.What)
						}
					}
				}
			}
			if !router || res.Create == 0 || res.Delete != 0 {
				t.Errorf("predicted %d creates, %d deletes, router created: %v", res.Create, res.Delete, router)
			}
		})
	})

	t.Run("route added to a route table", func(t *testing.T) {
		view = strings.Replace(view, "<destinationCidr>0.0.0.0/0</destinationCidr>\n                            <gatewayId>igw-7a8b9c0d</gatewayId>\n                        </route>\n",
			"<destinationCidr>0.0.0.0/0</destinationCidr>\n                            <gatewayId>igw-7a8b9c0d</gatewayId>\n                        </route>\n"+
				"                        <route>\n                            <destinationCidr>192.0.2.0/24</destinationCidr>\n                            <networkInterfaceId>eni-c3c3c3c3</networkInterfaceId>\n                        </route>\n", 1)
		step(t, next(view), func(t *testing.T, res *dryrun.Result) {
			// The routes of a route table live on its subnets' router: the subnets write.
			var subnets int
			for _, o := range res.Objects {
				if o.Kind != "Subnet" {
					t.Errorf("%s writes: %+v", o.Ref(), o.Writes)
					continue
				}
				subnets++
				if len(o.Writes) != 1 || o.Writes[0].Action != "create" || !strings.Contains(o.Writes[0].What, "→ 192.0.2.0/24 gw ") {
					t.Errorf("%s writes %+v, want one route to 192.0.2.0/24", o.Ref(), o.Writes)
				}
			}
			if subnets == 0 {
				t.Error("no subnet writes the new route")
			}
		})
	})

	t.Run("interface on an unknown node", func(t *testing.T) {
		// A manifest applied by hand: an interface on a node MidoNet has no host for. The
		// prediction stops where the controllers would, and says why.
		snap, err := cloud.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		live, err := dryrun.LiveObjects(ctx, cloud.Env.Client)
		if err != nil {
			t.Fatal(err)
		}
		eni := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Namespace: globalview.DefaultNamespace, Name: "eni-d9d9d9d9"},
			Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-11aa22bb", InstanceID: "i-d9d9d9d9", MACAddress: "d0:0d:d9:d9:d9:d9",
				PrivateIP: "10.0.1.99", SecurityGroups: []string{"sg-5e5e5e5e"}, SourceDestCheck: true, Node: "10.111.5.99"}}
		writes := cloud.MidoNet.Server.Writes()
		res, err := dryrun.Run(ctx, dryrun.Input{Tenant: cloud.Tenant, MidoNet: dryrun.ContentsOf(snap), Live: live, Apply: []client.Object{eni}})
		if err != nil {
			t.Fatal(err)
		}
		if cloud.MidoNet.Server.Writes() != writes {
			t.Error("the prediction wrote to MidoNet")
		}
		var said bool
		for _, o := range res.Objects {
			t.Logf("%s: %d writes, %s", o.Ref(), len(o.Writes), o.Error)
			said = said || (o.Ref() == "NetworkInterface eucalyptus-vpc/eni-d9d9d9d9" && strings.Contains(o.Error, "HostNotFound") && strings.Contains(o.Error, "10.111.5.99"))
		}
		if !said {
			t.Errorf("the prediction does not say the interface would wait for its node's host: %+v", res.Objects)
		}
	})
}
