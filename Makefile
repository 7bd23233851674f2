# zonemirror — the targets people expect. Everything here needs only Go
# (protoc for `make proto` is installed from Debian by the script it runs).
GO ?= go
export GOTOOLCHAIN = local

.PHONY: run build test short bench fuzz proto lint clean

# run: the quick start's first command: the devnet (btcd, DHT peers, seeded
# names, the mirror serving) until Ctrl-C. ARGS passes flags, e.g. ARGS=--fresh.
run:
	$(GO) run ./cmd/zonemirror devnet $(ARGS)

build:
	$(GO) build -o bin/zonemirror ./cmd/zonemirror

# test: the whole suite (gofmt, vet, every test with -race); what .ci/run runs.
test:
	$(GO) run ./internal/testall

short:
	$(GO) run ./internal/testall -short

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# fuzz: every fuzz target (package:target) for FUZZTIME each (default 1m).
FUZZTIME ?= 1m
FUZZ_TARGETS = ./namedb/wire:FuzzDecode ./namedb/wire:FuzzDecodeTx ./namedb/wire:FuzzTokenize ./namedb/wire:FuzzUnmarshalOpJSON ./namedb/wire:FuzzReencode ./namedb/wire:FuzzTxOpBinary \
	./namedb/bzones:FuzzParse ./snapshot:FuzzImport ./namedb/bzones:FuzzTokenize ./namedb/subdomain:FuzzDecode ./namedb/subdomain:FuzzBase64Py2 \
	./namedb:FuzzStoredValues ./namedb:FuzzBinaryRows ./namedb:FuzzSubRow ./mirror/httpapi:FuzzAPI ./mirror/httpapi:FuzzServer ./mirror/dnsserver:FuzzQuestion ./mirror/dnsserver:FuzzDatagram ./mirror/zonefile:FuzzParse ./plugins:FuzzParseKey ./plugins:FuzzDecodeConfig ./plugins/host:FuzzLogBridge ./plugins/fastget:FuzzClient ./plugins/fastget:FuzzServer \
	./plugins/dht:FuzzValidate ./plugins/dht:FuzzConfig ./crawler:FuzzDecodeState
fuzz:
	@for pt in $(FUZZ_TARGETS); do \
		p=$${pt%%:*}; t=$${pt##*:}; \
		echo "== $$p $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
	done

# proto: regenerate the storage-driver protocol's Go code.
proto:
	bash plugins/proto/gen.sh

lint:
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	$(GO) vet ./...

clean:
	rm -rf bin
