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

// A protocol violation (a frame with a reserved opcode) and a message too
// big (a frame that declares 2^31 bytes, Chromium's own limit, of which
// 200 come, past MaxMessageSize 100): ERROR, DISCONNECTED. Natively
// the ERROR says which (ErrProtocol, ErrMessageTooBig), DISCONNECTED and
// the close frame we send carry 1002 or 1009. The browser fails the
// connection itself and reports only 1006, like a dropped connection: it
// sends the server 1002 for the first, and for the second drops TCP
// without a close frame (the server records -1).
func TestServerBrokenFrames(t *testing.T) {
	for _, tc := range []struct {
		name        string
		kind        string
		code        int
		nativeErr   error
		browserSent int
	}{
		{"protocol violation", "opcode", websocket.CloseProtocolError, websocket.ErrProtocol, websocket.CloseProtocolError},
		{"message too big", "huge", websocket.CloseMessageTooBig, websocket.ErrMessageTooBig, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := strings.ReplaceAll(t.Name(), "/", "-") + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			url := wsURL("/badframe?kind=" + tc.kind + "&id=" + id)
			r := newRecorder(t)
			r.connect(url, &websocket.Params{MaxMessageSize: 100})
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
