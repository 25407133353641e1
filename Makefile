# hybridws: `make demo` and `make test` are the two commands a new user needs.
GO      ?= go
CACHE   := $(CURDIR)/.cache
GOFILES  = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')

.PHONY: test lint lint-platforms test-native test-browser demo bench fuzz test-load wasm test-e2e test-toolchains mutate help

## test: everything the README's test command promises: lint, the native suite, the browser suite in Chromium, Firefox and WebKit, the wasm size budget, the pages, proxies, interop, Autobahn, the game
test: lint test-native test-browser test-size test-e2e test-proxy test-interop conformance conformance-browser test-game

## help: lists these targets
help:
	@sed -n 's/^## \([a-z][a-z0-9-]*\): \(.*\)/\1\t\2/p' $(MAKEFILE_LIST) | awk -F'\t' '{ printf "  %-23s %s\n", $$1, $$2 }'

## lint: gofmt; go vet natively, on the portable path, for js/wasm and with hybridws_lean; the platform matrix; the API listing against api.txt; every target in make help
lint: lint-platforms
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags hybridws_portable ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet -tags hybridws_lean ./...
	$(GO) run ./internal/cmd/apilist -check api.txt
	@missing=$$(for t in $$(sed -n 's/^\.PHONY: *//p' $(MAKEFILE_LIST)); do case $$t in */*) continue;; esac; \
		grep -q "^## $$t: " $(MAKEFILE_LIST) || echo $$t; done); \
	if [ -n "$$missing" ]; then echo "make help does not list: $$missing (add a '## target: what it does' line above each)"; exit 1; fi

# The exported Go API, one line per name (internal/cmd/apilist): make lint
# fails when it differs from the committed api.txt, so that an exported
# change is always deliberate and visible in review. After one: make api.
.PHONY: api
## api: writes api.txt, the exported Go API (after a deliberate change to it)
api:
	$(GO) run ./internal/cmd/apilist -o api.txt

# Every native target a game ships to: go vet, then every test binary
# compiled (not run), with cgo off. ios/arm64 is not here: Go needs Apple's
# external linker for it, even for go vet. Prints the time it took.
PLATFORMS ?= windows/amd64 windows/arm64 darwin/amd64 darwin/arm64 linux/amd64 \
	linux/arm64 linux/386 freebsd/amd64 android/arm64

## lint-platforms: go vet and every test binary for each native target a game ships to (cgo off)
lint-platforms:
	@start=$$(date +%s); tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for p in $(PLATFORMS); do \
		echo "CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} go vet ./... && go test -c ./..."; \
		CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) vet ./... || exit 1; \
		CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) test -c -o "$$tmp/" ./... > "$$tmp/log" 2>&1 || \
			{ cat "$$tmp/log"; exit 1; }; \
	done; \
	echo "lint-platforms: $(words $(PLATFORMS)) targets built in $$(( $$(date +%s) - start )) s"

# The native suite, then the guarantee suite (the root package) and native/
# again on the portable write path, the one Windows gets: the tag
# hybridws_portable switches the Unix non-blocking writes off
# (native/nbwrite_other.go).
## test-native: go test -race ./..., then the root package and native/ on the portable write path
test-native:
	$(GO) test -race -count=1 -timeout 5m ./...
	$(GO) test -race -count=1 -timeout 5m -tags hybridws_portable . ./native

# The oldest Go release go.mod allows and the newest one, each fetched by
# the go command through the module proxy (GOTOOLCHAIN): go vet (native and
# js/wasm) and the native suite. CI runs it after make test.
GO_OLDEST ?= go1.24.11
GO_NEWEST ?= go1.27.3

## test-toolchains: vet and the native suite with the oldest and newest Go (GOTOOLCHAIN; CI runs it)
test-toolchains:
	@want=$$(sed -n 's/^go \([0-9]*\.[0-9]*\).*/go\1/p' go.mod); case "$(GO_OLDEST)" in "$$want"|"$$want".*) ;; \
		*) echo "GO_OLDEST=$(GO_OLDEST) is not the release go.mod names ($$want): update one of them" >&2; exit 1;; esac
	@for v in $(GO_OLDEST) $(GO_NEWEST); do \
		echo "== GOTOOLCHAIN=$$v"; \
		GOTOOLCHAIN=$$v $(GO) version && \
		GOTOOLCHAIN=$$v $(GO) vet ./... && \
		GOTOOLCHAIN=$$v GOOS=js GOARCH=wasm $(GO) vet ./... && \
		GOTOOLCHAIN=$$v $(GO) test -race -count=1 -timeout 5m ./... || exit 1; \
	done

# The browser suite: the root package's tests (and every other js-capable
# package) compiled for GOOS=js, run in every engine a player uses
# (BROWSER_ENGINES), each against the shared test server that withserver
# starts, with the time each took:
#   chromium  headless Chromium, by wasmbrowsertest (pinned in tools/browser)
#   firefox   Debian's firefox-esr, headless, over WebDriver BiDi
#   webkit    WebKitGTK's MiniBrowser on a private Xvfb, over WebKitWebDriver
# Firefox and WebKit run the same test binaries through tools/wasmrun, a
# runner of our own. Each browser is installed from Debian when missing.
# wasmbrowsertest finds the browser by name on PATH and takes no flags, so a
# generated headless_shell wrapper, first on PATH, adds ours: every host name
# but localhost fails to resolve, and nothing talks to the outside.
BROWSER_ENGINES ?= chromium firefox webkit
BROWSER_TIMEOUT ?= 3m
BROWSER_TESTFLAGS ?=
BROWSER_BIN     := $(CACHE)/bin
CHROMIUM_FLAGS  := $(CURDIR)/tools/chromium.flags

.PHONY: test-browser-chromium test-browser-firefox test-browser-webkit
## test-browser: the root, wasm/ and shim/ tests in every engine of BROWSER_ENGINES (chromium firefox webkit), with each one's time
test-browser: $(addprefix test-browser-,$(BROWSER_ENGINES))

# wasmbrowsertest is built natively (the version tools/browser's tool line
# pins, a module of its own so that the library's go.mod names only what
# the library imports): `go tool` under GOOS=js would build it for js/wasm.
# Its log lines "unknown IPAddressSpace value: Loopback" (a newer Chromium
# than its CDP bindings) are harmless and filtered out.
# In Chromium the suite runs again with the tag hybridws_lean, the
# JavaScript API as it ships and the lean types themselves (the rest is
# the same code as in the first run).
BROWSER_RUNS := ./... | -tags hybridws_lean ./shim | -tags hybridws_lean -run ^TestLean .

## test-browser-chromium: the browser suite in headless Chromium (wasmbrowsertest), then its hybridws_lean runs
test-browser-chromium: $(BROWSER_BIN)/headless_shell $(BROWSER_BIN)/wasmbrowsertest
	@start=$$(date +%s); runs='$(BROWSER_RUNS)'; IFS='|'; for args in $$runs; do IFS=' '; \
		echo "GOOS=js GOARCH=wasm go test -exec wasmbrowsertest $$args  (headless Chromium, test server from withserver)"; \
		{ PATH="$(BROWSER_BIN):$$PATH" $(GO) run ./internal/cmd/withserver -minenv -- \
			env GOOS=js GOARCH=wasm $(GO) test -count=1 -timeout $(BROWSER_TIMEOUT) $(BROWSER_TESTFLAGS) \
			-exec $(BROWSER_BIN)/wasmbrowsertest $$args 2>&1; echo $$? > $(CACHE)/test-browser.rc; } \
			| grep --line-buffered -v 'unknown IPAddressSpace value'; \
		rc=$$(cat $(CACHE)/test-browser.rc); [ "$$rc" = 0 ] || exit $$rc; \
	done; \
	echo "test-browser-chromium: $$(( $$(date +%s) - start )) s"

## test-browser-firefox: the browser suite in Firefox (tools/wasmrun, WebDriver BiDi)
## test-browser-webkit: the browser suite in WebKitGTK (tools/wasmrun, WebKitWebDriver on Xvfb)
test-browser-firefox test-browser-webkit: test-browser-%: $(BROWSER_BIN)/wasmrun browser-%
	@echo 'GOOS=js GOARCH=wasm go test -exec "wasmrun -engine $*" ./...  (test server from withserver)'
	@start=$$(date +%s); \
	$(GO) run ./internal/cmd/withserver -minenv -- \
		env GOOS=js GOARCH=wasm $(GO) test -count=1 -timeout $(BROWSER_TIMEOUT) $(BROWSER_TESTFLAGS) \
		-exec "$(BROWSER_BIN)/wasmrun -engine $*" ./...; rc=$$?; \
	echo "test-browser-$*: $$(( $$(date +%s) - start )) s"; \
	exit $$rc

# tools/wasmrun, a module of its own (its BiDi and WebDriver clients use
# coder/websocket and net/http only).
.PHONY: $(BROWSER_BIN)/wasmrun
$(BROWSER_BIN)/wasmrun:
	cd tools/wasmrun && $(GO) vet ./... && $(GO) build -o $(BROWSER_BIN)/wasmrun .

# $(call debian,PACKAGES,WHAT): installs Debian's PACKAGES with apt-get
# (as root), or says what to install.
debian = if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "$(2) not found: installing Debian's $(1)"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(1) || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(1); }; \
	else \
		echo "this needs $(2): install it (Debian/Ubuntu: apt-get install $(1)) and run make again" >&2; exit 1; \
	fi

