// Package tcpserve is the skeleton the tests' raw servers share: it
// accepts TCP connections on a free loopback port, runs a handler on each
// in a goroutine of its own, closes the connection when the handler
// returns, and on Close closes everything and waits for the handlers.
package tcpserve

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server accepts connections until Close.
type Server struct {
	ln     net.Listener
	handle func(net.Conn)

	mu    sync.Mutex
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// Listen serves handle on 127.0.0.1 at a free port.
func Listen(handle func(net.Conn)) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, handle: handle, conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Addr returns the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops listening, closes every connection and waits for the
// handlers to return.
func (s *Server) Close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[nc] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				nc.Close()
				s.mu.Lock()
				delete(s.conns, nc)
				s.mu.Unlock()
			}()
			s.handle(nc)
		}()
	}
}

// ReadRequest reads the HTTP request that opens a connection (an upgrade
// request), giving the client 10 s to send it, and returns it with the
// reader that holds whatever followed it.
func ReadRequest(nc net.Conn) (*http.Request, *bufio.Reader, error) {
	br := bufio.NewReader(nc)
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	req, err := http.ReadRequest(br)
	nc.SetReadDeadline(time.Time{})
	return req, br, err
}
