package websocket_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/engine"
)

// A server that breaks the protocol, through the shared test server, on
// both backends; hostile_native_test.go has the raw-frame cases.

// Invalid UTF-8 in a text message from the server: ERROR, DISCONNECTED.
// Natively the code is 1007 and the ERROR ErrInvalidUTF8; a browser fails
// the connection itself and reports only 1006, like a dropped connection.
// Firefox does so before the connection opens when the message comes with
// the 101 response: the library then reports the failed dial.
func TestServerInvalidUTF8(t *testing.T) {
	r := newRecorder(t)
	r.connect(wsURL("/badtext"), nil)
	evs := r.waitDone()
	switch {
	case engine.Name == engine.Firefox && kinds(evs) == "ERROR DISCONNECTED":
		checkError(t, evs[0], []error{websocket.ErrDial}, "/badtext")
		checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
	case inBrowserTest:
		checkSeq(t, evs, "CONNECTED ERROR DISCONNECTED")
		checkError(t, evs[1], []error{websocket.ErrConnectionLost}, "/badtext")
		checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
	default:
		checkSeq(t, evs, "CONNECTED ERROR DISCONNECTED")
		checkError(t, evs[1], []error{websocket.ErrInvalidUTF8}, "UTF-8")
		checkDisconnected(t, evs, websocket.CloseInvalidFramePayloadData, "*")
	}
	if strings.Contains(string(evs[len(evs)-2].Message), "\xff") {
		t.Errorf("the error text carries the invalid bytes: %q", evs[len(evs)-2].Message)
	}
	r.settle(evs)
}

// A protocol violation (a frame with a reserved opcode) and a message too
// big (a frame that declares 2^31 bytes, Chromium's own limit, of which
// 200 come, past MaxMessageSize 100). Natively: CONNECTED, ERROR saying
// which (ErrProtocol, ErrMessageTooBig), DISCONNECTED and the close frame
// we send carry 1002 or 1009. A browser fails the connection itself and
// reports only 1006, like a dropped connection; what the server gets
// differs by engine:
//   - Chromium: CONNECTED ERROR DISCONNECTED; it sends the server 1002 for
//     the first, and drops TCP without a close frame for the second (the
//     server records -1).
//   - Firefox fails the connection before it opens (the frame comes with
//     the 101 response): ERROR (the failed dial) DISCONNECTED, and TCP is
//     dropped without a close frame.
//   - WebKit: CONNECTED ERROR DISCONNECTED with 1002 for the first. It has
//     no limit at 2^31 bytes: it waits for the rest of the frame, sends
//     nothing, and the connection ends only when the server gives up (after
//     500ms here, having got nothing: -2).
func TestServerBrokenFrames(t *testing.T) {
	for _, tc := range []struct {
		name      string
		kind      string
		code      int
		nativeErr error
	}{
		{"protocol violation", "opcode", websocket.CloseProtocolError, websocket.ErrProtocol},
		{"message too big", "huge", websocket.CloseMessageTooBig, websocket.ErrMessageTooBig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := strings.ReplaceAll(t.Name(), "/", "-") + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			url := wsURL("/badframe?kind=" + tc.kind + "&await=500&id=" + id)
			r := newRecorder(t)
			r.connect(url, &websocket.Params{MaxMessageSize: 100})
			evs := r.waitDone()
			seq, err, code, sent := "CONNECTED ERROR DISCONNECTED", tc.nativeErr, tc.code, tc.code
			switch huge := tc.kind == "huge"; engine.Name {
			case engine.Chromium, engine.WebKit:
				err, code = websocket.ErrConnectionLost, websocket.CloseAbnormalClosure
				switch {
				case !huge:
					sent = websocket.CloseProtocolError
				case engine.Name == engine.Chromium:
					sent = -1
				default:
					sent = -2
				}
			case engine.Firefox:
				seq, err, code, sent = "ERROR DISCONNECTED", websocket.ErrDial, websocket.CloseAbnormalClosure, -1
			}
			checkSeq(t, evs, seq)
			checkError(t, evs[len(evs)-2], []error{err}, url)
			checkDisconnected(t, evs, code, "*")
			if rec := fetchRecord(t, id); rec.Code != sent {
				t.Errorf("the server got close code %d from us, want %d", rec.Code, sent)
			}
			r.settle(evs)
		})
	}
}
