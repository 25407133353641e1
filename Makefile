# hybridws: `make demo` and `make test` are the two commands a new user needs.
GO      ?= go
CACHE   := $(CURDIR)/.cache
GOFILES  = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')

.PHONY: test lint lint-platforms test-native test-browser demo bench fuzz test-load wasm test-e2e test-toolchains mutate

## test: gofmt, go vet (native and wasm), the platform matrix, native tests with -race, then the browser tests
test: lint test-native test-browser test-e2e test-interop

lint: lint-platforms
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags hybridws_portable ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet -tags hybridws_lean ./...
	$(GO) run ./internal/cmd/apilist -check api.txt

# The exported Go API, one line per name (internal/cmd/apilist): make lint
# fails when it differs from the committed api.txt, so that an exported
# change is always deliberate and visible in review. After one: make api.
.PHONY: api
api:
	$(GO) run ./internal/cmd/apilist -o api.txt

# Every native target a game ships to: go vet, then every test binary
# compiled (not run), with cgo off. ios/arm64 is not here: Go needs Apple's
# external linker for it, even for go vet. Prints the time it took.
PLATFORMS ?= windows/amd64 windows/arm64 darwin/amd64 darwin/arm64 linux/amd64 \
	linux/arm64 linux/386 freebsd/amd64 android/arm64

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
test-native:
	$(GO) test -race -count=1 -timeout 5m ./...
	$(GO) test -race -count=1 -timeout 5m -tags hybridws_portable . ./native

# The oldest Go release go.mod allows and the newest one, each fetched by
# the go command through the module proxy (GOTOOLCHAIN): go vet (native and
# js/wasm) and the native suite. CI runs it after make test.
GO_OLDEST ?= go1.24.11
GO_NEWEST ?= go1.27.3

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
# package) compiled for GOOS=js, run in headless Chromium by wasmbrowsertest
# (pinned in go.mod), against the shared test server that withserver starts.
# wasmbrowsertest finds the browser by name on PATH and takes no flags, so a
# generated headless_shell wrapper, first on PATH, adds ours: every host name
# but localhost fails to resolve, and nothing talks to the outside.
BROWSER_TIMEOUT ?= 3m
BROWSER_TESTFLAGS ?=
BROWSER_BIN     := $(CACHE)/bin
CHROMIUM_FLAGS  := --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1" \
	--disable-background-networking --disable-component-update --disable-sync \
	--disable-default-apps --disable-extensions --disable-breakpad --disable-crash-reporter \
	--disable-domain-reliability --disable-quic --disable-gpu --no-first-run --no-pings \
	--metrics-recording-only --mute-audio --disable-dev-shm-usage

# wasmbrowsertest is built natively (the version tools/browser's tool line
# pins, a module of its own so that the library's go.mod names only what
# the library imports): `go tool` under GOOS=js would build it for js/wasm.
# Its log lines "unknown IPAddressSpace value: Loopback" (a newer Chromium
# than its CDP bindings) are harmless and filtered out.
# Then, with the tag hybridws_lean, the JavaScript API as it ships and the
# lean types themselves (the rest is the same code as in the first run).
BROWSER_RUNS := ./... | -tags hybridws_lean ./shim | -tags hybridws_lean -run ^TestLean .

test-browser: $(BROWSER_BIN)/headless_shell $(BROWSER_BIN)/wasmbrowsertest
	@runs='$(BROWSER_RUNS)'; IFS='|'; for args in $$runs; do IFS=' '; \
		echo "GOOS=js GOARCH=wasm go test -exec wasmbrowsertest $$args  (headless Chromium, test server from withserver)"; \
		{ PATH="$(BROWSER_BIN):$$PATH" $(GO) run ./internal/cmd/withserver -minenv -- \
			env GOOS=js GOARCH=wasm $(GO) test -count=1 -timeout $(BROWSER_TIMEOUT) $(BROWSER_TESTFLAGS) \
			-exec $(BROWSER_BIN)/wasmbrowsertest $$args 2>&1; echo $$? > $(CACHE)/test-browser.rc; } \
			| grep --line-buffered -v 'unknown IPAddressSpace value'; \
		rc=$$(cat $(CACHE)/test-browser.rc); [ "$$rc" = 0 ] || exit $$rc; \
	done

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
	printf '#!/bin/sh\n# Generated by make test-browser: Chromium kept quiet and on loopback.\nexec %s %s "$$@"\n' \
		"$$c" '$(CHROMIUM_FLAGS)' > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# The demo: websocket.wasm (the JavaScript API, ./shim), its ES module
