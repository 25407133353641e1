//go:build !js && (!linux || hybridws_portable)

package native

// unacked returns -1: what the peer has acknowledged is known on Linux
// only (outq_linux.go).
func (w *nbWriter) unacked() int { return -1 }
