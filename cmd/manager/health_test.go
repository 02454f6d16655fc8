package main

import (
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

type fakeIndex struct{ loaded bool }

func (f *fakeIndex) Loaded() bool { return f.loaded }

func TestReadinessFollowsMidoNet(t *testing.T) {
	running, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = running.Close() }()
	up, err := midonet.New(midonet.Config{URL: running.URL, Tenant: midonet.DefaultTenant})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/readyz", nil)
	if err := midonetReachable(up)(req); err != nil {
		t.Errorf("MidoNet answers, readiness says %v", err)
	}

	// A port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	down, err := midonet.New(midonet.Config{URL: "http://" + addr + "/midonet-api", Tenant: midonet.DefaultTenant,
		Retry: midonet.RetryConfig{Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	req = req.WithContext(context.Background())
	if err := midonetReachable(down)(req); err == nil || !strings.Contains(err.Error(), "MidoNet does not answer") {
		t.Errorf("MidoNet is down, readiness says %v", err)
	}
}

func TestReadinessWaitsForTheIndexOnTheLeaderOnly(t *testing.T) {
	req := httptest.NewRequest("GET", "/readyz", nil)
	ix := &fakeIndex{}
	elected := make(chan struct{})
	check := indexLoaded(elected, ix)
	if err := check(req); err != nil {
		t.Errorf("a standby is not ready: %v", err)
	}
	close(elected)
	if err := check(req); err == nil || !strings.Contains(err.Error(), "index is not loaded") {
		t.Errorf("the leader without its index: %v", err)
	}
	ix.loaded = true
	if err := check(req); err != nil {
		t.Errorf("the leader with its index: %v", err)
	}
}