# Firefox and WebKitGTK (its WebDriver, MiniBrowser, and Xvfb to show it
# on; Mesa's software GL for WebGL), for test-browser, test-e2e and test-game.
.PHONY: browser-firefox browser-webkit
## browser-firefox: installs Debian's firefox-esr when missing
browser-firefox:
	@command -v firefox-esr >/dev/null || command -v firefox >/dev/null || { $(call debian,firefox-esr,Firefox); }
## browser-webkit: installs Debian's webkit2gtk-driver, Xvfb and Mesa when missing
browser-webkit:
	@command -v WebKitWebDriver >/dev/null && command -v Xvfb >/dev/null && \
		ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser >/dev/null 2>&1 && [ -n "$$(ls /usr/lib/*/dri/swrast_dri.so 2>/dev/null)" ] || \
		{ $(call debian,webkit2gtk-driver xvfb libgl1-mesa-dri,WebKitGTK's WebKitWebDriver and Xvfb); }

.PHONY: $(BROWSER_BIN)/wasmbrowsertest
$(BROWSER_BIN)/wasmbrowsertest:
	cd tools/browser && $(GO) build -o $(BROWSER_BIN)/wasmbrowsertest github.com/agnivade/wasmbrowsertest

# Regenerated every run (it is tiny), so a moved or newly installed
# Chromium is picked up.
.PHONY: $(BROWSER_BIN)/headless_shell
$(BROWSER_BIN)/headless_shell:
	@c=$$(command -v /usr/bin/chromium || command -v chromium || true); \
	if [ -z "$$c" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Chromium not found: installing Debian's chromium for the browser tests"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || exit 1; \
		c=$$(command -v /usr/bin/chromium || command -v chromium || true); \
	fi; \
	if [ -z "$$c" ]; then \
		echo "make test-browser needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) and run make test again" >&2; exit 1; \
	fi; \
	mkdir -p $(BROWSER_BIN) && \
	printf '#!/bin/sh\n# Generated by make: Chromium kept quiet and on loopback (%s), without a GPU.\nset -f\nIFS="\n"\nexec %s $$(grep -v -e "^#" -e "^$$" %s) --disable-gpu "$$@"\n' \
		"$(CHROMIUM_FLAGS)" "$$c" "$(CHROMIUM_FLAGS)" > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# The demo: websocket.wasm (the JavaScript API, ./shim), its ES module
# websocket.js (which embeds the toolchain's wasm_exec.js, see
# internal/cmd/jsmodule) and, for pages that load the wasm the plain way,
# the toolchain's own wasm_exec.js at the repo root, then the dev server on
# 127.0.0.1:8080 (`make demo DEMO_ADDR=127.0.0.1:9000` to move it). All
# three files are git-ignored. The shim is built with the tag hybridws_lean,
# which keeps crypto/tls and net/http out of it (nativetypes_lean.go).
DEMO_ADDR ?= 127.0.0.1:8080
SHIM_TAGS := hybridws_lean

## demo: builds the wasm and serves the demo page and the echo endpoint on DEMO_ADDR (127.0.0.1:8080)
demo: wasm
	$(GO) run ./web -addr $(DEMO_ADDR)

## wasm: builds websocket.wasm (the JavaScript API), websocket.js and wasm_exec.js at the repo root
wasm:
	GOOS=js GOARCH=wasm $(GO) build -tags $(SHIM_TAGS) -o websocket.wasm ./shim
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" wasm_exec.js
	$(GO) run ./internal/cmd/jsmodule -goroot "$$($(GO) env GOROOT)" -o websocket.js

# The npm package in js/ (package.json, websocket.d.ts): websocket.js and
# websocket.wasm built into it (git-ignored; the wasm without this
# machine's paths or symbols). `cd js && npm pack` runs this itself
# (prepack) and makes the tarball; nothing is published.
.PHONY: js-package
## js-package: builds websocket.js and websocket.wasm into the npm package folder js/
js-package: wasm
	GOOS=js GOARCH=wasm $(GO) build -tags $(SHIM_TAGS) -trimpath -ldflags="-s -w" -o js/websocket.wasm ./shim
	cp websocket.js LICENSE js/

# The size budget of the JavaScript package (part of make test): fails when
# js/websocket.wasm passes WASM_BUDGET bytes of gzip -9, and then names the
# heavy packages it links (fmt, net/url, net/http, ... none today), so that
# the download cannot grow unnoticed. BENCHMARKS.md ("Download size") has
# the figures; raise the budget only on purpose.
WASM_BUDGET ?= 880000
WASM_HEAVY  := fmt|reflect|net|net/url|net/http|crypto/tls|os
.PHONY: test-size

## test-size: fails when js/websocket.wasm passes WASM_BUDGET bytes of gzip -9
test-size: js-package
	@raw=$$(wc -c < js/websocket.wasm); gz=$$(gzip -9 -c js/websocket.wasm | wc -c); \
	echo "js/websocket.wasm: $$raw bytes, $$gz gzip -9 (budget $(WASM_BUDGET))"; \
	if [ "$$gz" -gt $(WASM_BUDGET) ]; then \
		heavy=$$(GOOS=js GOARCH=wasm $(GO) list -tags $(SHIM_TAGS) -deps ./shim | grep -xE '$(WASM_HEAVY)' | tr '\n' ' '); \
		echo "js/websocket.wasm is over its budget by $$((gz - $(WASM_BUDGET))) bytes of gzip; it links: $${heavy:-none of $(WASM_HEAVY)}" >&2; \
		exit 1; \
	fi

# The demo page end to end in headless Chromium (chromedp, in its own module
# e2e/ so that neither the library's users nor wasmbrowsertest get its
# chromedp), Firefox and WebKit (tools/wasmrun's drivers). It builds what it
# serves itself and leaves screenshots in .cache/screenshots/ (demo.png,
# demo-firefox.png, demo-webkit.png, ...). E2E_ENGINES="firefox" narrows it.
# The JavaScript package's tests (module, CSP, npm pack, types) run here
# too: they need npm and typescript (installed into .cache/node).
TSC := $(CACHE)/node/node_modules/typescript/bin/tsc
## test-e2e: the demo page, the ES module under a strict CSP, npm pack and the types, in Chromium, Firefox and WebKit
test-e2e: $(BROWSER_BIN)/headless_shell $(TSC) browser-firefox browser-webkit
	cd e2e && $(GO) vet ./... && CHROMIUM="$$(command -v /usr/bin/chromium || command -v chromium)" TSC="$(TSC)" \
		$(GO) test -count=1 -timeout 10m ./...

$(TSC):
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; }; } || \
		{ echo "make test-e2e needs Node.js and npm" >&2; exit 1; }
	mkdir -p $(CACHE)/node && npm install --prefix $(CACHE)/node --no-audit --no-fund typescript@5.9.3

# The benchmarks (issue 6): this library against raw coder/websocket,
# gorilla/websocket and gobwas/ws natively, and against plain JavaScript,
# the shim and coder/websocket's wasm build in headless Chromium. They live
# in their own module, bench/, so the library's users never download the
# peers, chromedp or the plotting library. Writes BENCHMARKS.md and
# bench/chart.png (drawn by tools/chart, which the soak shares) in under
# 10 minutes. BENCHFLAGS=-runs=1 for a quick look;
# `cd bench && go run . run -h` lists the flags.
# Its size table ("Download size": the js/wasm builds raw, gzip -9 and
# brotli -q 11) needs Debian's brotli, installed here when missing;
# `make bench-size` measures and rewrites that table alone.
BENCHFLAGS ?=
.PHONY: bench-size bench-brotli
## bench: the benchmarks: writes BENCHMARKS.md and bench/chart.png (BENCHFLAGS=-runs=1 for a quick look)
bench: $(BROWSER_BIN)/headless_shell bench-brotli
	cd tools/chart && $(GO) test -count=1 ./...
	cd bench && $(GO) run . run -since $$(date +%s) $(BENCHFLAGS)

## bench-size: measures the js/wasm download sizes again into BENCHMARKS.md
bench-size: bench-brotli
	cd bench && $(GO) run . sizes

## bench-brotli: installs Debian's brotli when missing (for the size table)
bench-brotli:
	@command -v brotli >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && { \
		echo "brotli not found: installing Debian's brotli for the size table"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y brotli || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y brotli; }; }; } || \
		echo "brotli not found: the size table's brotli column stays empty (apt-get install brotli)" >&2

