//go:build unix && !hybridws_portable

package native

import (
	"net"
	"os"
	"syscall"
)

// newFrameReader returns the reader of c's frames (dataread.go) over
// conn, the TCP connection under c.body, whose writes do not block (raw is
// the nbWriter's). limit is MaxMessageSize.
func newFrameReader(c *Conn, conn net.Conn, raw syscall.RawConn, limit int64) *frameReader {
	rd := &frameReader{c: c, body: c.body, raw: raw, conn: conn, limit: limit}
	rd.tryFn = rd.tryFD
	return rd
}

// tryFD reads what the socket holds now into rd.dst or the buffer; with
// nothing there it gives the buffer back, if no bytes wait in it, and
// returns false to wait in the netpoller (Go keeps its sockets in
// non-blocking mode on Unix).
func (rd *frameReader) tryFD(fd uintptr) bool {
	for {
		dst := rd.take()
		if dst == nil {
			return true // read takes a buffer, and calls again
		}
		n, err := syscall.Read(int(fd), dst)
		switch err {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			if rd.dst == nil {
				rd.release(true)
			}
			return false
		case nil:
			rd.tn = n
		default:
			rd.terr = os.NewSyscallError("read", err)
		}
		return true
	}
}
