# Lunas. `make run` starts the bridge locally; `make test` runs every test
# against a throwaway redis-server and PostgreSQL cluster. Nothing else needs
# installing but Go, redis-server and PostgreSQL (.ci/run installs them too).

GO       ?= go
BIN      := $(CURDIR)/bin
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.Version=$(VERSION)
PLUGINS  := $(notdir $(patsubst %/,%,$(dir $(wildcard plugins/*/main.go))))

.PHONY: build run test bench lint generate clean fuzz chaos

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
# test gets an empty one) and its own PostgreSQL cluster in a temporary
# directory, runs the race-enabled suite, and stops and deletes both.
test: build
	@scripts/with-services.sh env LUNAS_TEST_BIN=$(BIN) $(GO) test -race -count=1 -timeout 12m ./...

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
