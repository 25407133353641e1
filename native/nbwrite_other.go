//go:build !js && (!unix || hybridws_portable)

package native

import "net"

// fastWrites is false where a socket cannot be written without blocking
// through the standard library (Windows sockets use overlapped I/O), and in
// builds with the hybridws_portable tag, with which the tests run the
// guarantee suite on this path.
const fastWrites = false

// newNBWriter returns nil: every message is written by the writer
// goroutine (send.go), which may block on the network (Write never does).
func newNBWriter(net.Conn) *nbWriter { return nil }