# Fuzzing (issue 5): each target for FUZZTIME; the seed corpora are in
# testdata/fuzz, new finds stay in the Go build cache. Prints the last
# progress line of each (executions so far).
FUZZTIME     ?= 20s
FUZZ_TARGETS := FuzzParseHeaders FuzzCanonicalKey FuzzParseURL FuzzParseProtocol FuzzValidate FuzzSendOptions

## fuzz: each fuzz target of the root package and native/ for FUZZTIME (20s)
fuzz:
	@mkdir -p $(CACHE)
	@for f in $(FUZZ_TARGETS); do \
		echo "fuzz $$f for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) . > $(CACHE)/fuzz-$$f.log 2>&1; rc=$$?; \
		grep 'execs:' $(CACHE)/fuzz-$$f.log | tail -1; \
		if [ $$rc -ne 0 ]; then cat $(CACHE)/fuzz-$$f.log; exit $$rc; fi; \
	done

# The pure functions of native/ (issue 10): the frame checks of
# checkedConn, readMessage, and the parser of the frames we sent; then
# permessage-deflate: the inflate path (random and mutated DEFLATE
# streams against a strict decoder) and our deflater.
FUZZ_NATIVE_TARGETS := FuzzCheckedConn FuzzReadMessage FuzzSentFrames FuzzInflate FuzzDeflate
.PHONY: fuzz-native
fuzz: fuzz-native

