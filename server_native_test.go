//go:build !js

package websocket_test

import (
	"net"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hybridws/websocket/internal/test/testserver"
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

// hangingURL returns a ws:// URL on a listener that accepts TCP
// connections and never answers, so a dial to it hangs in the upgrade.
// Everything is closed when the test ends.
func hangingURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return "ws://" + ln.Addr().String() + "/hang"
}

// connectingURL returns a URL whose connection stays in the connecting
// state for as long as the test needs.
func connectingURL(t testing.TB) string { return hangingURL(t) }

// closedAddr returns a 127.0.0.1 address where nothing listens.
func closedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// stallableURL returns the test server's URL for path behind a proxy that
// stall stops forwarding (the server seems to read nothing, so what we send
// waits in the socket's buffers, then in our queue) until resume.
func stallableURL(t *testing.T, path string) (url string, stall, resume func()) {
	p := newProxy(t, testServerAddr)
	return "ws://" + p.Addr() + path, p.Pause, p.Resume
}
