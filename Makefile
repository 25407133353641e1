# hybridws: `make demo` and `make test` are the two commands a new user needs.
GO      ?= go
CACHE   := $(CURDIR)/.cache
GOFILES  = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')

.PHONY: test lint test-native test-browser demo bench fuzz test-load

## test: gofmt, go vet (native and wasm), native tests with -race, then the browser tests
test: lint test-native test-browser

lint:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...

test-native:
	$(GO) test -race -count=1 -timeout 5m ./...

test-browser:
	@echo "browser tests: not yet (issue: the browser backend)"

demo:
	@echo "make demo: not yet (issue: the JavaScript API and the demo page)"
