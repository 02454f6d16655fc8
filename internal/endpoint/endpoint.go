package endpoint

import (
	"context"
	"fmt"
	"os"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const (
	// ConfigMapName is the ConfigMap that holds the endpoint, in the manager's namespace.
	ConfigMapName = "midovpc-midonet"
	// DefaultNamespace is where config/default installs the manager.
	DefaultNamespace = "midovpc-system"
	// URLKey and TenantKey are the ConfigMap's keys.
	URLKey    = "url"
	TenantKey = "tenant"

	fieldManager = "midovpc-manager"
	// serviceAccountNamespaceFile holds the pod's namespace inside a pod.
	serviceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"
)

// Endpoint is the MidoNet API the manager uses.
type Endpoint struct {
	URL    string
	Tenant string
}

// ManagerNamespace is the namespace the manager runs in: $POD_NAMESPACE (the downward API
// in config/manager), else the service account's, else "".
func ManagerNamespace() string {
	if ns := os.Getenv("POD_NAMESPACE"); ns != "" {
		return ns
	}
	if data, err := os.ReadFile(serviceAccountNamespaceFile); err == nil {
		return strings.TrimSpace(string(data))
	}
	return ""
}

// Publish writes e into the ConfigMap of namespace with server-side apply; writing the same
// endpoint again changes nothing.
func Publish(ctx context.Context, c client.Client, namespace string, e Endpoint) error {
	cm := corev1ac.ConfigMap(ConfigMapName, namespace).
		WithLabels(map[string]string{"app.kubernetes.io/name": "midovpc", "app.kubernetes.io/component": "manager"}).
		WithData(map[string]string{URLKey: e.URL, TenantKey: e.Tenant})
	if err := c.Apply(ctx, cm, client.FieldOwner(fieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("publish the MidoNet endpoint in configmap %s/%s: %w", namespace, ConfigMapName, err)
	}
	return nil
}

// Read reads the endpoint the manager published in namespace.
func Read(ctx context.Context, c corev1client.ConfigMapsGetter, namespace string) (Endpoint, error) {
	cm, err := c.ConfigMaps(namespace).Get(ctx, ConfigMapName, metav1.GetOptions{})
	if err != nil {
		return Endpoint{}, fmt.Errorf("read configmap %s/%s: %w", namespace, ConfigMapName, err)
	}
	e := Endpoint{URL: cm.Data[URLKey], Tenant: cm.Data[TenantKey]}
	if e.URL == "" {
		return Endpoint{}, fmt.Errorf("configmap %s/%s has no %q", namespace, ConfigMapName, URLKey)
	}
	return e, nil
}
