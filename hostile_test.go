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

// Invalid UTF-8 fails a text message at the offending byte, not at its
// end: the server declares a 1 MiB text frame, sends its first three bytes,
// the third not UTF-8, and nothing more. Natively: ERROR (ErrInvalidUTF8),
// DISCONNECTED 1007, and the server gets 1007, all without the rest of the
// message (a client that checked whole messages would wait for it for
// ever; here the server gives up after 10s). The browser fails the
// connection itself, at once too, and reports 1006; it sends the server
// its own code, 1002.
func TestServerInvalidUTF8FailsFast(t *testing.T) {
	id := "utf8fast-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	url := wsURL("/badframe?kind=utf8&id=" + id)
	r := newRecorder(t)
	r.connect(url, nil)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED ERROR DISCONNECTED")
	sent := websocket.CloseInvalidFramePayloadData
	if inBrowserTest {
		checkError(t, evs[1], []error{websocket.ErrConnectionLost}, url)
		checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
		sent = websocket.CloseProtocolError
	} else {
		checkError(t, evs[1], []error{websocket.ErrInvalidUTF8}, url)
		checkDisconnected(t, evs, websocket.CloseInvalidFramePayloadData, "*")
	}
	if rec := fetchRecord(t, id); rec.Code != sent {
		t.Errorf("the server got close code %d from us, want %d (-2: none before it gave up)", rec.Code, sent)
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
