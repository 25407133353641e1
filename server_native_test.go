//go:build !js

package websocket_test

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/hybridws/websocket/internal/testserver"
)

// testServerAddr is the host:port of the shared test server: started here
// natively; given by HYBRIDWS_TEST_SERVER in the browser run.
var testServerAddr string

func TestMain(m *testing.M) {
	srv := httptest.NewServer(testserver.Handler())
	testServerAddr = strings.TrimPrefix(srv.URL, "http://")
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

// inBrowserTest is true in the browser run, where skipInBrowser skips.
const inBrowserTest = false
