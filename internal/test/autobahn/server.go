//go:build !js

package autobahn

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hybridws/websocket/internal/test/rawserver"
	"github.com/hybridws/websocket/internal/test/tcpserve"
)

// Server is the fuzzing server: ws://host:port/runCase?case=N runs case N
// (1-based, as in Autobahn) of its list on that connection. It listens on
// 127.0.0.1 only.
type Server struct {
	*tcpserve.Server
	cases    []*Case
	patience float64

	mu      sync.Mutex
	results map[int]*Result
	ready   map[int]chan struct{}
}

// Start serves cases on a free loopback port until Close. patience
// multiplies every wait of the cases (1: Autobahn's, which a client on a
// loaded machine may need more than): a client that does what it must ends
// a case at once, so only a failing one takes longer.
func Start(cases []*Case, patience float64) (*Server, error) {
	if patience <= 0 {
		patience = 1
	}
	s := &Server{cases: cases, patience: patience, results: map[int]*Result{}, ready: map[int]chan struct{}{}}
	for i := range cases {
		s.ready[i+1] = make(chan struct{})
	}
	ts, err := tcpserve.Listen(s.handle)
	if err != nil {
		return nil, fmt.Errorf("autobahn: listen: %w", err)
	}
	s.Server = ts
	return s, nil
}

// CaseURL is the URL that runs case n (1-based).
func (s *Server) CaseURL(n int) string { return CaseURL(s.Addr(), n) }

// Await waits up to d for case n's verdict; nil if it has none by then.
func (s *Server) Await(n int, d time.Duration) *Result {
	s.mu.Lock()
	ch := s.ready[n]
	s.mu.Unlock()
	if ch == nil {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.results[n]
}

// Results returns the verdicts so far, in case order; a case that never
// ran is FAILED, "never run".
func (s *Server) Results() []*Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Result, len(s.cases))
	for i, c := range s.cases {
		if r := s.results[i+1]; r != nil {
			out[i] = r
		} else {
			out[i] = &Result{ID: c.ID, Behavior: Failed, BehaviorClose: Failed, Detail: "the case never ran"}
		}
	}
	return out
}

// handle upgrades one connection by hand and runs its case.
func (s *Server) handle(nc net.Conn) {
	req, br, err := tcpserve.ReadRequest(nc)
	if err != nil {
		return
	}
	n, _ := strconv.Atoi(req.URL.Query().Get("case"))
	if req.URL.Path != "/runCase" || n < 1 || n > len(s.cases) {
		io.WriteString(nc, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		return
	}
	key := req.Header.Get("Sec-WebSocket-Key")
	c := s.cases[n-1]
	if req.Method != http.MethodGet || !headerHas(req.Header, "Connection", "upgrade") ||
		!headerHas(req.Header, "Upgrade", "websocket") || req.Header.Get("Sec-WebSocket-Version") != "13" || key == "" {
		io.WriteString(nc, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		s.finish(n, &Result{ID: c.ID, Behavior: Failed, BehaviorClose: Failed, Detail: "the upgrade request is not a valid WebSocket one"})
		return
	}
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + rawserver.AcceptKey(key) + "\r\n"
	var z *pmd
	if c.Accept != nil {
		offers, err := parseOffers(strings.Join(req.Header.Values("Sec-WebSocket-Extensions"), ", "))
		if err != nil {
			// autobahn-python fails the handshake.
			io.WriteString(nc, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			s.finish(n, &Result{ID: c.ID, Behavior: Failed, BehaviorClose: Failed, Detail: "the permessage-deflate offer is invalid: " + err.Error()})
			return
		}
		if a, ok := c.Accept(offers); ok {
			z = newPMD(a)
			resp += "Sec-WebSocket-Extensions: " + a.answer() + "\r\n"
		}
	}
	if _, err := io.WriteString(nc, resp+"\r\n"); err != nil {
		s.finish(n, &Result{ID: c.ID, Behavior: Failed, BehaviorClose: Failed, Detail: "the upgrade could not be written"})
		return
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	start := time.Now()
	f := newFuzz(c, nc, br, s.patience)
	f.z = z
	go f.readLoop()
	c.Run(f)
	f.flush()
	// The script is over: an answer to a close frame of ours gets
	// closeTimeout, then the connection is dropped.
	if !f.wait(closeTimeout, f.over) {
		f.drop()
	}
	<-f.done
	r := f.judge(true)
	r.Duration = time.Since(start)
	s.finish(n, r)
}

func (s *Server) finish(n int, r *Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.results[n] != nil {
		return // a second run of the same case keeps the first verdict
	}
	s.results[n] = r
	close(s.ready[n])
}

func headerHas(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
