package websocket_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// A server that breaks the protocol, through the shared test server, on
// both backends; hostile_native_test.go has the raw-frame cases.

// Invalid UTF-8 in a text message from the server: ERROR, DISCONNECTED.
// Natively the code is 1007 and the ERROR ErrInvalidUTF8; the browser
// fails the connection itself and reports only 1006, like a dropped
// connection.
func TestServerInvalidUTF8(t *testing.T) {
	r := newRecorder(t)
	r.connect(wsURL("/badtext"), nil)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED ERROR DISCONNECTED")
	if inBrowserTest {
		checkError(t, evs[1], []error{websocket.ErrConnectionLost}, "/badtext")
		checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
	} else {
		checkError(t, evs[1], []error{websocket.ErrInvalidUTF8}, "UTF-8")
		checkDisconnected(t, evs, websocket.CloseInvalidFramePayloadData, "*")
	}
	if strings.Contains(string(evs[1].Message), "\xff") {
		t.Errorf("the error text carries the invalid bytes: %q", evs[1].Message)
	}
	r.settle(evs)
}

// A protocol violation (a frame with a reserved opcode), a message too
// big (a frame that declares 2^31 bytes, Chromium's own limit, of which
// 200 come, past MaxMessageSize 100) and invalid UTF-8 that must be failed
// at the offending byte, not at the end of its message (a text frame that
// declares 1 MiB, of which only "ok\xff" comes: a client that checked
// whole messages would wait for the rest for ever; the server gives up
// after 10s and records -2): ERROR, DISCONNECTED. Natively the ERROR says
// which (ErrProtocol, ErrMessageTooBig, ErrInvalidUTF8), DISCONNECTED and
// the close frame we send carry 1002, 1009 or 1007. The browser fails the
// connection itself (at once too) and reports only 1006, like a dropped
// connection: it sends the server 1002 for the first and the third, and
// for the second drops TCP without a close frame (the server records -1).
func TestServerBrokenFrames(t *testing.T) {
	for _, tc := range []struct {
		name        string
		kind        string
		max         int64 // MaxMessageSize
		code        int
		nativeErr   error
		browserSent int
	}{
		{"protocol violation", "opcode", 100, websocket.CloseProtocolError, websocket.ErrProtocol, websocket.CloseProtocolError},
		{"message too big", "huge", 100, websocket.CloseMessageTooBig, websocket.ErrMessageTooBig, -1},
		{"invalid UTF-8 failed at once", "utf8", 0, websocket.CloseInvalidFramePayloadData, websocket.ErrInvalidUTF8, websocket.CloseProtocolError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := strings.ReplaceAll(t.Name(), "/", "-") + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			url := wsURL("/badframe?kind=" + tc.kind + "&id=" + id)
			r := newRecorder(t)
			r.connect(url, &websocket.Params{MaxMessageSize: tc.max})
			evs := r.waitDone()
			checkSeq(t, evs, "CONNECTED ERROR DISCONNECTED")
			sent := tc.code
			if inBrowserTest {
				checkError(t, evs[1], []error{websocket.ErrConnectionLost}, url)
				checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
				sent = tc.browserSent
			} else {
				checkError(t, evs[1], []error{tc.nativeErr}, url)
				checkDisconnected(t, evs, tc.code, "*")
			}
			if rec := fetchRecord(t, id); rec.Code != sent {
				t.Errorf("the server got close code %d from us, want %d", rec.Code, sent)
			}
			r.settle(evs)
		})
	}
}
