//go:build !js

package websocket_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/rawserver"
)

// timedRecorder is a recorder that also says when DISCONNECTED came. The
// time is taken as the callback begins and stored under the same lock as
// the event, so a test that has seen DISCONNECTED always gets its time.
type timedRecorder struct {
	*recorder
}

func newTimedRecorder(t testing.TB) *timedRecorder {
	return &timedRecorder{recorder: newRecorder(t)}
}

// doneAt returns when DISCONNECTED's callback began; the test fails if
// DISCONNECTED has not come.
func (r *timedRecorder) doneAt() time.Time {
	r.t.Helper()
	return r.eventTime(websocket.EventDisconnected)
}

// frame builds a final frame.
func frame(op byte, payload string) rawserver.Frame {
	return rawserver.Frame{Fin: true, Opcode: op, Payload: []byte(payload)}
}

type hostileCase struct {
	name   string
	params websocket.Params
	up     rawserver.Upgrade
	frames []rawserver.Frame // written in one go after the upgrade
	opened bool              // the upgrade succeeds: CONNECTED first
	msgs   []string          // messages delivered before the failure
	kind   error             // Data.Err on ERROR matches it
	code   int               // the code on DISCONNECTED, and the one we send the server
	// problem, when set, is in the ERROR's text.
	problem string
}

func hostileCases() []hostileCase {
	ok := frame(rawserver.OpText, "fine")
	big := strings.Repeat("x", 126)
	return []hostileCase{
		{name: "invalid UTF-8 text", opened: true, msgs: []string{"fine"}, kind: websocket.ErrInvalidUTF8, code: websocket.CloseInvalidFramePayloadData,
			frames: []rawserver.Frame{ok, frame(rawserver.OpText, "ok\xff\xfe")}},
		{name: "invalid UTF-8 across fragments", opened: true, kind: websocket.ErrInvalidUTF8, code: websocket.CloseInvalidFramePayloadData,
			frames: []rawserver.Frame{
				{Opcode: rawserver.OpText, Payload: []byte("h\xc3")},
				{Fin: true, Opcode: rawserver.OpContinuation, Payload: []byte("(")}}},
		{name: "reserved data opcode 3", opened: true, msgs: []string{"fine"}, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{ok, frame(3, "x")}},
		{name: "reserved control opcode 0xB", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{frame(0xB, "")}},
		{name: "RSV1 without extension", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, RSV: 0x40, Opcode: rawserver.OpText, Payload: []byte("x")}}},
		{name: "RSV2", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, RSV: 0x20, Opcode: rawserver.OpBinary, Payload: []byte("x")}}},
		{name: "RSV3 on a ping", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, RSV: 0x10, Opcode: rawserver.OpPing}}},
		{name: "masked data frame", opened: true, msgs: []string{"fine"}, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{ok, {Fin: true, Masked: true, Opcode: rawserver.OpText, Payload: []byte("masked")}}},
		{name: "masked ping", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, Masked: true, Opcode: rawserver.OpPing, Payload: []byte("p")}}},
		{name: "ping over 125 bytes", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{frame(rawserver.OpPing, big)}},
		{name: "close over 125 bytes", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(websocket.CloseNormalClosure, big)}}},
		{name: "fragmented ping", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Opcode: rawserver.OpPing, Payload: []byte("a")}, frame(rawserver.OpContinuation, "b")}},
		{name: "continuation with nothing to continue", opened: true, msgs: []string{"fine"}, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{ok, frame(rawserver.OpContinuation, "x")}},
		{name: "new message inside a fragmented one", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Opcode: rawserver.OpText, Payload: []byte("a")}, frame(rawserver.OpText, "b")}},
		{name: "close code 1005 on the wire", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(websocket.CloseNoStatusReceived, "")}}},
		{name: "close code 1006 on the wire", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(websocket.CloseAbnormalClosure, "")}}},
		{name: "close code 999", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(999, "")}}},
		{name: "close code 2000", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(2000, "")}}},
		{name: "close code 5000", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(5000, "")}}},
		// The close frame is held back from coder/websocket, which would
		// echo the bad reason: the server hears 1007, not its own frame.
		{name: "close reason not UTF-8", opened: true, kind: websocket.ErrInvalidUTF8, code: websocket.CloseInvalidFramePayloadData,
			frames: []rawserver.Frame{{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(websocket.CloseNormalClosure, "bye\xff")}}},
		{name: "close payload of 1 byte", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Fin: true, Opcode: rawserver.OpClose, Payload: []byte{3}}}},
		{name: "message over MaxMessageSize", params: websocket.Params{MaxMessageSize: 100}, opened: true,
			msgs: []string{strings.Repeat("a", 100)}, kind: websocket.ErrMessageTooBig, code: websocket.CloseMessageTooBig,
			frames: []rawserver.Frame{frame(rawserver.OpBinary, strings.Repeat("a", 100)), frame(rawserver.OpBinary, strings.Repeat("b", 101))}},
		{name: "fragmented message over MaxMessageSize", params: websocket.Params{MaxMessageSize: 100}, opened: true,
			kind: websocket.ErrMessageTooBig, code: websocket.CloseMessageTooBig,
			frames: []rawserver.Frame{
				{Opcode: rawserver.OpBinary, Payload: bytes.Repeat([]byte("a"), 60)},
				{Fin: true, Opcode: rawserver.OpContinuation, Payload: bytes.Repeat([]byte("b"), 60)}}},
		{name: "declared length far over MaxMessageSize", params: websocket.Params{MaxMessageSize: 100}, opened: true,
			kind: websocket.ErrMessageTooBig, code: websocket.CloseMessageTooBig,
			frames: []rawserver.Frame{{Raw: append([]byte{0x82, 127, 0, 0, 1, 0, 0, 0, 0, 0}, bytes.Repeat([]byte("x"), 200)...)}}},
		{name: "negative 64-bit length", opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{{Raw: []byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1}}}},
		{name: "bad Sec-WebSocket-Accept", up: rawserver.Upgrade{Accept: "dGhlIHNhbXBsZSBub25jZQ=="},
			kind: websocket.ErrProtocol, code: websocket.CloseAbnormalClosure},
		{name: "subprotocol not offered", params: websocket.Params{Protocol: "chat"}, up: rawserver.Upgrade{Protocol: "superchat"},
			kind: websocket.ErrProtocol, code: websocket.CloseAbnormalClosure},
		{name: "subprotocol when none was asked", up: rawserver.Upgrade{Protocol: "chat"},
			kind: websocket.ErrProtocol, code: websocket.CloseAbnormalClosure},
	}
}

