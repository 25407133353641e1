//go:build !js && (!linux || hybridws_portable)

package native

// seesAcks: unacked cannot tell what the peer acknowledged here.
const seesAcks = false

// unacked returns -1: what the peer has acknowledged is known on Linux
// only (outq_linux.go).
func (w *nbWriter) unacked() int { return -1 }
