# Lunas. `make run` starts the bridge locally; `make test` runs every test
# against a throwaway redis-server and PostgreSQL cluster. Nothing else needs
# installing but Go, redis-server and PostgreSQL (.ci/run installs them too);
# make generate also needs protoc (Debian's protobuf-compiler).

GO       ?= go
BIN      := $(CURDIR)/bin
PLUGINS  := $(notdir $(patsubst %/,%,$(dir $(wildcard plugins/*/main.go))))
# VERSION, COMMIT and DATE default to what git says (scripts/build-release.sh).
export GO VERSION COMMIT DATE
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

.PHONY: build run test bench lint generate check-generate clean fuzz chaos attack install

# build compiles exactly as releases and the container image do.
build:
	@scripts/build-release.sh $(BIN)

# run starts lunas dev; ARGS go to it: make run ARGS='--listen 127.0.0.1:18080'
run: build
	$(BIN)/lunas dev $(ARGS)

# test starts its own redis-server on a free port (many databases, so every
# test gets an empty one) and its own PostgreSQL cluster in a temporary
# directory, runs the race-enabled suite, and stops and deletes both.
test: build
	@scripts/with-services.sh env LUNAS_TEST_BIN=$(BIN) $(GO) test -race -count=1 -timeout 12m ./...
	cd sdk && $(GO) test -race -count=1 ./...

bench: build
	@scripts/with-redis.sh $(GO) run ./internal/bench -bin $(BIN) $(BENCH_ARGS)

# attack runs issue 12's resource and admin attacks against lunas serve and
# prints each answer and the peak RSS (internal/attack).
attack: build
	@scripts/with-redis.sh $(GO) run ./internal/attack -bin $(BIN) $(ATTACK_ARGS)

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
