package v1alpha1_test

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/midovpc/midovpc/internal/testenv"
)

// The schema suite runs the CRDs of config/crd/bases in a real kube-apiserver: what the
// OpenAPI schema and the CEL rules accept and reject is what users will see.
func TestSchema(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "API schema suite")
}

var (
	env *testenv.Env
	k8s client.Client
	ctx = context.Background()
)

var _ = BeforeSuite(func() {
	var err error
	env, err = testenv.Start()
	Expect(err).NotTo(HaveOccurred())
	k8s = env.Client
})

var _ = AfterSuite(func() {
	if env != nil {
		Expect(env.Stop()).To(Succeed())
	}
})
