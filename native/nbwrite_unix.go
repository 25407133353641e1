//go:build unix && !hybridws_portable

package native

import (
	"net"
	"os"
	"syscall"
)

// fastWrites: on Unix a plain TCP socket takes non-blocking write system
// calls, so writes go out on the caller's goroutine (nbwrite.go).
const fastWrites = true

// newNBWriter returns nil when conn cannot do non-blocking writes.
func newNBWriter(conn net.Conn) *nbWriter {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	w := &nbWriter{raw: raw, conn: conn}
	w.tryFn = w.tryFD
	return w
}

// tryFD writes as much of w.tp as the socket takes now. Go's runtime keeps
// its sockets in non-blocking mode on Unix, so write(2) returns EAGAIN
// instead of waiting when the socket's buffer is full.
func (w *nbWriter) tryFD(fd uintptr) bool {
	for w.tn < len(w.tp) {
		m, e := syscall.Write(int(fd), w.tp[w.tn:])
		if m > 0 {
			w.tn += m
		}
		if e == syscall.EINTR {
			continue
		}
		if e != nil && e != syscall.EAGAIN {
			w.terr = &net.OpError{Op: "write", Net: "tcp", Addr: w.conn.RemoteAddr(), Err: os.NewSyscallError("write", e)}
		}
		if e != nil || m <= 0 {
			break
		}
	}
	return true // never wait for the socket
}
