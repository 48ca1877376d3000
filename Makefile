# Lunas. `make run` starts the bridge locally; `make test` runs every test
# against a throwaway redis-server. Nothing else needs installing but Go and
# redis-server (.ci/run installs that too).

GO       ?= go
BIN      := $(CURDIR)/bin
# The version is the latest tag (v0.9.0-3-gabc1234 between releases) and,
# with no tag, the Version variable of core/cmd/lunas/version.go; the date
# honours SOURCE_DATE_EPOCH for reproducible builds.
VERSION  ?= $(shell (git describe --tags --dirty 2>/dev/null || sed -n 's/^var Version = "\(.*\)"/\1/p' core/cmd/lunas/version.go) | sed 's/^v//')
COMMIT   ?= $(shell c=$$(git rev-parse --short=12 HEAD 2>/dev/null) && { git diff --quiet HEAD 2>/dev/null && echo $$c || echo $$c-dirty; })
DATE     ?= $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS  := -s -w -X main.Version=$(VERSION) -X main.Commit=$(COMMIT) -X main.Date=$(DATE)
PLUGINS  := $(notdir $(patsubst %/,%,$(dir $(wildcard plugins/*/main.go))))

.PHONY: build run test bench lint generate clean fuzz chaos

build:
	@mkdir -p $(BIN)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/lunas ./core/cmd/lunas
	@for p in $(PLUGINS); do \
		echo "$(GO) build -o $(BIN)/lunas-plugin-$$p ./plugins/$$p" && \
		$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/lunas-plugin-$$p ./plugins/$$p || exit 1; \
	done

# run starts lunas dev; ARGS go to it: make run ARGS='--listen 127.0.0.1:18080'
run: build
	$(BIN)/lunas dev $(ARGS)

# test starts its own redis-server on a free port (many databases, so every
# test gets an empty one), runs the race-enabled suite, and stops it.
test: build
	@scripts/with-redis.sh env LUNAS_TEST_BIN=$(BIN) $(GO) test -race -count=1 -timeout 12m ./...

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

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

generate:
	@if command -v protoc >/dev/null && command -v protoc-gen-go >/dev/null && command -v protoc-gen-go-grpc >/dev/null; then \
		cd sdk && protoc -I proto --go_out=. --go_opt=module=github.com/lunas-dev/lunas/sdk \
			--go-grpc_out=. --go-grpc_opt=module=github.com/lunas-dev/lunas/sdk proto/lunas/store/v1/store.proto && echo "regenerated sdk/internal/storepb"; \
	else \
		echo "protoc, protoc-gen-go or protoc-gen-go-grpc not found: the generated code in sdk/internal/storepb is committed, nothing to do"; \
	fi

clean:
	rm -rf $(BIN)
