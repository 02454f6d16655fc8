# Build the manager as a static binary on the build machine's platform (cross-compiling for
# the target's), then ship it alone on a distroless non-root base.
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v0.1.0 -t IMG .
#
# Both bases are pinned by digest (the multi-platform index digest; the tag stays for
# readability and is ignored once a digest is given). No registry is reachable from the
# machine this was written on, so the digests were not read live: they are the ones public
# projects pin for these tags (golang:1.26.8-bookworm and golang:1.26-bookworm, which pointed
# at 1.26.8, both at dc9ad6c0…; gcr.io/distroless/static-debian12:nonroot at afa5c872…,
# recorded as `crane digest` output on 2026-09-29 and pinned by e.g. github.com/386jp/mcp-profiles
# and github.com/linxpbx/linx). A digest the repository does not hold fails the build, and
# what is pulled is checked against it byte for byte.
# Refresh (and check) them with:
#   crane digest golang:1.26.8-bookworm
#   crane digest gcr.io/distroless/static-debian12:nonroot
# make image (internal/ociimage) uses no base image: it builds from an empty image.
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm@sha256:dc9ad6c05acc7a88e5b71bde60a5fe3bd4b9f0db209011711b464107438a8107 AS build
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

FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
WORKDIR /
COPY --from=build /out/manager /manager
# The metadata proxy (config/metadata) runs from the same image: command /metadata-proxy.
COPY --from=build /out/metadata-proxy /metadata-proxy
USER 65532:65532
ENTRYPOINT ["/manager"]
