//go:build !js

package testserver

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Phoenix is a second server with the same endpoints that the tests can
// kill and bring back on the same address, for the reconnect tests. Each
// name has its own (see namedPhoenix): go test runs packages at once
// against one shared test server, and a package restarting a Phoenix
// another package's test is connected to would fail that test.
type Phoenix struct {
	mu    sync.Mutex
	addr  string
	ln    net.Listener
	srv   *http.Server
	conns map[net.Conn]bool
}

var phoenixes struct {
	sync.Mutex
	byName map[string]*Phoenix
}

// namedPhoenix returns the process's Phoenix called name, started on
// first use.
func namedPhoenix(name string) *Phoenix {
	phoenixes.Lock()
	defer phoenixes.Unlock()
	if p := phoenixes.byName[name]; p != nil {
		return p
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("testserver: phoenix: " + err.Error())
	}
	p := &Phoenix{addr: ln.Addr().String()}
	p.serve(ln)
	if phoenixes.byName == nil {
		phoenixes.byName = map[string]*Phoenix{}
	}
	phoenixes.byName[name] = p
	return p
}

// Addr returns the host:port the Phoenix always listens on.
func (p *Phoenix) Addr() string { return p.addr }

func (p *Phoenix) serve(ln net.Listener) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln = ln
	p.conns = map[net.Conn]bool{}
	p.srv = &http.Server{
		Handler: Handler(),
		ConnState: func(c net.Conn, s http.ConnState) {
			p.mu.Lock()
			defer p.mu.Unlock()
			switch s {
			case http.StateNew:
				p.conns[c] = true
			case http.StateClosed:
				delete(p.conns, c)
			}
		},
	}
	go p.srv.Serve(ln)
}

// Restart kills the server at once (every connection dropped without a
// close frame; with reset, by a TCP reset) and listens again on the same
// address after down.
func (p *Phoenix) Restart(down time.Duration, reset bool) {
	p.mu.Lock()
	p.ln.Close()
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok && reset {
			tc.SetLinger(0)
		}
		c.Close() // hijacked WebSocket connections too: ConnState still lists them
	}
	p.conns = map[net.Conn]bool{}
	srv := p.srv
	p.mu.Unlock()
	srv.Close()
	time.Sleep(down)
	for i := 0; ; i++ {
		ln, err := net.Listen("tcp", p.addr)
		if err == nil {
			p.serve(ln)
			return
		}
		if i == 100 {
			panic("testserver: phoenix cannot listen on " + p.addr + " again: " + err.Error())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// phoenixControl is /phoenix: ?op=addr sends the Phoenix's address as a
// text message; ?op=restart&down=MS[&reset=1] answers "ok", closes, then
// restarts the Phoenix (down for MS milliseconds). Both act on the Phoenix
// called by the parameter name ("" if none).
func phoenixControl(w http.ResponseWriter, r *http.Request) {
	c, ok := accept(w, r)
	if !ok {
		return
	}
	defer c.CloseNow()
	q := r.URL.Query()
	p := namedPhoenix(q.Get("name"))
	ctx := c.CloseRead(context.Background())
	switch q.Get("op") {
	case "addr":
		c.Write(ctx, websocket.MessageText, []byte(p.Addr()))
	case "restart":
		ms, _ := strconv.Atoi(q.Get("down"))
		c.Write(ctx, websocket.MessageText, []byte("ok"))
		go p.Restart(time.Duration(ms)*time.Millisecond, q.Get("reset") == "1")
	}
	c.Close(websocket.StatusNormalClosure, "")
}

var closeOnce struct {
	sync.Mutex
	seen map[string]bool
}

// closeOnceHandler is /closeonce?id=ID&code=N: the first connection with
// that id is closed at once with code N; the later ones echo like /echo.
func closeOnceHandler(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	closeOnce.Lock()
	if closeOnce.seen == nil {
		closeOnce.seen = map[string]bool{}
	}
	first := !closeOnce.seen[q.Get("id")]
	closeOnce.seen[q.Get("id")] = true
	closeOnce.Unlock()
	if !first {
		echo(w, r)
		return
	}
	closeWith(w, r)
}
