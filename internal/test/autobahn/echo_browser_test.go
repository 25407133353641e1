//go:build js && wasm && autobahn

package autobahn

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// TestBrowserEcho is the echo client compiled to wasm, run in Chromium
// against the fuzzing server that `conformance -serve` started
// (HYBRIDWS_AUTOBAHN, HYBRIDWS_AUTOBAHN_CASES); that command judges the
// cases. Built only with -tags autobahn: `make conformance-browser`.
func TestBrowserEcho(t *testing.T) {
	addr := os.Getenv("HYBRIDWS_AUTOBAHN")
	n, err := strconv.Atoi(os.Getenv("HYBRIDWS_AUTOBAHN_CASES"))
	if addr == "" || err != nil {
		t.Fatal("run by `go run ./internal/cmd/conformance -serve`: HYBRIDWS_AUTOBAHN and HYBRIDWS_AUTOBAHN_CASES are not set")
	}
	for i := 1; i <= n; i++ {
		if got := Echo(CaseURL(addr, i), NoMistake, 3*time.Minute); testing.Verbose() {
			t.Logf("case %d: %s", i, got)
		}
	}
}
