package testenv

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// countingTransport counts the responses refused with 429 Too Many Requests.
type countingTransport struct {
	next    http.RoundTripper
	refused *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		t.refused.Add(1)
	}
	return resp, err
}

// A control plane Start returns is ready for every kind: the first list of each is answered at
// once, not refused while the kind's storage starts (429, retry after a second).
func TestStartedControlPlaneServesEveryKindAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a control plane (kube-apiserver and etcd)")
	}
	env, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	cfg := rest.CopyConfig(env.Config)
	refused := &atomic.Int64{}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt, refused} })
	c, err := client.New(cfg, client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	lists := []client.ObjectList{&vpcv1.CoreNetworkList{}, &vpcv1.VpcList{}, &vpcv1.SubnetList{}, &vpcv1.NetworkInterfaceList{},
		&vpcv1.SecurityGroupList{}, &vpcv1.ElasticIPList{}, &vpcv1.RouteTableList{}, &vpcv1.NetworkAclList{},
		&vpcv1.NatGatewayList{}, &vpcv1.InternetGatewayList{}, &vpcv1.DhcpOptionSetList{}}
	for _, l := range lists {
		if err := c.List(context.Background(), l); err != nil {
			t.Fatalf("list %T: %v", l, err)
		}
	}
	if n := refused.Load(); n > 0 {
		t.Errorf("%d of the first lists of each kind were refused (429) after Start", n)
	}
}
