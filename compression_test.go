package websocket_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hybridws/websocket"
)

// gameState returns a JSON game state of about 1 KiB for tick t: what a
// game server sends many times a second, each one much like the last.
func gameState(t int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"tick":%d,"players":[`, t)
	for i := range 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		f := float64(t)/30 + float64(i)
		fmt.Fprintf(&b, `{"id":%d,"name":"player%d","x":%.1f,"y":%.1f,"hp":%d,"state":"%s"}`,
			i+1, i+1, 100+50*math.Sin(f), 200+50*math.Cos(f), 100-(t/7+i*3)%100,
			[]string{"run", "idle", "jump", "shoot"}[(t/20+i)%4])
	}
	b.WriteString(`],"events":[]}`)
	return []byte(b.String())
}

// compressionMix is a mix of messages, text and binary, that we send
// compressed (512 bytes and more) or not (smaller), and that compress well
// or not at all, up to 4 MiB.
func compressionMix() []wsMsg {
	rnd := rand.New(rand.NewPCG(1, 2))
	noise := func(n int) []byte {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(rnd.Uint32())
		}
		return p
	}
	return []wsMsg{
		{websocket.DataTypeText, []byte("")},
		{websocket.DataTypeText, []byte("hi")},
		{websocket.DataTypeText, gameState(1)},
		{websocket.DataTypeBinary, noise(100)},
		{websocket.DataTypeText, gameState(2)},
		{websocket.DataTypeBinary, noise(100 << 10)},
		{websocket.DataTypeText, bytes.Repeat([]byte("w\u00f6rld "), (4<<20)/7)},
		{websocket.DataTypeBinary, noise(4 << 20)},
		{websocket.DataTypeBinary, gameState(3)},
		{websocket.DataTypeText, []byte("bye")},
	}
}

type wsMsg struct {
	typ websocket.DataType
	p   []byte
}

// echoAll sends every message on c, waits for as many messages after the
// first skip ones, and checks them.
func echoAll(t *testing.T, r *recorder, c *websocket.Connection, skip int, sent []wsMsg) {
	t.Helper()
	for _, m := range sent {
		if err := websocket.Send(c, m.p, &websocket.SendOptions{Type: m.typ}); err != nil {
			t.Fatal(err)
		}
	}
	evs := r.waitFor("echoes", func(evs []*websocket.Data) bool {
		return count(evs, websocket.EventMessage) >= skip+len(sent) || find(evs, websocket.EventDisconnected) != nil
	})
	got := messages(evs)[skip:]
	if len(got) < len(sent) {
		t.Fatalf("%d echoes of %d; events %s", len(got), len(sent), describe(evs))
	}
	for i, m := range sent {
		if d := got[i]; d.Type != m.typ || !bytes.Equal(d.Message, m.p) {
			t.Fatalf("echo %d: %v %d bytes, want %v %d bytes", i, d.Type, len(d.Message), m.typ, len(m.p))
		}
	}
}

// TestCompression: a server that compresses (coder/websocket with context
// takeover) and a mix of messages up to 4 MiB both ways. Natively the
// library offers permessage-deflate because Params.Compression says so; in
// a browser the browser offers it by itself.
func TestCompression(t *testing.T) {
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/deflate"), &websocket.Params{Compression: true})
	evs := r.waitFor("the negotiated extensions", func(evs []*websocket.Data) bool { return len(evs) >= 2 })
	ext := string(evs[1].Message)
	if !strings.HasPrefix(ext, "permessage-deflate") {
		t.Fatalf("server answered Sec-WebSocket-Extensions %q, want permessage-deflate", ext)
	}
	if !inBrowserTest {
		if got := evs[0].HandshakeResponse.Headers.Get("Sec-WebSocket-Extensions"); got != ext {
			t.Errorf("handshake Sec-WebSocket-Extensions %q, want the server's answer %q", got, ext)
		}
	}
	echoAll(t, r, c, 1, compressionMix())
	websocket.Disconnect(c)
	if evs := r.waitDone(); evs[len(evs)-1].Code != websocket.CloseNormalClosure || count(evs, websocket.EventError) > 0 {
		t.Fatalf("events %s", describe(evs))
	}
}

// TestCompressionOff: without Params.Compression nothing is offered
// natively; a browser offers it anyway (the option is ignored there).
func TestCompressionOff(t *testing.T) {
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/deflate"), nil)
	evs := r.waitFor("the negotiated extensions", func(evs []*websocket.Data) bool { return len(evs) >= 2 })
	ext := string(evs[1].Message)
	if inBrowserTest != strings.HasPrefix(ext, "permessage-deflate") {
		t.Fatalf("server answered Sec-WebSocket-Extensions %q (in a browser: %v)", ext, inBrowserTest)
	}
	echoAll(t, r, c, 1, []wsMsg{{websocket.DataTypeText, gameState(1)}, {websocket.DataTypeBinary, bytes.Repeat([]byte{1}, 1<<20)}})
	websocket.Disconnect(c)
	if evs := r.waitDone(); evs[len(evs)-1].Code != websocket.CloseNormalClosure || count(evs, websocket.EventError) > 0 {
		t.Fatalf("events %s", describe(evs))
	}
}