// TestHostileServer: every broken or hostile server behaviour ends in
// ERROR then DISCONNECTED with the RFC 6455 code, and we tell the server
// that code in our close frame.
func TestHostileServer(t *testing.T) {
	for _, tc := range append(hostileCases(), compressionHostileCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			type result struct {
				sentAt time.Time
				code   int
			}
			res := make(chan result, 1)
			srv := rawserver.Start(tc.up, func(c *rawserver.Conn) {
				at := time.Now()
				c.WriteFrames(tc.frames...)
				res <- result{at, c.AwaitClose(10 * time.Second)}
			})
			defer srv.Close()

			r := newTimedRecorder(t)
			start := time.Now()
			p := tc.params
			r.connect(srv.URL(), &p)
			evs := r.waitDone()

			want := "ERROR DISCONNECTED"
			if tc.opened {
				want = "CONNECTED " + strings.Repeat("MESSAGE ", len(tc.msgs)) + want
			}
			if got := kinds(evs); got != want {
				t.Fatalf("events %s, want %s", describe(evs), want)
			}
			for i, m := range tc.msgs {
				if got := string(evs[1+i].Message); got != m {
					t.Errorf("message %d = %.20q, want %.20q", i, got, m)
				}
			}
			e := find(evs, websocket.EventError)
			if !errors.Is(e.Err, tc.kind) {
				t.Errorf("ERROR %q does not match %v", e.Message, tc.kind)
			}
			if string(e.Message) != e.Err.Error() {
				t.Errorf("Message %q != Err.Error() %q", e.Message, e.Err.Error())
			}
			if !strings.Contains(string(e.Message), tc.problem) {
				t.Errorf("ERROR %q does not say %q", e.Message, tc.problem)
			}
			d := find(evs, websocket.EventDisconnected)
			if d.Code != tc.code {
				t.Errorf("DISCONNECTED code %d, want %d (error: %s)", d.Code, tc.code, e.Message)
			}
			if tc.opened {
				select {
				case r := <-res:
					if r.code != tc.code {
						t.Errorf("we sent the server close code %d, want %d", r.code, tc.code)
					}
					start = r.sentAt
				case <-time.After(15 * time.Second):
					t.Fatal("server script did not finish")
				}
			}
			t.Logf("detected in %v: %s", r.doneAt().Sub(start).Round(time.Microsecond), e.Message)
		})
	}
}