## fuzz-native: the fuzz targets of native/ only
fuzz-native:
	@mkdir -p $(CACHE)
	@for f in $(FUZZ_NATIVE_TARGETS); do \
		echo "fuzz native $$f for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./native > $(CACHE)/fuzz-$$f.log 2>&1; rc=$$?; \
		grep 'execs:' $(CACHE)/fuzz-$$f.log | tail -1; \
		if [ $$rc -ne 0 ]; then cat $(CACHE)/fuzz-$$f.log; exit $$rc; fi; \
	done

# The soak (not part of make test): SOAK_CONNS connections for SOAK under
# faults (latency and jitter, bandwidth limits, stalls, resets, half-open
# links, the echo server restarted every ~30 s: killed, reset, or closed
# with 1012/1013), natively and, at the same time, in a headless Chromium
# tab hidden for minutes at a time, each client checking every event
# against the library's promises; then the memory and the counts must not
# grow. A module of its own, soak/ (chromedp, the plotting library through
# tools/chart, which make bench shares).
# Writes SOAK.md and docs/soak.png; fails on any violation or growth.
# SOAK_RACE=1: a shorter native run (3m, 100 connections) built with
# -race, its report in .cache/soak-race/. SOAKFLAGS: more flags
# (`cd soak && go run . run -h`).
SOAK_RACE    ?=
SOAK         ?= $(if $(SOAK_RACE),3m,10m)
SOAK_CONNS   ?= $(if $(SOAK_RACE),100,500)
SOAK_BROWSER ?= $(if $(SOAK_RACE),0,$(SOAK))
SOAK_OUT     ?= $(if $(SOAK_RACE),$(CACHE)/soak-race/SOAK.md,$(CURDIR)/SOAK.md)
SOAK_PNG     ?= $(if $(SOAK_RACE),$(CACHE)/soak-race/soak.png,$(CURDIR)/docs/soak.png)
SOAKFLAGS    ?=
.PHONY: soak
## soak: SOAK_CONNS connections under faults for SOAK (10m), natively and in a hidden Chromium tab; writes SOAK.md (not part of make test)
soak: $(BROWSER_BIN)/headless_shell
	cd tools/chart && $(GO) test -count=1 ./...
	cd soak && $(GO) vet ./... && GOOS=js GOARCH=wasm $(GO) vet ./page ./client && $(GO) test -count=1 ./...
	cd soak && $(GO) build $(if $(SOAK_RACE),-race) -o $(BROWSER_BIN)/soak . && \
		CHROMIUM="$$(command -v /usr/bin/chromium || command -v chromium)" $(BROWSER_BIN)/soak run -d $(SOAK) \
		-conns $(SOAK_CONNS) -browser $(SOAK_BROWSER) -out $(SOAK_OUT) -png $(SOAK_PNG) $(SOAKFLAGS)

