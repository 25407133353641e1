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

// A protocol violation (a frame with a reserved opcode), a message too
// big (a frame that declares 2^31 bytes, Chromium's own limit, of which
// 200 come, past MaxMessageSize 100), and invalid UTF-8 that must be failed
// at the offending byte, not at the end of its message (a text frame that
// declares 1 MiB, of which only "ok\xff" comes: a client that checked
// whole messages would wait for the rest for ever). Natively: CONNECTED,
// ERROR saying which (ErrProtocol, ErrMessageTooBig, ErrInvalidUTF8),
// DISCONNECTED and the close frame we send carry 1002, 1009 or 1007. A
// browser fails the connection itself and reports only 1006, like a
// dropped connection; what the server gets differs by engine:
//   - Chromium: CONNECTED ERROR DISCONNECTED; it sends the server 1002 for
//     the first and the third, and drops TCP without a close frame for the
//     second (the server records -1).
//   - Firefox may fail the connection before it opens (when the frame
//     comes with the 101 response): ERROR (the failed dial) DISCONNECTED;
//     or after: CONNECTED ERROR DISCONNECTED. What the server gets then
//     varies (a close 1002, a drop, nothing).
//   - WebKit: CONNECTED ERROR DISCONNECTED with 1002 for the first. It has
//     no limit at 2^31 bytes, and checks UTF-8 only once a message is
//     whole: for the second and the third it waits for the rest of the
//     frame, sends nothing, and the connection ends only when the server
//     gives up (after 500ms here, having got nothing: -2).
func TestServerBrokenFrames(t *testing.T) {
	for _, tc := range []struct {
		name      string
		kind      string
		max       int64 // MaxMessageSize
		code      int
		nativeErr error
	}{
		{"protocol violation", "opcode", 100, websocket.CloseProtocolError, websocket.ErrProtocol},
		{"message too big", "huge", 100, websocket.CloseMessageTooBig, websocket.ErrMessageTooBig},
		{"invalid UTF-8 failed at once", "utf8", 0, websocket.CloseInvalidFramePayloadData, websocket.ErrInvalidUTF8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := strings.ReplaceAll(t.Name(), "/", "-") + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			url := wsURL("/badframe?kind=" + tc.kind + "&await=500&id=" + id)
			r := newRecorder(t)
			r.connect(url, &websocket.Params{MaxMessageSize: tc.max})
			evs := r.waitDone()
			seq, err, code, sent := "CONNECTED ERROR DISCONNECTED", tc.nativeErr, tc.code, tc.code
			switch huge := tc.kind == "huge"; engine.Name {
			case engine.Chromium, engine.WebKit:
				err, code = websocket.ErrConnectionLost, websocket.CloseAbnormalClosure
				switch {
				case tc.kind == "utf8" && engine.Name == engine.WebKit:
					sent = -2 // it checks a message whole: it waits for the rest until the server gives up
				case !huge:
					sent = websocket.CloseProtocolError
				case engine.Name == engine.Chromium:
					sent = -1
				default:
					sent = -2
				}
			case engine.Firefox:
				// Whether it has opened when the frame is read depends on
				// how the bytes arrive: either outcome, 1006 both ways, and
				// what it tells the server varies with it.
				seq, err, code, sent = "ERROR DISCONNECTED", websocket.ErrDial, websocket.CloseAbnormalClosure, 0
				if find(evs, websocket.EventConnected) != nil {
					seq, err = "CONNECTED ERROR DISCONNECTED", websocket.ErrConnectionLost
				}
			}
			checkSeq(t, evs, seq)
			checkError(t, evs[len(evs)-2], []error{err}, url)
			checkDisconnected(t, evs, code, "*")
			if rec := fetchRecord(t, id); sent != 0 && rec.Code != sent {
				t.Errorf("the server got close code %d from us, want %d", rec.Code, sent)
			}
			r.settle(evs)
		})
	}
}
