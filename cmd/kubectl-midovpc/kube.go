package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"slices"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/translate"
)

// kubeconfigFlag is the command's --kubeconfig, "" when it has none or it is not given.
func kubeconfigFlag(fs *flag.FlagSet) string {
	if f := fs.Lookup("kubeconfig"); f != nil {
		return f.Value.String()
	}
	return ""
}

// loadKubeconfig reads the kubeconfig as kubectl does: path when given, else $KUBECONFIG,
// else ~/.kube/config.
func loadKubeconfig(path string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = path
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
}

// interfaceName is the name MidoNet knows the interface eniID by (its instance id for device
// index 0: translate.InterfaceName), read from its NetworkInterface in any namespace through
// the kubeconfig (--kubeconfig, $KUBECONFIG). Without one, or when namespaces disagree, it
// says so.
func interfaceName(ctx context.Context, fs *flag.FlagSet, eniID string) (string, error) {
	cfg, err := loadKubeconfig(kubeconfigFlag(fs))
	if err != nil {
		return "", fmt.Errorf("kubeconfig: %w", err)
	}
	scheme, err := vpcv1.SchemeBuilder.Build()
	if err != nil {
		return "", err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return "", err
	}
	var l vpcv1.NetworkInterfaceList
	if err := c.List(ctx, &l, client.MatchingFields{"metadata.name": eniID}); err != nil {
		return "", err
	}
	names := map[string]bool{}
	for _, eni := range l.Items {
		names[translate.InterfaceName(eni.Name, eni.Spec.InstanceID, int(eni.Spec.DeviceIndex))] = true
	}
	switch len(names) {
	case 0:
		return "", fmt.Errorf("no NetworkInterface %s in any namespace", eniID)
	case 1:
		for n := range names {
			return n, nil
		}
	}
	return "", fmt.Errorf("NetworkInterfaces %s of several namespaces name different instances: %v", eniID, slices.Sorted(maps.Keys(names)))
}
