# Build the manager as a static binary on the build machine's platform (cross-compiling for
# the target's), then ship it alone on a distroless non-root base.
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v0.1.0 -t IMG .
# Bases are pinned to versioned tags; pin digests (image@sha256:…) in your registry mirror.
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm AS build
ARG TARGETOS=linux
ARG TARGETARCH
ARG VERSION=devel
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY api/ api/
COPY cmd/ cmd/
COPY controllers/ controllers/
COPY internal/ internal/
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
    -ldflags="-s -w -X github.com/midovpc/midovpc/internal/buildinfo.Version=${VERSION}" \
    -o /out/manager ./cmd/manager
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
    -ldflags="-s -w -X github.com/midovpc/midovpc/internal/buildinfo.Version=${VERSION}" \
    -o /out/metadata-proxy ./cmd/metadata-proxy

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /
COPY --from=build /out/manager /manager
# The metadata proxy (config/metadata) runs from the same image: command /metadata-proxy.
COPY --from=build /out/metadata-proxy /metadata-proxy
USER 65532:65532
ENTRYPOINT ["/manager"]
