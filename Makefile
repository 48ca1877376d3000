# Lunas. `make run` starts the bridge locally; `make test` runs every test
# against a throwaway redis-server. Nothing else needs installing but Go and
# redis-server (.ci/run installs that too); make generate also needs protoc
# (Debian's protobuf-compiler).

GO       ?= go
BIN      := $(CURDIR)/bin
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.Version=$(VERSION)
PLUGINS  := $(notdir $(patsubst %/,%,$(dir $(wildcard plugins/*/main.go))))
# MODULES are the Go modules of this repository: the root and the SDK (a
# module of its own, so that a plugin depends on it alone). `./...` from the
# root does not descend into sdk/, so lint and test visit each.
MODULES  := . sdk

# Pinned tool versions. staticcheck 0.8.2 is the newest that supports Go
# 1.26; the code generators are the versions named in the headers of
# sdk/internal/storepb/*.pb.go, and protoc is Debian bookworm's
# protobuf-compiler, whose version the headers record too.
STATICCHECK        := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PROTOC_GEN_GO      := google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
PROTOC_GEN_GO_GRPC := google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
PROTOC_VERSION     := 3.21.12
TOOLS              := $(BIN)/tools

.PHONY: build run test bench lint generate check-generate clean fuzz chaos

build:
	@mkdir -p $(BIN)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/lunas ./core/cmd/lunas
	@for p in $(PLUGINS); do \
		echo "$(GO) build -o $(BIN)/lunas-plugin-$$p ./plugins/$$p" && \
		$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/lunas-plugin-$$p ./plugins/$$p || exit 1; \
	done

run: build
	$(BIN)/lunas dev

# test starts its own redis-server on a free port (many databases, so every
# test gets an empty one), runs the race-enabled suite, and stops it.
test: build
	@scripts/with-redis.sh env LUNAS_TEST_BIN=$(BIN) $(GO) test -race -count=1 -timeout 12m ./...
	cd sdk && $(GO) test -race -count=1 ./...

bench: build
	@scripts/with-redis.sh $(GO) run ./internal/bench -bin $(BIN) $(BENCH_ARGS)

# chaos runs the fault tests at full size (5,000 mutations for kill -9),
# with the plugin-crash and Sentinel failover tests.
chaos: build
	@scripts/with-redis.sh env LUNAS_TEST_BIN=$(BIN) LUNAS_CHAOS_FULL=1 $(GO) test -count=1 -timeout 40m -v ./internal/chaos/

# fuzz runs each fuzz target for FUZZTIME (crashers land in testdata/fuzz
# and then run as regular tests in make test).
FUZZTIME ?= 20s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseMutations$$' -fuzztime $(FUZZTIME) ./core/
	$(GO) test -run '^$$' -fuzz '^FuzzSignature$$' -fuzztime $(FUZZTIME) ./core/webhook/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./core/config/

# lint: gofmt, go mod tidy (go.mod and go.sum as committed), go vet and
# staticcheck in every module, and no tracked file over 1 MB.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@for m in $(MODULES); do \
		echo "lint module $$m" && \
		(cd $$m && $(GO) mod tidy -diff && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...) || exit 1; \
	done
	scripts/check-repo.sh

# generate regenerates sdk/internal/storepb from the proto with the pinned
# generators (installed into bin/tools) and protoc $(PROTOC_VERSION); it
# fails when a tool is missing or protoc is another version, whose name
# would land in the generated headers.
generate:
	@command -v protoc >/dev/null || { echo "generate: protoc not found: apt-get install protobuf-compiler (version $(PROTOC_VERSION))" >&2; exit 1; }
	@v=$$(protoc --version); [ "$$v" = "libprotoc $(PROTOC_VERSION)" ] || { echo "generate: protoc is '$$v', want libprotoc $(PROTOC_VERSION) (Debian bookworm's protobuf-compiler), the version the committed code was made with" >&2; exit 1; }
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install $(PROTOC_GEN_GO)
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install $(PROTOC_GEN_GO_GRPC)
	cd sdk && PATH=$(TOOLS):$$PATH protoc -I proto \
		--plugin=protoc-gen-go=$(TOOLS)/protoc-gen-go --go_out=. --go_opt=module=github.com/lunas-dev/lunas/sdk \
		--plugin=protoc-gen-go-grpc=$(TOOLS)/protoc-gen-go-grpc --go-grpc_out=. --go-grpc_opt=module=github.com/lunas-dev/lunas/sdk \
		proto/lunas/store/v1/store.proto
	@echo "regenerated sdk/internal/storepb"

# check-generate fails when the committed generated code is not what
# generate makes from the committed proto (CI runs it).
check-generate: generate
	@git diff --exit-code -- sdk/internal/storepb || { echo "check-generate: sdk/internal/storepb differs from what make generate writes: run make generate and commit the result" >&2; exit 1; }
	@untracked=$$(git ls-files --others --exclude-standard -- sdk/internal/storepb); [ -z "$$untracked" ] || { echo "check-generate: make generate wrote files that are not committed: $$untracked" >&2; exit 1; }

clean:
	rm -rf $(BIN)