# websocket.js (which embeds the toolchain's wasm_exec.js, see
# internal/cmd/jsmodule) and, for pages that load the wasm the plain way,
# the toolchain's own wasm_exec.js at the repo root, then the dev server on
# 127.0.0.1:8080 (`make demo DEMO_ADDR=127.0.0.1:9000` to move it). All
# three files are git-ignored. The shim is built with the tag hybridws_lean,
# which keeps crypto/tls and net/http out of it (nativetypes_lean.go).
DEMO_ADDR ?= 127.0.0.1:8080
SHIM_TAGS := hybridws_lean

demo: wasm
	$(GO) run ./web -addr $(DEMO_ADDR)

wasm:
	GOOS=js GOARCH=wasm $(GO) build -tags $(SHIM_TAGS) -o websocket.wasm ./shim
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" wasm_exec.js
	$(GO) run ./internal/cmd/jsmodule -goroot "$$($(GO) env GOROOT)" -o websocket.js

# The npm package in js/ (package.json, websocket.d.ts): websocket.js and
# websocket.wasm built into it (git-ignored; the wasm without this
# machine's paths or symbols). `cd js && npm pack` runs this itself
# (prepack) and makes the tarball; nothing is published.
.PHONY: js-package
js-package: wasm
	GOOS=js GOARCH=wasm $(GO) build -tags $(SHIM_TAGS) -trimpath -ldflags="-s -w" -o js/websocket.wasm ./shim
	cp websocket.js LICENSE js/

# The size budget of the JavaScript package (part of make test): fails when
# js/websocket.wasm passes WASM_BUDGET bytes of gzip -9, and then names the
# heavy packages it links (fmt, net/url, net/http, ... none today), so that
# the download cannot grow unnoticed. BENCHMARKS.md ("Download size") has
# the figures; raise the budget only on purpose.
WASM_BUDGET ?= 850000
WASM_HEAVY  := fmt|reflect|net|net/url|net/http|crypto/tls|os
.PHONY: test-size
test: test-size

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
# chromedp). It builds what it serves itself and leaves a screenshot in
# .cache/screenshots/demo.png.
# The JavaScript package's tests (module, CSP, npm pack, types) run here
# too: they need npm and typescript (installed into .cache/node).
TSC := $(CACHE)/node/node_modules/typescript/bin/tsc
test-e2e: $(BROWSER_BIN)/headless_shell $(TSC)
	cd e2e && $(GO) vet ./... && CHROMIUM="$$(command -v /usr/bin/chromium || command -v chromium)" TSC="$(TSC)" \
		$(GO) test -count=1 -timeout 5m ./...

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
# bench/chart.png in under 10 minutes. BENCHFLAGS=-runs=1 for a quick look;
# `cd bench && go run . run -h` lists the flags.
# Its size table ("Download size": the js/wasm builds raw, gzip -9 and
# brotli -q 11) needs Debian's brotli, installed here when missing;
# `make bench-size` measures and rewrites that table alone.
BENCHFLAGS ?=
.PHONY: bench-size bench-brotli
bench: $(BROWSER_BIN)/headless_shell bench-brotli
	cd bench && $(GO) run . run -since $$(date +%s) $(BENCHFLAGS)

bench-size: bench-brotli
	cd bench && $(GO) run . sizes

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
# grow. A module of its own, soak/ (chromedp, the plotting library).
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
soak: $(BROWSER_BIN)/headless_shell
	cd soak && $(GO) vet ./... && GOOS=js GOARCH=wasm $(GO) vet ./page ./client && $(GO) test -count=1 ./...
	cd soak && $(GO) build $(if $(SOAK_RACE),-race) -o $(BROWSER_BIN)/soak . && \
		CHROMIUM="$$(command -v /usr/bin/chromium || command -v chromium)" $(BROWSER_BIN)/soak run -d $(SOAK) \
		-conns $(SOAK_CONNS) -browser $(SOAK_BROWSER) -out $(SOAK_OUT) -png $(SOAK_PNG) $(SOAKFLAGS)

# Load (issue 5): 2,000 concurrent connections x 200 echoed messages, with
# the race detector, against the test server's /echo in a child process;
# then goroutines and heap back to baseline. Needs ~4,000 file descriptors.
test-load:
	ulimit -n 65536 2>/dev/null || ulimit -n $$(ulimit -Hn) 2>/dev/null || true; \
	HYBRIDWS_LOAD=1 $(GO) test -race -count=1 -timeout 15m -run '^TestLoad$$' -v .

# Interop (issue 5): against npm's ws 8.x (installed into .cache/node) and
# Debian's python3-websockets (installed with apt-get when missing), both
# on 127.0.0.1: natively (the test starts them), then in headless Chromium
# (withpeers starts them, withserver the shared test server).
.PHONY: test-interop
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
test: test-proxy

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
test: conformance conformance-browser

