package websocket

import (
	"errors"
	"testing"
)

// The read side's reason wins over a write that failed because of it: a
// message over MaxMessageSize fails the connection while a Send is being
// written, whose write then fails on the closed socket.
func TestDescribeReadErrorPrefersTheCode(t *testing.T) {
	writeErr := errors.New("write: use of closed network connection")
	for code, kind := range map[int]error{
		CloseMessageTooBig:           ErrMessageTooBig,
		CloseProtocolError:           ErrProtocol,
		CloseInvalidFramePayloadData: ErrInvalidUTF8,
		CloseAbnormalClosure:         ErrConnectionLost,
	} {
		err := describeReadError("ws://h/", code, writeErr, errors.New("read failed"))
		if !errors.Is(err, kind) {
			t.Errorf("code %d with a write error: %v, want %v", code, err, kind)
		}
		if wantWrite := code == CloseAbnormalClosure; errors.Is(err, writeErr) != wantWrite {
			t.Errorf("code %d: %v names the write error: %v, want %v", code, err, !wantWrite, wantWrite)
		}
	}
}
