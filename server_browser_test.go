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
