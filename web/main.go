//go:build !js

// Command web is the dev server of hybridws: it serves the demo page (the
// repo root: index.html, websocket.js, websocket.wasm, wasm_exec.js) and, to WebSocket
// upgrade requests, the shared test endpoints of internal/test/testserver
// (/echo, /close, /send, /refuse, ...), so the page works with nothing
// else running. `make demo` builds the wasm files and runs it:
//
//	go run ./web [-addr 127.0.0.1:8080] [-dir .]
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/hybridws/websocket/internal/test/testserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	dir := flag.String("dir", ".", "`folder` to serve: the repo root, with websocket.js, websocket.wasm and wasm_exec.js built into it")
	flag.Parse()

	for _, f := range []string{"index.html", "websocket.js", "websocket.wasm", "wasm_exec.js"} {
		if _, err := os.Stat(filepath.Join(*dir, f)); err != nil {
			fmt.Fprintf(os.Stderr, "web: warning: %s is missing in %s: run `make demo` (or `make wasm`) from the repo root\n", f, *dir)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
	fmt.Printf("hybridws dev server: open http://%s/\n", ln.Addr())
	fmt.Printf("WebSocket test endpoints: ws://%s/echo, /close, /send, /refuse, /drop, /silent, ... (see internal/test/testserver)\n", ln.Addr())
	if err := http.Serve(ln, Handler(*dir)); err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
}

// Handler serves WebSocket upgrade requests with the test endpoints and
// everything else with the files under dir.
func Handler(dir string) http.Handler {
	ws := testserver.Handler()
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isUpgrade(r) {
			ws.ServeHTTP(w, r)
			return
		}
		for _, seg := range strings.Split(r.URL.Path, "/") {
			if strings.HasPrefix(seg, ".") { // .git, .cache: not for the page
				http.NotFound(w, r)
				return
			}
		}
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		w.Header().Set("Cache-Control", "no-cache") // a rebuilt websocket.wasm shows at the next reload
		files.ServeHTTP(w, r)
	})
}

// isUpgrade reports whether r asks for a WebSocket.
func isUpgrade(r *http.Request) bool {
	for _, v := range r.Header.Values("Upgrade") {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), "websocket") {
				return true
			}
		}
	}
	return false
}
