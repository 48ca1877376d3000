# Lunas. `make run` starts the bridge locally; `make test` runs every test
# against a throwaway redis-server and PostgreSQL cluster. Nothing else needs
# installing but Go, redis-server and PostgreSQL (.ci/run installs them too).

GO       ?= go
BIN      := $(CURDIR)/bin
PLUGINS  := $(notdir $(patsubst %/,%,$(dir $(wildcard plugins/*/main.go))))
# VERSION, COMMIT and DATE default to what git says (scripts/build-release.sh).
export GO VERSION COMMIT DATE

.PHONY: build run test bench lint generate clean fuzz chaos install

# build compiles exactly as releases and the container image do.
build:
	@scripts/build-release.sh $(BIN)

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

# install copies what `make build` built: lunas into BINDIR, the plugins into
# PLUGINDIR (lunas looks for them next to itself, then in ../lib/lunas), the
# systemd unit with these paths filled in, and an example configuration and
# environment file into SYSCONFDIR/lunas unless they exist already. DESTDIR
# stages the whole tree for a package.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
PLUGINDIR  ?= $(PREFIX)/lib/lunas
UNITDIR    ?= $(PREFIX)/lib/systemd/system
ifneq ($(filter /usr /usr/local,$(PREFIX)),)
SYSCONFDIR ?= /etc
else
SYSCONFDIR ?= $(PREFIX)/etc
endif

install: build
	install -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(PLUGINDIR)' '$(DESTDIR)$(UNITDIR)' '$(DESTDIR)$(SYSCONFDIR)/lunas'
	install -m 0755 '$(BIN)/lunas' '$(DESTDIR)$(BINDIR)/lunas'
	@for p in $(PLUGINS); do \
		echo "install -m 0755 $(BIN)/lunas-plugin-$$p $(DESTDIR)$(PLUGINDIR)/" && \
		install -m 0755 "$(BIN)/lunas-plugin-$$p" '$(DESTDIR)$(PLUGINDIR)/' || exit 1; \
	done
	sed -e 's|/usr/local/bin/lunas|$(BINDIR)/lunas|g' -e 's|/usr/local/lib/lunas|$(PLUGINDIR)|g' \
		-e 's|/etc/lunas/|$(SYSCONFDIR)/lunas/|g' \
		deploy/systemd/lunas.service > '$(DESTDIR)$(UNITDIR)/lunas.service'
	chmod 0644 '$(DESTDIR)$(UNITDIR)/lunas.service'
	@if [ -e '$(DESTDIR)$(SYSCONFDIR)/lunas/lunas.hcl' ]; then \
		echo "$(DESTDIR)$(SYSCONFDIR)/lunas/lunas.hcl exists: left as it is"; \
	else \
		echo "install -m 0644 examples/lunas.hcl $(DESTDIR)$(SYSCONFDIR)/lunas/lunas.hcl"; \
		install -m 0644 examples/lunas.hcl '$(DESTDIR)$(SYSCONFDIR)/lunas/lunas.hcl'; \
	fi
	@if [ -e '$(DESTDIR)$(SYSCONFDIR)/lunas/lunas.env' ]; then \
		echo "$(DESTDIR)$(SYSCONFDIR)/lunas/lunas.env exists: left as it is"; \
	else \
		echo "install -m 0600 deploy/lunas.env.example $(DESTDIR)$(SYSCONFDIR)/lunas/lunas.env"; \
		install -m 0600 deploy/lunas.env.example '$(DESTDIR)$(SYSCONFDIR)/lunas/lunas.env'; \
	fi
