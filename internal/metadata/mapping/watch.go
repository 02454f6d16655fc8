package mapping

import (
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Cloud is what the CoreNetwork tells the metadata service: where the cloud controller's
// metadata service is and which DNS servers instances use.
type Cloud struct {
	// CLC is the enabled cloud controller (spec.enabledCLCIP); invalid when not set.
	CLC netip.Addr
	// DNS are the instance DNS servers (spec.instanceDNSServers).
	DNS []netip.Addr
}

// Watcher keeps a Table in step with the NetworkInterfaces and Subnets of one namespace, and
// follows the CoreNetwork. Every change is taken in by rebuilding the table from the informer
// cache; bursts of changes coalesce into one rebuild.
type Watcher struct {
	// Table receives the mapping.
	Table *Table
	// IntipMap, when set, is the eucanetd_intip_eni_map file rewritten (atomically) whenever
	// its content changes.
	IntipMap string
	// Log hears about interfaces left out and files written.
	Log logr.Logger

	namespace string
	cache     cache.Cache
	cloud     atomic.Pointer[Cloud]
	synced    atomic.Bool
	kick      chan struct{}
}

// NewWatcher prepares a watch of namespace through the API server at cfg.
func NewWatcher(cfg *rest.Config, namespace string, table *Table) (*Watcher, error) {
	scheme := runtime.NewScheme()
	if err := vpcv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	c, err := cache.New(cfg, cache.Options{
		Scheme:            scheme,
		DefaultNamespaces: map[string]cache.Config{namespace: {}},
		ByObject: map[client.Object]cache.ByObject{
			&vpcv1.CoreNetwork{}: {Field: fields.OneTermEqualSelector("metadata.name", vpcv1.CoreNetworkName)},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("cache of namespace %s: %w", namespace, err)
	}
	w := &Watcher{Table: table, Log: logr.Discard(), namespace: namespace, cache: c, kick: make(chan struct{}, 1)}
	w.cloud.Store(&Cloud{})
	return w, nil
}

// Cloud is the CoreNetwork's view of the cloud, as last seen.
func (w *Watcher) Cloud() Cloud { return *w.cloud.Load() }

// Synced tells whether the table reflects the API server (the first list is done).
func (w *Watcher) Synced() bool { return w.synced.Load() }

// Run watches until ctx ends.
func (w *Watcher) Run(ctx context.Context) error {
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { w.poke() },
		UpdateFunc: func(any, any) { w.poke() },
		DeleteFunc: func(any) { w.poke() },
	}
	for _, obj := range []client.Object{&vpcv1.NetworkInterface{}, &vpcv1.Subnet{}, &vpcv1.CoreNetwork{}} {
		inf, err := w.cache.GetInformer(ctx, obj)
		if err != nil {
			return fmt.Errorf("informer for %T: %w", obj, err)
		}
		if _, err := inf.AddEventHandler(handler); err != nil {
			return fmt.Errorf("watch %T: %w", obj, err)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- w.cache.Start(ctx) }()
	if !w.cache.WaitForCacheSync(ctx) {
		select {
		case err := <-errc:
			return fmt.Errorf("watch namespace %s: %w", w.namespace, err)
		default:
			return ctx.Err()
		}
	}
	w.poke()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case <-w.kick:
		}
		if err := w.rebuild(ctx); err != nil {
			w.Log.Error(err, "rebuild the metadata mapping")
			continue
		}
		w.synced.Store(true)
	}
}

func (w *Watcher) poke() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// rebuild reads the cache (without copies: nothing here writes to the objects) and swaps in
// the new table.
func (w *Watcher) rebuild(ctx context.Context) error {
	enis := &vpcv1.NetworkInterfaceList{}
	if err := w.cache.List(ctx, enis, client.InNamespace(w.namespace), client.UnsafeDisableDeepCopy); err != nil {
		return fmt.Errorf("list networkinterfaces: %w", err)
	}
	subnets := &vpcv1.SubnetList{}
	if err := w.cache.List(ctx, subnets, client.InNamespace(w.namespace), client.UnsafeDisableDeepCopy); err != nil {
		return fmt.Errorf("list subnets: %w", err)
	}
	list, errs := Build(enis.Items, subnets.Items)
	errs = append(errs, w.Table.Replace(list)...)
	for _, err := range errs {
		w.Log.Info("interface left unmapped", "reason", err.Error())
	}
	w.cloud.Store(w.readCloud(ctx))
	if w.IntipMap != "" {
		written, err := WriteFileAtomic(w.IntipMap, IntipMap(w.Table.All()))
		if err != nil {
			return err
		}
		if written {
			w.Log.V(1).Info("wrote the interface map", "path", w.IntipMap, "interfaces", w.Table.Len())
		}
	}
	return nil
}

func (w *Watcher) readCloud(ctx context.Context) *Cloud {
	cn := &vpcv1.CoreNetwork{}
	c := &Cloud{}
	if err := w.cache.Get(ctx, types.NamespacedName{Name: vpcv1.CoreNetworkName}, cn); err != nil {
		return c
	}
	if a, err := netip.ParseAddr(string(cn.Spec.EnabledCLCIP)); err == nil {
		c.CLC = a
	}
	for _, s := range cn.Spec.InstanceDNSServers {
		if a, err := netip.ParseAddr(string(s)); err == nil {
			c.DNS = append(c.DNS, a)
		}
	}
	return c
}
