//go:build !js && (!unix || hybridws_portable)

package native

import (
	"net"
	"syscall"
)

// newFrameReader returns nil: coder/websocket reads every frame
// (dataread.go) where writes may block.
func newFrameReader(*Conn, net.Conn, syscall.RawConn, int64) *frameReader { return nil }