// TestHostileServerValidFragments is the control for the cases above: a
// text message split inside a UTF-8 sequence, with a ping between its
// fragments, is fine.
func TestHostileServerValidFragments(t *testing.T) {
	srv := rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) {
		c.WriteFrames(
			rawserver.Frame{Opcode: rawserver.OpText, Payload: []byte("h\xc3")},
			frame(rawserver.OpPing, "p"),
			rawserver.Frame{Fin: true, Opcode: rawserver.OpContinuation, Payload: []byte("\xa9llo")},
			frame(rawserver.OpBinary, strings.Repeat("z", 100)),
			rawserver.Frame{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(4001, "bye")},
		)
		c.AwaitClose(10 * time.Second)
	})
	defer srv.Close()
	r := newRecorder(t)
	r.connect(srv.URL(), &websocket.Params{MaxMessageSize: 100})
	evs := r.waitDone()
	if got := kinds(evs); got != "CONNECTED MESSAGE MESSAGE DISCONNECTED" {
		t.Fatalf("events %s", describe(evs))
	}
	if string(evs[1].Message) != "h\u00e9llo" || evs[1].Type != websocket.DataTypeText {
		t.Errorf("message 1 = %q %v", evs[1].Message, evs[1].Type)
	}
	if d := evs[3]; d.Code != 4001 || d.Reason != "bye" {
		t.Errorf("DISCONNECTED %d %q, want 4001 bye", d.Code, d.Reason)
	}
}

// A hostile server that never answers our close frame: the failure is
// still reported, after at most a 1s wait for the answer.
func TestHostileServerNoCloseReply(t *testing.T) {
	for _, tc := range []struct {
		name  string
		frame rawserver.Frame
		kind  error
		code  int
	}{
		{"invalid UTF-8 text", frame(rawserver.OpText, "\xff"), websocket.ErrInvalidUTF8, websocket.CloseInvalidFramePayloadData},
		{"reserved opcode", frame(3, ""), websocket.ErrProtocol, websocket.CloseProtocolError},
		{"masked frame", rawserver.Frame{Fin: true, Masked: true, Opcode: rawserver.OpBinary}, websocket.ErrProtocol, websocket.CloseProtocolError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sent := make(chan time.Time, 1)
			srv := rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) {
				sent <- time.Now()
				c.WriteFrames(tc.frame)
				io.Copy(io.Discard, c) // reads everything, answers nothing
			})
			defer srv.Close()
			r := newTimedRecorder(t)
			r.connect(srv.URL(), nil)
			evs := r.waitDone()
			took := r.doneAt().Sub(<-sent)
			if kinds(evs) != "CONNECTED ERROR DISCONNECTED" || evs[2].Code != tc.code || !errors.Is(evs[1].Err, tc.kind) {
				t.Fatalf("events %s, want CONNECTED ERROR DISCONNECTED(%d)", describe(evs), tc.code)
			}
			if took > 3*time.Second {
				t.Errorf("took %v", took)
			}
			t.Logf("no close reply: detected in %v", took)
		})
	}
}