conformance:
	$(GO) run ./internal/cmd/conformance -cases $(CONFORMANCE_CASES) -expect $(CONFORMANCE_EXPECT) $(CONFORMANCEFLAGS)

conformance-full:
	$(GO) run ./internal/cmd/conformance -expect $(CONFORMANCE_EXPECT) -timeout 60m $(CONFORMANCEFLAGS)

# The same cases (not compression: the browser negotiates that itself)
# with the echo client compiled to wasm, in headless Chromium: the browser
# fails the connection itself on protocol errors (recorded, not judged);
# the echo categories 1, 5, 9 and 10 must be OK.
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
#   make test-game     its tests: server validation, netcode, two pages +
#                      three bots in headless Chromium, server restart,
#                      hidden page, the desktop build under xvfb-run
#   make bench-game    200 bots + 2 pages -> the bench-game section of BENCHMARKS.md
.PHONY: game game-page game-bins game-native game-native-deps game-xvfb-deps test-game bench-game
GAME_ADDR  ?= 127.0.0.1:8090
GAME_DIR   := $(CACHE)/arena
GAME_FLAGS ?=
# The desktop build's cgo headers (GLFW: X11 and GL), and what its test
# needs to run it without a display.
GAME_NATIVE_DEBS := libx11-dev libxrandr-dev libxcursor-dev libxinerama-dev libxi-dev libxxf86vm-dev libgl1-mesa-dev pkg-config gcc
GAME_XVFB_DEBS   := xvfb xauth x11-apps libgl1-mesa-dri

test: test-game

game-page:
	@mkdir -p $(GAME_DIR)
	cd examples && GOOS=js GOARCH=wasm $(GO) build -o $(GAME_DIR)/arena.wasm ./arena
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(GAME_DIR)/wasm_exec.js
	cp examples/arena/web/index.html $(GAME_DIR)/index.html

game-bins:
	cd examples && $(GO) build -o $(BROWSER_BIN)/arena-server ./arena/server && $(GO) build -o $(BROWSER_BIN)/arena-bots ./arena/bots

game: game-page game-bins
	@echo "arena: open http://$(GAME_ADDR)/ in two tabs (or: make game-native; bots: $(BROWSER_BIN)/arena-bots -url ws://$(GAME_ADDR)/ws -n 20)"
	$(BROWSER_BIN)/arena-server -addr $(GAME_ADDR) -static $(GAME_DIR)

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
game-native: game-native-deps game-bins
	cd examples && CGO_ENABLED=1 $(GO) build -o $(BROWSER_BIN)/arena ./arena
	@[ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || echo "no DISPLAY: the window needs one (here: xvfb-run -a make game-native)"
	@$(BROWSER_BIN)/arena-server -addr $(GAME_ADDR) 2>/dev/null & srv=$$!; sleep 0.3; \
		$(BROWSER_BIN)/arena -url ws://$(GAME_ADDR)/ws $(GAME_FLAGS); rc=$$?; kill $$srv 2>/dev/null; exit $$rc

test-game: $(BROWSER_BIN)/headless_shell game-native-deps game-xvfb-deps
	cd examples && $(GO) vet ./... && GOOS=js GOARCH=wasm $(GO) vet ./arena ./netcode
	cd examples && $(GO) test -race -count=1 -timeout 3m ./netcode ./arena/server
	@echo 'cd examples && go test -count=1 -timeout 8m -v ./e2e  (headless Chromium and xvfb-run)'
	@{ cd examples && CHROMIUM="$$(command -v /usr/bin/chromium || command -v chromium)" $(GO) test -count=1 -timeout 8m -v ./e2e 2>&1; \
		echo $$? > $(CACHE)/test-game.rc; } | grep --line-buffered -E -- '^(--- |ok|FAIL|PASS|panic)|_test\.go'; \
	exit $$(cat $(CACHE)/test-game.rc)

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
MUTATE_BUDGET ?= 45m
MUTATE_SKIP   ?= ^(TestDisconnectStuckSocket|TestSendQueueFull|TestFaultHalfOpen|TestDefaultTimeout|TestFaultSlowLink|TestKeepAlivePausedReader|Example.*)$$
MUTATE_FLAGS  ?=
mutate:
	cd tools/mutate && $(GO) build -o $(BROWSER_BIN)/gremlins github.com/go-gremlins/gremlins/cmd/gremlins
	GOFLAGS='-count=1 -skip=$(MUTATE_SKIP)' timeout --kill-after=30s $(MUTATE_BUDGET) $(BROWSER_BIN)/gremlins unleash --integration \
		--coverpkg .,./native --exclude-files '^(internal|wasm|web|shim|tools|bench|e2e|examples)/' \
		--exclude-files '_wasm\.go$$' --timeout-coefficient 3 -S lt -o $(CACHE)/mutate.json $(MUTATE_FLAGS) .