# Load (issue 5): 2,000 concurrent connections x 200 echoed messages, with
# the race detector, against the test server's /echo in a child process;
# then goroutines and heap back to baseline. Needs ~4,000 file descriptors.
## test-load: 2,000 connections x 200 messages with -race, then back to baseline (CI runs it)
test-load:
	ulimit -n 65536 2>/dev/null || ulimit -n $$(ulimit -Hn) 2>/dev/null || true; \
	HYBRIDWS_LOAD=1 $(GO) test -race -count=1 -timeout 15m -run '^TestLoad$$' -v .

# Interop (issue 5): against npm's ws 8.x (installed into .cache/node) and
# Debian's python3-websockets (installed with apt-get when missing), both
# on 127.0.0.1: natively (the test starts them), then in headless Chromium
# (withpeers starts them, withserver the shared test server).
.PHONY: test-interop
## test-interop: against npm ws 8 and Python websockets, natively and in Chromium
test-interop: $(CACHE)/node/node_modules/ws/package.json $(BROWSER_BIN)/headless_shell $(BROWSER_BIN)/wasmbrowsertest
	@/usr/bin/python3 -c 'import websockets' 2>/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "python3-websockets not found: installing Debian's python3-websockets for the interop tests"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y python3-websockets || \
			{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-websockets; } || exit 1; \
		else \
			echo "make test-interop needs Debian's python3-websockets (apt-get install python3-websockets)" >&2; exit 1; \
		fi; }
	HYBRIDWS_INTEROP=1 $(GO) test -race -count=1 -timeout 3m -run '^TestInterop$$' .
	@{ PATH="$(BROWSER_BIN):$$PATH" $(GO) run ./internal/cmd/withpeers -- $(GO) run ./internal/cmd/withserver -minenv -- \
		env GOOS=js GOARCH=wasm $(GO) test -count=1 -timeout 2m -run '^TestInterop$$' -v \
		-exec $(BROWSER_BIN)/wasmbrowsertest . 2>&1; echo $$? > $(CACHE)/test-interop.rc; } \
		| grep --line-buffered -v 'unknown IPAddressSpace value' | grep --line-buffered -E -- '^(--- |    --- |ok|FAIL|PASS|panic)|_test\.go'; \
	exit $$(cat $(CACHE)/test-interop.rc)

$(CACHE)/node/node_modules/ws/package.json:
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; }; } || \
		{ echo "make test-interop needs Node.js and npm" >&2; exit 1; }
	mkdir -p $(CACHE)/node && npm install --prefix $(CACHE)/node --no-audit --no-fund ws@8

