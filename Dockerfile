# The Lunas image: lunas and every bundled plugin, built by the same script
# as `make build` (scripts/build-release.sh, tested without Docker by
# internal/release), on a small Alpine base, run as an unprivileged user.
#
#   docker build --build-arg VERSION=$(git describe --tags --dirty) \
#     --build-arg COMMIT=$(git rev-parse --short=12 HEAD) -t lunas .
#   docker run -v $PWD/lunas.hcl:/etc/lunas/lunas.hcl:ro -e MOOTA_SECRET=... -p 8080:8080 lunas
#
# compose.yaml runs it with a persistent Redis.

ARG GO_VERSION=1.26

# The binaries are static (CGO_ENABLED=0), so they are cross-compiled on the
# build machine's platform for whichever platform the image is for.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY . .
RUN go mod download
ARG TARGETOS TARGETARCH
# Empty: the version in core/cmd/lunas, no commit, the build's date.
ARG VERSION COMMIT DATE
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH VERSION=$VERSION COMMIT=$COMMIT DATE=$DATE \
    scripts/build-release.sh /out

# Alpine rather than distroless for busybox's wget, which the health check
# needs; it also brings the CA certificates the plugins use to reach stores.
FROM alpine:3.22
RUN addgroup -S -g 10001 lunas && adduser -S -D -H -u 10001 -G lunas -h /nonexistent lunas
# lunas finds its plugins in ../lib/lunas, as after `make install`.
COPY --from=build /out/lunas /usr/local/bin/lunas
COPY --from=build /out/lunas-plugin-* /usr/local/lib/lunas/
USER 10001:10001
# Public listener (POST /webhooks/NAME, GET /healthz) and the admin listener
# (/readyz, /metrics, asynqmon, the review API; behind a login off loopback).
EXPOSE 8080 9090
# Alive and serving: the public /healthz needs no login. (Readiness, which
# also checks Redis and the plugins, is the admin /readyz.) With TLS on the
# public listener, override this with https:// and --no-check-certificate.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/lunas"]
CMD ["serve", "--config", "/etc/lunas/lunas.hcl"]
