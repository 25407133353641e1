//go:build !js

package websocket_test

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/rawserver"
)

// deflated returns p compressed as one permessage-deflate message (RFC
// 7692 section 7.2.1: a DEFLATE stream flushed, without its final
// 00 00 ff ff).
func deflated(p []byte) []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(p)
	w.Flush()
	return bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff})
}

// compressed is a final frame of one compressed message.
func compressed(op byte, p string) rawserver.Frame {
	return rawserver.Frame{Fin: true, RSV: 0x40, Opcode: op, Payload: deflated([]byte(p))}
}

const acceptDeflate = "permessage-deflate; client_no_context_takeover"

// compressionHostileCases join hostileCases in TestHostileServer: RSV1 where
// it is not allowed is 1002 (RFC 6455 section 5.2, RFC 7692 section 6); a
// corrupt DEFLATE stream is 1002 too (native/conn.go says why not 1007);
// what it inflates to is checked like any message (UTF-8: 1007; size: 1009).
func compressionHostileCases() []hostileCase {
	on := websocket.Params{Compression: true}
	up := rawserver.Upgrade{Extensions: acceptDeflate}
	ok := compressed(rawserver.OpText, "fine")
	return []hostileCase{
		{name: "RSV1 when the server declined compression", params: on, opened: true, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{compressed(rawserver.OpText, "x")}},
		{name: "RSV1 on a ping with compression on", params: on, up: up, opened: true, msgs: []string{"fine"}, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{ok, {Fin: true, RSV: 0x40, Opcode: rawserver.OpPing}}},
		{name: "RSV1 on a continuation frame", params: on, up: up, opened: true, msgs: []string{"fine"}, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{ok,
				{RSV: 0x40, Opcode: rawserver.OpText, Payload: deflated([]byte("hello"))},
				{Fin: true, RSV: 0x40, Opcode: rawserver.OpContinuation}}},
		{name: "corrupt DEFLATE stream", params: on, up: up, opened: true, msgs: []string{"fine"}, kind: websocket.ErrProtocol, code: websocket.CloseProtocolError,
			frames: []rawserver.Frame{ok, {Fin: true, RSV: 0x40, Opcode: rawserver.OpBinary, Payload: []byte{0xff, 0xff, 0xff, 0xff}}}},
		{name: "compressed text that inflates to invalid UTF-8", params: on, up: up, opened: true, msgs: []string{"fine"}, kind: websocket.ErrInvalidUTF8, code: websocket.CloseInvalidFramePayloadData,
			frames: []rawserver.Frame{ok, compressed(rawserver.OpText, "ok\xff")}},
		{name: "compressed message that inflates past MaxMessageSize", params: websocket.Params{Compression: true, MaxMessageSize: 100}, up: up, opened: true,
			msgs: []string{strings.Repeat("a", 100)}, kind: websocket.ErrMessageTooBig, code: websocket.CloseMessageTooBig,
			frames: []rawserver.Frame{compressed(rawserver.OpBinary, strings.Repeat("a", 100)), compressed(rawserver.OpBinary, strings.Repeat("b", 101))}},
	}
}

// TestCompressionValidFrames is the control for the cases above: a
// compressed message in fragments with a ping between them, an
// uncompressed message among compressed ones, and a compressed message of
// exactly MaxMessageSize once inflated, are all fine.
func TestCompressionValidFrames(t *testing.T) {
	big := strings.Repeat("z", 1000)
	d := deflated([]byte("h\u00e9llo, compressed"))
	srv := rawserver.Start(rawserver.Upgrade{Extensions: acceptDeflate}, func(c *rawserver.Conn) {
		c.WriteFrames(
			rawserver.Frame{RSV: 0x40, Opcode: rawserver.OpText, Payload: d[:3]},
			frame(rawserver.OpPing, "p"),
			rawserver.Frame{Opcode: rawserver.OpContinuation, Payload: d[3:5]},
			rawserver.Frame{Fin: true, Opcode: rawserver.OpContinuation, Payload: d[5:]},
			frame(rawserver.OpBinary, "plain"),
			compressed(rawserver.OpBinary, big),
			rawserver.Frame{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(4001, "bye")},
		)
		c.AwaitClose(10 * time.Second)
	})
	defer srv.Close()
	r := newRecorder(t)
	r.connect(srv.URL(), &websocket.Params{Compression: true, MaxMessageSize: 1000})
	evs := r.waitDone()
	if got := kinds(evs); got != "CONNECTED MESSAGE MESSAGE MESSAGE DISCONNECTED" {
		t.Fatalf("events %s", describe(evs))
	}
	for i, want := range []string{"h\u00e9llo, compressed", "plain", big} {
		if got := string(evs[1+i].Message); got != want {
			t.Errorf("message %d = %.30q, want %.30q", i, got, want)
		}
	}
	if d := evs[4]; d.Code != 4001 || d.Reason != "bye" {
		t.Errorf("DISCONNECTED %d %q, want 4001 bye", d.Code, d.Reason)
	}
}

