//go:build linux && !hybridws_portable

package native

import (
	"syscall"
	"unsafe"
)

// seesAcks: unacked tells what the peer acknowledged.
const seesAcks = true

// unacked returns the bytes in the socket's send queue that the peer has
// not acknowledged yet (SIOCOUTQ), -1 if unknown. As the peer acknowledges
// them it shrinks: a sign of life that the bytes a socket takes at once
// cannot give (keepalive.go).
func (w *nbWriter) unacked() int {
	n := -1
	err := w.raw.Control(func(fd uintptr) {
		var v int32
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&v))); e == 0 {
			n = int(v)
		}
	})
	if err != nil {
		return -1
	}
	return n
}
