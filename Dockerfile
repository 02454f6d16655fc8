# Build the manager as a static binary, then ship it alone on a distroless non-root base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY api/ api/
COPY cmd/ cmd/
COPY controllers/ controllers/
COPY internal/ internal/
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/manager ./cmd/manager
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/metadata-proxy ./cmd/metadata-proxy

FROM gcr.io/distroless/static:nonroot
WORKDIR /
COPY --from=build /out/manager /manager
# The metadata proxy (config/metadata) runs from the same image: command /metadata-proxy.
COPY --from=build /out/metadata-proxy /metadata-proxy
USER 65532:65532
ENTRYPOINT ["/manager"]