// bomb returns one compressed message of about 1 MiB that inflates to
// 1 GiB of zeros: 1 MiB of zeros compressed once, repeated 1024 times (each
// piece ends flushed on a byte boundary, so pieces chain).
func bomb() []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(make([]byte, 1<<20))
	w.Flush()
	return bytes.TrimSuffix(bytes.Repeat(b.Bytes(), 1024), []byte{0, 0, 0xff, 0xff})
}

// TestCompressionBomb: a small compressed message that inflates far past
// MaxMessageSize fails with 1009 once MaxMessageSize is passed, without
// being inflated whole: the client allocates a few times MaxMessageSize at
// most, never the 1 GiB it would inflate to.
func TestCompressionBomb(t *testing.T) {
	payload := bomb()
	t.Logf("bomb: %d bytes of DEFLATE, 1 GiB inflated", len(payload))
	for _, tc := range []struct {
		max, budget int64
	}{
		{1 << 20, 32 << 20},
		{0, 320 << 20}, // the default 64 MiB: the message buffer grows by doubling up to it
	} {
		t.Run(byteSize(tc.max), func(t *testing.T) {
			codes := make(chan int, 1)
			srv := rawserver.Start(rawserver.Upgrade{Extensions: acceptDeflate}, func(c *rawserver.Conn) {
				go func() { codes <- c.AwaitClose(20 * time.Second) }()
				c.WriteFrames(rawserver.Frame{Fin: true, RSV: 0x40, Opcode: rawserver.OpBinary, Payload: payload})
				<-codes
				codes <- 0
			})
			defer srv.Close()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r := newRecorder(t)
			r.connect(srv.URL(), &websocket.Params{Compression: true, MaxMessageSize: tc.max})
			evs := r.waitDone()
			runtime.ReadMemStats(&after)
			alloc := int64(after.TotalAlloc - before.TotalAlloc)
			t.Logf("allocated %s while failing; heap in use %s after", byteSize(alloc), byteSize(int64(after.HeapInuse)))
			if kinds(evs) != "CONNECTED ERROR DISCONNECTED" || evs[2].Code != websocket.CloseMessageTooBig || !errors.Is(evs[1].Err, websocket.ErrMessageTooBig) {
				t.Fatalf("events %s, want CONNECTED ERROR(ErrMessageTooBig) DISCONNECTED(1009)", describe(evs))
			}
			if alloc > tc.budget {
				t.Errorf("allocated %s for a message limited to %s: inflated far past the limit", byteSize(alloc), byteSize(tc.max))
			}
		})
	}
}

func byteSize(n int64) string {
	switch {
	case n == 0:
		return "default"
	case n >= 1<<20:
		return itoa(int(n>>20)) + "MiB"
	}
	return itoa(int(n>>10)) + "KiB"
}

// TestCompressionOffer: what the handshake offers, with and without
// Params.Compression, and a server that does not take the offer.
func TestCompressionOffer(t *testing.T) {
	for _, on := range []bool{false, true} {
		r := newRecorder(t)
		c := openConn(t, r, wsURL("/headers"), &websocket.Params{Compression: on})
		evs := r.waitFor("the request headers", func(evs []*websocket.Data) bool { return len(evs) >= 2 })
		var h map[string][]string
		if err := json.Unmarshal(evs[1].Message, &h); err != nil {
			t.Fatal(err)
		}
		want := []string(nil)
		if on {
			want = []string{"permessage-deflate; client_no_context_takeover"}
		}
		if got := h["Sec-Websocket-Extensions"]; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("Compression %v: offered Sec-WebSocket-Extensions %q, want %q", on, got, want)
		}
		websocket.Disconnect(c)
		r.waitDone()
	}
	// /echo does not accept the extension: everything goes uncompressed.
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), &websocket.Params{Compression: true})
	if ext := r.waitEvent(websocket.EventConnected).HandshakeResponse.Headers.Get("Sec-WebSocket-Extensions"); ext != "" {
		t.Errorf("/echo answered Sec-WebSocket-Extensions %q", ext)
	}
	echoAll(t, r, c, 0, compressionMix())
	websocket.Disconnect(c)
	if evs := r.waitDone(); evs[len(evs)-1].Code != websocket.CloseNormalClosure || count(evs, websocket.EventError) > 0 {
		t.Fatalf("events %s", describe(evs))
	}
}
