//go:build !js

package websocket_test

// The causes under a native ERROR, and the address its text names
// (describe.go).

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// An ERROR's Err matches its cause as well as its kind (errors.Is and
// errors.As reach the network error under it), and a refused connection
// names the address it dialled, port included.
func TestErrorCause(t *testing.T) {
	addr := closedAddr(t)
	r := newRecorder(t)
	r.connect("ws://"+addr+"/echo", nil)
	evs := r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkError(t, evs[0], []error{websocket.ErrDial, syscall.ECONNREFUSED}, "connection refused by "+addr)
	var op *net.OpError
	if !errors.As(evs[0].Err, &op) {
		t.Errorf("ERROR %q: errors.As finds no *net.OpError under it", evs[0].Message)
	}

	r = newRecorder(t)
	r.connect(hangingURL(t), &websocket.Params{Timeout: 100 * time.Millisecond})
	evs = r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkError(t, evs[0], []error{websocket.ErrTimeout, context.DeadlineExceeded}, "timed out after 100ms")
}