# Proxies: the native suite against real forward proxies (proxy_native_test.go,
# and native/'s write path through them): squid, tinyproxy and microsocks,
# Debian's packages, installed with apt-get when missing (with a policy-rc.d
# that keeps apt from starting their system services; the tests run them as
# child processes on 127.0.0.1 with configs of their own). Prints their
# versions and the time the suite took.
PROXY_DEBS := squid tinyproxy microsocks
.PHONY: test-proxy proxy-deps

## proxy-deps: installs Debian's squid, tinyproxy and microsocks when missing
proxy-deps:
	@missing=; for b in $(PROXY_DEBS); do command -v $$b >/dev/null || [ -x /usr/sbin/$$b ] || missing="$$missing $$b"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian's$$missing for the proxy tests (their services are not started)"; \
			made=; [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made=1; }; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing || \
				{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; }; rc=$$?; \
			[ -z "$$made" ] || rm -f /usr/sbin/policy-rc.d; [ $$rc = 0 ] || exit $$rc; \
		else \
			echo "the proxy tests need$$missing (Debian: apt-get install$$missing): without them they skip" >&2; \
		fi; \
	fi

## test-proxy: the proxy suite against real squid, tinyproxy and microsocks
test-proxy: proxy-deps
	@PATH="$$PATH:/usr/sbin"; echo "proxies: $$(squid -v 2>/dev/null | head -1); $$(tinyproxy -v 2>/dev/null); microsocks $$(dpkg-query -W -f '$${Version}' microsocks 2>/dev/null)"; \
	start=$$(date +%s); \
	HYBRIDWS_PROXY=1 $(GO) test -race -count=1 -timeout 5m -run '^(TestProxy|TestProxyWritePath)$$' . ./native || exit 1; \
	echo "test-proxy: $$(( $$(date +%s) - start )) s"

# Conformance (issue 17; both runs are part of make test): the
# Autobahn|Testsuite client cases, ported to Go in internal/test/autobahn (a
# fuzzing server on raw TCP and an echo client on the public API), natively:
# a table per category and one line per case that is not OK; fails unless
# every case is OK or INFORMATIONAL and each verdict is the one
# internal/test/autobahn/expected.txt lists. make conformance runs the 301
# cases of categories 1 to 10 (seconds); make conformance-full all 517,
# compression (12.x, 13.x: 11 GB each way, minutes) too, in CI (.ci/run).
# CONFORMANCEFLAGS='-cases 6.4,7 -v' runs a few, verbosely; after a change
# meant to change a verdict, CONFORMANCEFLAGS=-update rewrites expected.txt.
CONFORMANCEFLAGS ?=
CONFORMANCE_CASES := 1,2,3,4,5,6,7,9,10
CONFORMANCE_EXPECT := internal/test/autobahn/expected.txt
.PHONY: conformance conformance-full conformance-browser

## conformance: the Autobahn client cases 1-10 natively, against internal/test/autobahn/expected.txt
conformance:
	$(GO) run ./internal/cmd/conformance -cases $(CONFORMANCE_CASES) -expect $(CONFORMANCE_EXPECT) $(CONFORMANCEFLAGS)

## conformance-full: all 517 Autobahn client cases natively, compression included (CI runs it)
conformance-full:
	$(GO) run ./internal/cmd/conformance -expect $(CONFORMANCE_EXPECT) -timeout 60m $(CONFORMANCEFLAGS)

# The same cases (not compression: the browser negotiates that itself)
# with the echo client compiled to wasm, in headless Chromium: the browser
# fails the connection itself on protocol errors (recorded, not judged);
# the echo categories 1, 5, 9 and 10 must be OK.
## conformance-browser: the Autobahn cases 1-10 with the echo client in headless Chromium
conformance-browser: $(BROWSER_BIN)/headless_shell $(BROWSER_BIN)/wasmbrowsertest
	@{ PATH="$(BROWSER_BIN):$$PATH" $(GO) run ./internal/cmd/conformance -serve -cases $(CONFORMANCE_CASES) -require 1,5,9,10 -patience 3 -timeout 9m $(CONFORMANCEFLAGS) -- \
		env GOOS=js GOARCH=wasm $(GO) test -tags autobahn -count=1 -timeout 8m \
		-exec $(BROWSER_BIN)/wasmbrowsertest ./internal/test/autobahn 2>&1; echo $$? > $(CACHE)/conformance-browser.rc; } \
		| grep --line-buffered -v 'unknown IPAddressSpace value'; \
	exit $$(cat $(CACHE)/conformance-browser.rc)

