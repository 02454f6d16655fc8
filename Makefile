# midovpc: two commands matter, `make run` and `make test`. Both install what they need.
SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

GO ?= go
CONTROLLER_GEN := $(GO) tool controller-gen
# Generated code is produced from these packages only.
GEN_PATHS := ./api/...;./controllers/...
CRD_DIR := config/crd/bases
RBAC_DIR := config/rbac

.PHONY: all
all: build

##@ Development

.PHONY: generate
generate: ## Generate deepcopy code for the API types.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/...

.PHONY: manifests
manifests: ## Generate the CRDs and the manager's RBAC role from the markers, and the Helm chart.
	$(CONTROLLER_GEN) crd rbac:roleName=manager-role paths="$(GEN_PATHS)" \
		output:crd:artifacts:config=$(CRD_DIR) output:rbac:artifacts:config=$(RBAC_DIR)
	$(MAKE) helm

.PHONY: helm
helm: ## Generate the Helm chart dist/chart from config/default.
	$(GO) run ./hack/helm-chart --out dist/chart

.PHONY: verify-generated
verify-generated: ## Fail when the committed generated files are stale.
	hack/verify-generated.sh

.PHONY: fmt
fmt:
	$(GO) fmt ./...

.PHONY: vet
vet:
	$(GO) vet ./...

.PHONY: envtest
envtest: ## Build (once, cached) the envtest control plane from the Go module proxy.
	@hack/setup-envtest.sh >/dev/null

.PHONY: test
test: verify-generated vet ## Run every test against a real kube-apiserver, etcd and the MidoNet emulator.
	@assets="$$(hack/setup-envtest.sh)"; \
	echo "KUBEBUILDER_ASSETS=$$assets"; \
	KUBEBUILDER_ASSETS="$$assets" $(GO) test ./... -timeout 40m $(TEST_FLAGS)
	@# Again under the race detector: the MidoNet client, emulator, index and sync engine,
	@# the controllers and the global-view runner, whose tests drive them from many goroutines.
	KUBEBUILDER_ASSETS="$$(hack/setup-envtest.sh)" $(GO) test -race -timeout 20m ./internal/midonet/... ./controllers/ ./internal/globalview/

.PHONY: test-chaos
test-chaos: ## The crash suite on many seeds (CHAOS_SEEDS per scenario): SIGKILLs, lost control planes, leader failover.
	@mkdir -p bin
	KUBEBUILDER_ASSETS="$$(hack/setup-envtest.sh)" $(GO) test ./internal/chaos/ -count=1 -timeout 120m $(TEST_FLAGS) \
		-args -chaos.seeds=$(CHAOS_SEEDS) -chaos.summary=$(CURDIR)/bin/chaos.txt
	@cat bin/chaos.txt

CHAOS_SEEDS ?= 20

.PHONY: test-race
test-race: ## The unit tests with the race detector.
	@assets="$$(hack/setup-envtest.sh)"; \
	KUBEBUILDER_ASSETS="$$assets" $(GO) test -race ./internal/... -timeout 30m

.PHONY: bench
bench: ## Benchmarks of the emulator, the client, the parser and the sync engine.
	@mkdir -p bin
	$(GO) test -run '^$$' -bench . -benchmem ./internal/... | tee bin/bench.txt

# The scale benchmark's sizes (interfaces), emulator latency and extra flags; see README "Scale".
BENCH_SIZES ?= 1000,10000
BENCH_LATENCY ?= 5ms
BENCH_FLAGS ?=

.PHONY: bench-scale
bench-scale: envtest ## Scale benchmark: generated views of BENCH_SIZES interfaces, emulator and manager as processes; report in bin/bench-scale.txt.
	@mkdir -p bin
	CGO_ENABLED=0 $(GO) build -o bin/ ./cmd/manager ./cmd/midonet-sim
	$(GO) build -o bin/bench-scale ./hack/bench-scale
	KUBEBUILDER_ASSETS="$$(hack/setup-envtest.sh)" bin/bench-scale --sizes $(BENCH_SIZES) \
		--latency $(BENCH_LATENCY) --out bin/bench-scale.txt $(BENCH_FLAGS)

##@ Run

.PHONY: run
run: envtest ## Run the manager on its embedded defaults: local control plane, MidoNet emulator, the sample view.
	@mkdir -p bin
	$(GO) build -o bin/manager ./cmd/manager
	@# exec: signals reach the manager itself, which stops the local control plane it started.
	KUBEBUILDER_ASSETS="$$(hack/setup-envtest.sh)" exec bin/manager --dev \
		--metrics-bind-address=127.0.0.1:8080 --metrics-secure=false --health-probe-bind-address=127.0.0.1:8081 $(RUN_ARGS)

.PHONY: run-sim
run-sim: ## Run the MidoNet emulator alone on 127.0.0.1:8181.
	$(GO) run ./cmd/midonet-sim --listen 127.0.0.1:8181 --hosts config/samples/midonet-hosts.yaml

##@ Build

# VERSION is stamped into `manager --version` and `kubectl-midovpc version`.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X github.com/midovpc/midovpc/internal/buildinfo.Version=$(VERSION)

.PHONY: build
build: ## Build the binaries into bin/, with VERSION stamped in.
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o bin/ ./cmd/...

GOARCH ?= $(shell $(GO) env GOARCH)

.PHONY: image
image: ## Build the manager image without a container engine, as an OCI layout in bin/image.
	CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH) $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o bin/linux_$(GOARCH)/manager ./cmd/manager
	$(GO) run ./hack/image --binary bin/linux_$(GOARCH)/manager --arch $(GOARCH) --version $(VERSION) --out bin/image

.PHONY: docker-build
docker-build: ## Build the manager image (needs a Docker engine).
	docker build --build-arg VERSION=$(VERSION) -t $(IMG) .

IMG ?= midovpc/manager:$(VERSION)

.PHONY: help
help:
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*?##/ { printf "  %-18s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
