//go:build !js

package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/hybridws/websocket/soak/client"
)

// The echo server runs as a child process (`soak server`), so that the
// soak can kill it for real and so that its memory and goroutines stay out
// of the client's figures. It echoes every message with its type and
// checks, on each connection, that the messages of one Connection arrive
// whole and numbered without a gap (what the client sent in one life may
// only lose its tail, never a middle). A broken rule is a line
// "VIOLATION ..." on stderr. Commands on stdin:
//
//	close CODE   closes every connection with CODE (1012, 1013), then exits
//	reset        resets every connection (TCP RST), then exits
//
// The parent kills it (SIGKILL) for the third way to go down.

func serve(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s := &echoServer{conns: map[*websocket.Conn]net.Conn{}}
	srv := &http.Server{Handler: s, ConnContext: func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(ctx, netConnKey{}, c)
	}}
	go srv.Serve(ln)
	fmt.Printf("listening %s\n", ln.Addr())
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "close":
			code, _ := strconv.Atoi(f[1])
			ln.Close()
			s.closeAll(websocket.StatusCode(code))
			os.Exit(0)
		case len(f) == 1 && f[0] == "reset":
			ln.Close()
			s.resetAll()
			os.Exit(0)
		}
	}
	os.Exit(0) // stdin closed: the parent is gone
	return nil
}

type netConnKey struct{}

type echoServer struct {
	mu    sync.Mutex
	conns map[*websocket.Conn]net.Conn
}

func (s *echoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Any origin: the page comes from another port. permessage-deflate
	// with context takeover when the client offers it (the browser always
	// does; natively a quarter of the clients do).
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionContextTakeover})
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(4 << 20)
	s.mu.Lock()
	s.conns[c], _ = r.Context().Value(netConnKey{}).(net.Conn)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	var id, gen, life int
	var last uint64
	for {
		typ, p, err := c.Read(r.Context())
		if err != nil {
			return
		}
		mid, mgen, mlife, seq, err := client.Check(p)
		switch {
		case err != nil:
			violation("server: a message of %d bytes: %v", len(p), err)
		case last == 0:
			id, gen, life, last = mid, mgen, mlife, seq
		case mid != id || mgen != gen:
			violation("server: client %d connection %d sent on the socket of client %d connection %d", mid, mgen, id, gen)
		case seq != last+1:
			violation("server: client %d connection %d: message %d came after %d on one socket (a message vanished or came twice)", id, gen, seq, last)
			last = seq
		case mlife < life || mlife > life+1:
			// A label is the life a message was sent in, or the one
			// before when the connection came back during Send.
			violation("server: client %d connection %d: message %d of life %d on a socket whose first message was of life %d", id, gen, seq, mlife, life)
			last = seq
		default:
			last = seq
		}
		if err := c.Write(r.Context(), typ, p); err != nil {
			return
		}
	}
}

// closeAll closes every connection with code, together, waiting at most
// a few seconds for the clients' answers.
func (s *echoServer) closeAll(code websocket.StatusCode) {
	s.mu.Lock()
	var wg sync.WaitGroup
	for c := range s.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Close(code, "soak: server restart")
		}()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
	}
}

func (s *echoServer) resetAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, nc := range s.conns {
		if tc, ok := nc.(*net.TCPConn); ok {
			tc.SetLinger(0)
			tc.Close()
		}
	}
}

func violation(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "VIOLATION "+format+"\n", args...)
}