# The arena (issue 13): an Ebitengine multiplayer game on this library, in
# its own module examples/ (Ebitengine, chromedp and the game server's deps
# never reach the library's go.mod). One source for the desktop and the
# browser; see README's "Games".
#   make game          builds arena.wasm, serves the page and the game server
#   make game-native   the desktop build (starts its own server if none runs)
#   make test-game     its tests: server validation, netcode (and how it feels
#                      through a lag proxy), two pages + three bots in
#                      headless Chromium, server restart, hidden page, a page
#                      behind the lag proxy, the game in Firefox and WebKit,
#                      the desktop build under xvfb-run
#   make bench-game    200 bots + 2 pages -> the bench-game section of BENCHMARKS.md
#   make game-diagram  draws docs/netcode.png (README's picture of the netcode)
.PHONY: game game-page game-bins game-native game-native-deps game-xvfb-deps test-game bench-game game-diagram
GAME_ADDR  ?= 127.0.0.1:8090
GAME_DIR   := $(CACHE)/arena
GAME_FLAGS ?=
# The desktop build's cgo headers (GLFW: X11 and GL), and what its test
# needs to run it without a display.
GAME_NATIVE_DEBS := libx11-dev libxrandr-dev libxcursor-dev libxinerama-dev libxi-dev libxxf86vm-dev libgl1-mesa-dev pkg-config gcc
GAME_XVFB_DEBS   := xvfb xauth x11-apps libgl1-mesa-dri


## game-page: builds the arena's wasm and its page into .cache/arena
game-page:
	@mkdir -p $(GAME_DIR)
	cd examples && GOOS=js GOARCH=wasm $(GO) build -o $(GAME_DIR)/arena.wasm ./arena
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(GAME_DIR)/wasm_exec.js
	cp examples/arena/web/index.html $(GAME_DIR)/index.html

## game-bins: builds the arena's server and bots
game-bins:
	cd examples && $(GO) build -o $(BROWSER_BIN)/arena-server ./arena/server && $(GO) build -o $(BROWSER_BIN)/arena-bots ./arena/bots

## game: builds the arena and serves it with its game server on GAME_ADDR (127.0.0.1:8090)
game: game-page game-bins
	@echo "arena: open http://$(GAME_ADDR)/ in two tabs (or: make game-native; bots: $(BROWSER_BIN)/arena-bots -url ws://$(GAME_ADDR)/ws -n 20)"
	$(BROWSER_BIN)/arena-server -addr $(GAME_ADDR) -static $(GAME_DIR)

## game-native-deps: installs the X11/GL headers the desktop build needs, when missing
game-native-deps:
	@pkg-config --exists x11 xrandr xcursor xinerama xi xxf86vm gl 2>/dev/null && command -v gcc >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "X11/GL headers not found: installing Debian's $(GAME_NATIVE_DEBS)"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(GAME_NATIVE_DEBS) || \
			{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(GAME_NATIVE_DEBS); } || exit 1; \
		else \
			echo "make game-native needs cgo and the X11/GL headers. Debian/Ubuntu: apt-get install $(GAME_NATIVE_DEBS);" \
				"Fedora: dnf install mesa-libGL-devel libXrandr-devel libXcursor-devel libXinerama-devel libXi-devel libXxf86vm-devel;" \
				"macOS and Windows need nothing more (see ebitengine.org/en/documents/install.html)" >&2; exit 1; \
		fi; }

## game-xvfb-deps: installs Xvfb, xwd and Mesa for the desktop test, when missing
game-xvfb-deps:
	@command -v xvfb-run >/dev/null && command -v xwd >/dev/null && command -v xauth >/dev/null && \
		[ -n "$$(ls /usr/lib/*/dri/swrast_dri.so /usr/lib/*/dri/llvmpipe_dri.so 2>/dev/null)" ] || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "xvfb-run/xwd/Mesa not found: installing Debian's $(GAME_XVFB_DEBS) for the desktop test"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(GAME_XVFB_DEBS) || \
			{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(GAME_XVFB_DEBS); } || exit 1; \
		else \
			echo "the desktop test needs xvfb-run, xauth, xwd and Mesa's software GL (Debian: apt-get install $(GAME_XVFB_DEBS))" >&2; exit 1; \
		fi; }

