//go:build !js

package websocket_test

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/inflate"
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

const acceptDeflate = "permessage-deflate"

// compressionHostileCases join hostileCases in TestHostileServer: RSV1 where
// it is not allowed is 1002 (RFC 6455 section 5.2, RFC 7692 section 6); a
// corrupt DEFLATE stream is 1002 too (native/conn.go says why not 1007);
// what it inflates to is checked like any message (UTF-8: 1007; size: 1009).
func compressionHostileCases() []hostileCase {
	on := websocket.Params{Compression: true}
	up := rawserver.Upgrade{Extensions: acceptDeflate}
	ok := compressed(rawserver.OpText, "fine")
	cases := []hostileCase{
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
	// Answers the client must refuse (RFC 6455 section 4.1, RFC 7692
	// section 5): the handshake fails, the TCP connection is closed
	// without a close frame (the WebSocket connection never opened: 1006),
	// and the ERROR says what was wrong with the answer.
	for _, a := range []struct{ answer, problem string }{
		{"x-webkit-deflate-frame", `accepted the extension "x-webkit-deflate-frame", which was not offered`},
		{"permessage-deflate, permessage-deflate", "accepted permessage-deflate twice"},
		{"permessage-deflate; client_max_window_bits", "client_max_window_bits needs a value from 8 to 15"},
		{"permessage-deflate; server_max_window_bits=7", "server_max_window_bits needs a value from 8 to 15"},
		{"permessage-deflate; client_max_window_bits=16", "client_max_window_bits needs a value from 8 to 15"},
		{"permessage-deflate; client_max_window_bits=09", "client_max_window_bits needs a value from 8 to 15"},
		{"permessage-deflate; server_no_context_takeover=1", "server_no_context_takeover takes no value"},
		{"permessage-deflate; client_no_context_takeover; client_no_context_takeover", "client_no_context_takeover is given twice"},
		{"permessage-deflate; mystery", `unknown permessage-deflate parameter "mystery"`},
	} {
		cases = append(cases, hostileCase{name: "answer " + a.answer, params: on, up: rawserver.Upgrade{Extensions: a.answer},
			kind: websocket.ErrProtocol, code: websocket.CloseAbnormalClosure, problem: a.problem})
	}
	return append(cases, hostileCase{name: "answer permessage-deflate to no offer", up: up,
		kind: websocket.ErrProtocol, code: websocket.CloseAbnormalClosure, problem: "which was not offered"})
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

// bomb returns one compressed message that inflates to n MiB of zeros:
// 1 MiB of zeros compressed once, repeated n times (each piece ends
// flushed on a byte boundary, so pieces chain).
func bomb(n int) []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(make([]byte, 1<<20))
	w.Flush()
	return bytes.TrimSuffix(bytes.Repeat(b.Bytes(), n), []byte{0, 0, 0xff, 0xff})
}

// TestCompressionBomb: 256 MiB of zeros in one compressed message of
// about 265 KB fails with 1009 once MaxMessageSize is passed, and the
// heap meanwhile holds about MaxMessageSize: no more is inflated, and no
// buffer doubles past the limit. The heap is sampled after a collection
// every few milliseconds while the message is read (what is live, not
// garbage waiting for the collector).
func TestCompressionBomb(t *testing.T) {
	payload := bomb(256)
	t.Logf("bomb: %d bytes of DEFLATE, 256 MiB inflated", len(payload))
	for _, limit := range []int64{8 << 20, 0} {
		t.Run(byteSize(limit), func(t *testing.T) {
			max := limit
			if max == 0 {
				max = websocket.DefaultMaxMessageSize
			}
			codes := make(chan int, 1)
			srv := rawserver.Start(rawserver.Upgrade{Extensions: acceptDeflate}, func(c *rawserver.Conn) {
				c.WriteFrames(rawserver.Frame{Fin: true, RSV: 0x40, Opcode: rawserver.OpBinary, Payload: payload})
				codes <- c.AwaitClose(20 * time.Second)
			})
			defer srv.Close()
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			base := int64(ms.HeapAlloc)
			var peak atomic.Int64
			stop, sampled := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(sampled)
				var ms runtime.MemStats
				for {
					runtime.GC()
					runtime.ReadMemStats(&ms)
					if h := int64(ms.HeapAlloc) - base; h > peak.Load() {
						peak.Store(h)
					}
					select {
					case <-stop:
						return
					case <-time.After(2 * time.Millisecond):
					}
				}
			}()
			r := newRecorder(t)
			r.connect(srv.URL(), &websocket.Params{Compression: true, MaxMessageSize: limit})
			evs := r.waitDone()
			close(stop)
			<-sampled
			if kinds(evs) != "CONNECTED ERROR DISCONNECTED" || evs[2].Code != websocket.CloseMessageTooBig || !errors.Is(evs[1].Err, websocket.ErrMessageTooBig) {
				t.Fatalf("events %s, want CONNECTED ERROR(ErrMessageTooBig) DISCONNECTED(1009)", describe(evs))
			}
			if code := <-codes; code != websocket.CloseMessageTooBig {
				t.Errorf("the server got close code %d, want 1009", code)
			}
			t.Logf("MaxMessageSize %s: the live heap grew by at most %s (%.2f× the limit)", byteSize(max), byteSize(peak.Load()), float64(peak.Load())/float64(max))
			if budget := max + max/4 + 4<<20; peak.Load() > budget {
				t.Errorf("the live heap grew by %s for a message limited to %s (budget %s)", byteSize(peak.Load()), byteSize(max), byteSize(budget))
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
			want = []string{"permessage-deflate; client_max_window_bits"}
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

// TestCompressionAnswers: every answer a server may give to our offer
// (context takeover or not either way, both window sizes from 8 to 15
// bits, quoted or not), with a mix of messages both ways. The server
// checks each of our frames: RSV1 on a compressed message (those of 512
// bytes and more always, those under 128 never), and its payload inflated
// by a decoder that refuses a match past the window the answer allowed
// us, with our context kept between messages unless the answer said
// client_no_context_takeover. It compresses its own messages as the
// answer says it does (each on its own with server_no_context_takeover).
func TestCompressionAnswers(t *testing.T) {
	mix := compressionMix()
	for _, tc := range []struct {
		answer           string
		clientBits       int
		clientNoTakeover bool
		serverNoTakeover bool
	}{
		{"permessage-deflate", 15, false, false},
		{"permessage-deflate; client_no_context_takeover", 15, true, false},
		{"permessage-deflate; server_no_context_takeover", 15, false, true},
		{"permessage-deflate; client_max_window_bits=8", 8, false, false},
		{"permessage-deflate; client_max_window_bits=9; client_no_context_takeover", 9, true, false},
		{`permessage-deflate; client_max_window_bits="12"; server_max_window_bits=10`, 12, false, false},
		{"permessage-deflate;server_no_context_takeover;client_no_context_takeover;server_max_window_bits=15;client_max_window_bits=15", 15, true, true},
		{"Permessage-Deflate ; Client_Max_Window_Bits = 11", 11, false, false},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			fromServer := [][]byte{gameState(1), gameState(2), gameState(3), bytes.Repeat([]byte("state "), 20000), gameState(4)}
			checked := make(chan error, 1)
			srv := rawserver.Start(rawserver.Upgrade{Extensions: tc.answer}, func(c *rawserver.Conn) {
				// The server's messages, compressed as the answer says.
				var out bytes.Buffer
				w, _ := flate.NewWriter(&out, flate.BestSpeed)
				for _, p := range fromServer {
					if tc.serverNoTakeover {
						w.Reset(&out)
					}
					out.Reset()
					w.Write(p)
					w.Flush()
					c.WriteFrames(rawserver.Frame{Fin: true, RSV: 0x40, Opcode: rawserver.OpText, Payload: bytes.TrimSuffix(out.Bytes(), []byte{0, 0, 0xff, 0xff})})
				}
				strict := inflate.New(tc.clientBits, !tc.clientNoTakeover)
				for i, m := range mix {
					f, err := c.ReadFrame()
					if err != nil {
						checked <- err
						return
					}
					got := f.Payload
					switch {
					case f.RSV == 0x40:
						if got, err = strict.Message(f.Payload, 64<<20); err != nil {
							checked <- fmt.Errorf("message %d (%d bytes): %v", i, len(m.p), err)
							return
						}
					case f.RSV != 0:
						checked <- fmt.Errorf("message %d: RSV bits %#x", i, f.RSV)
						return
					}
					switch {
					case !f.Fin || f.Opcode != byte(m.typ) || !bytes.Equal(got, m.p):
						checked <- fmt.Errorf("message %d: fin %v, opcode %d, %d bytes; want %v, %d bytes", i, f.Fin, f.Opcode, len(got), m.typ, len(m.p))
						return
					case len(m.p) >= 512 && f.RSV == 0:
						checked <- fmt.Errorf("message %d (%d bytes) went uncompressed", i, len(m.p))
						return
					case len(m.p) < 128 && f.RSV != 0:
						checked <- fmt.Errorf("message %d (%d bytes) went compressed", i, len(m.p))
						return
					}
				}
				checked <- nil
				c.WriteFrames(rawserver.Frame{Fin: true, Opcode: rawserver.OpClose, Payload: rawserver.ClosePayload(1000, "")})
				c.AwaitClose(10 * time.Second)
			})
			defer srv.Close()
			r := newRecorder(t)
			c := r.connect(srv.URL(), &websocket.Params{Compression: true})
			r.waitEvent(websocket.EventConnected)
			for _, m := range mix {
				if err := websocket.Send(c, m.p, &websocket.SendOptions{Type: m.typ}); err != nil {
					t.Fatal(err)
				}
			}
			if err := <-checked; err != nil {
				t.Fatal(err)
			}
			evs := r.waitDone()
			got := messages(evs)
			if len(got) != len(fromServer) || evs[len(evs)-1].Code != websocket.CloseNormalClosure {
				t.Fatalf("events %s", describe(evs))
			}
			for i, p := range fromServer {
				if !bytes.Equal(got[i].Message, p) {
					t.Errorf("server message %d: %d bytes, want %d", i, len(got[i].Message), len(p))
				}
			}
		})
	}
}
