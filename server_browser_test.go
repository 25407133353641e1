//go:build js && wasm

package websocket_test

import (
	"fmt"
	"os"
	"testing"
)

// testServerAddr is the host:port of the shared test server, started by
// `make test` and passed in HYBRIDWS_TEST_SERVER.
var testServerAddr string

func TestMain(m *testing.M) {
	testServerAddr = os.Getenv("HYBRIDWS_TEST_SERVER")
	if testServerAddr == "" {
		fmt.Println("HYBRIDWS_TEST_SERVER is not set: run the browser tests with `make test`")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// inBrowserTest is true in the browser run, where skipInBrowser skips.
const inBrowserTest = true

// connectingURL returns a URL whose connection is still connecting when
// the test's next statement runs: in a browser the socket cannot open
// before the test goroutine blocks and yields to the event loop.
func connectingURL(t testing.TB) string { return wsURL("/echo") }

// closedAddr returns a 127.0.0.1 address where nothing listens (port 1,
// tcpmux, is never served on the test machines).
func closedAddr(t testing.TB) string { return "127.0.0.1:1" }

// stallableURL returns the test server's URL for path: a page has no
// proxy to stall (and the browser copies what send gets at once), so
// stall and resume do nothing.
func stallableURL(t *testing.T, path string) (url string, stall, resume func()) {
	return wsURL(path), func() {}, func() {}
}