# Runs the desktop game against GAME_ADDR, starting a server there first
# (if one already runs, from make game, the new one fails to listen and the
# game joins the running one). Without a display: xvfb-run -a make game-native.
## game-native: runs the desktop arena (needs a display: xvfb-run -a make game-native)
game-native: game-native-deps game-bins
	cd examples && CGO_ENABLED=1 $(GO) build -o $(BROWSER_BIN)/arena ./arena
	@[ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || echo "no DISPLAY: the window needs one (here: xvfb-run -a make game-native)"
	@$(BROWSER_BIN)/arena-server -addr $(GAME_ADDR) 2>/dev/null & srv=$$!; sleep 0.3; \
		$(BROWSER_BIN)/arena -url ws://$(GAME_ADDR)/ws $(GAME_FLAGS); rc=$$?; kill $$srv 2>/dev/null; exit $$rc

## test-game: the arena's tests: server, netcode and feel, pages in three engines, the desktop build under xvfb-run
test-game: $(BROWSER_BIN)/headless_shell game-native-deps game-xvfb-deps browser-firefox browser-webkit
	cd examples && $(GO) vet ./... && GOOS=js GOARCH=wasm $(GO) vet ./arena ./netcode ./internal/feel
	cd examples && $(GO) test -race -count=1 -timeout 5m ./netcode ./arena/server ./arena/diagram ./internal/...
	@echo 'cd examples && go test -count=1 -timeout 10m -v ./e2e  (headless Chromium and xvfb-run)'
	@{ cd examples && CHROMIUM="$$(command -v /usr/bin/chromium || command -v chromium)" $(GO) test -count=1 -timeout 10m -v ./e2e 2>&1; \
		echo $$? > $(CACHE)/test-game.rc; } | grep --line-buffered -E -- '^(--- |ok|FAIL|PASS|panic)|_test\.go'; \
	exit $$(cat $(CACHE)/test-game.rc)

## game-diagram: draws docs/netcode.png from a run of the netcode
game-diagram:
	cd examples && $(GO) run ./arena/diagram -o ../docs/netcode.png

## bench-game: 200 bots and two pages in one room: the Game section of BENCHMARKS.md
bench-game: $(BROWSER_BIN)/headless_shell game-page game-bins
	cd examples && $(GO) run ./arena/bench -page $(GAME_DIR) -bin $(BROWSER_BIN) -out ../BENCHMARKS.md \
		-chromium "$$(command -v /usr/bin/chromium || command -v chromium)"
# Mutation testing (issue 18), a habit rather than a gate: not part of make
# test nor CI. gremlins (pinned in tools/mutate, a module of its own, so the
# library's go.mod never names it) changes one operator at a time in the
# root package and native/ (a < into <=, a + into -, a condition negated),
# runs the native tests against each mutant (--integration: most of native/
# is exercised through the root package's tests), and lists the mutants
# no test noticed (LIVED). The tests that mostly wait out a timer (5s close
# timeouts, 3s default timeout) are skipped to keep one run near 15s, the
# whole pass within MUTATE_BUDGET; the results also go to .cache/mutate.json.
# About 300 mutants: an hour on a shared 2-core machine. When the budget
# stops it, MUTATE_FLAGS="--exclude-files '^(conn|send)\.go$$'" (the files
# done) runs the rest.
MUTATE_BUDGET  ?= 45m
MUTATE_SKIP    ?= ^(TestDisconnectStuckSocket|TestSendQueueFull|TestFaultHalfOpen|TestDefaultTimeout|TestFaultSlowLink|TestKeepAlivePausedReader|Example.*)$$
MUTATE_FLAGS   ?=
MUTATE_EXCLUDE := ^(internal|wasm|web|shim|tools|bench|e2e|examples|soak)/|_wasm\.go$$
MUTATE_ARGS     = --integration --coverpkg .,./native --exclude-files '$(MUTATE_EXCLUDE)' --timeout-coefficient 3 -S lt
.PHONY: mutate-diff $(BROWSER_BIN)/gremlins

## mutate: mutation testing of the root package and native/ with gremlins (about an hour; not part of make test)
mutate: $(BROWSER_BIN)/gremlins
	GOFLAGS='-count=1 -skip=$(MUTATE_SKIP)' timeout --kill-after=30s $(MUTATE_BUDGET) $(BROWSER_BIN)/gremlins unleash \
		$(MUTATE_ARGS) -o $(CACHE)/mutate.json $(MUTATE_FLAGS) .

# mutate-diff: the same, on the lines a change added or rewrote since it
# left MUTATE_BASE (gremlins' --diff: git diff --merge-base, uncommitted
# edits included), so that a branch is checked in minutes, before it is
# merged: the score and the mutants that lived, into .cache/mutate-diff.json
# too. Git is asked for hunks without context lines: gremlins takes a hunk's
# added lines as one run from its first, which context between two changes
# would cut short. No library line changed: nothing to do (an empty diff
# would make gremlins mutate everything).
MUTATE_BASE ?= main
## mutate-diff: mutation testing of only the library lines changed since MUTATE_BASE (main): minutes, not an hour
mutate-diff: $(BROWSER_BIN)/gremlins
	@files=$$(git diff --merge-base $(MUTATE_BASE) --name-only --diff-filter=d -- '*.go' | \
		grep -v '_test\.go$$' | grep -Ev '$(MUTATE_EXCLUDE)'); \
	if [ -z "$$files" ]; then echo "mutate-diff: no library line changed since $(MUTATE_BASE)"; exit 0; fi; \
	echo "mutate-diff: lines changed since $(MUTATE_BASE) in" $$files; \
	GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=diff.context GIT_CONFIG_VALUE_0=0 GOFLAGS='-count=1 -skip=$(MUTATE_SKIP)' \
		timeout --kill-after=30s $(MUTATE_BUDGET) $(BROWSER_BIN)/gremlins unleash \
		$(MUTATE_ARGS) --diff $(MUTATE_BASE) -o $(CACHE)/mutate-diff.json $(MUTATE_FLAGS) .

$(BROWSER_BIN)/gremlins:
	cd tools/mutate && $(GO) build -o $(BROWSER_BIN)/gremlins github.com/go-gremlins/gremlins/cmd/gremlins
