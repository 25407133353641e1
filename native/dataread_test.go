//go:build !js

package native

import (
	"context"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/test/rawserver"
)

// Frames the server sends in the same write as its 101 answer reach Read
// (net/http has read them with the answer), whoever reads the frames; a
// ping among them is answered, and a fragmented message comes whole, with
// a ping between its fragments.
func TestReadFramesSentWithUpgrade(t *testing.T) {
	pongs := make(chan string, 2)
	srv := rawserver.Start(rawserver.Upgrade{With: []rawserver.Frame{
		{Fin: true, Opcode: rawserver.OpText, Payload: []byte("hello")},
		{Fin: true, Opcode: rawserver.OpPing, Payload: []byte("p")},
		{Fin: false, Opcode: rawserver.OpBinary, Payload: []byte("ab")},
		{Fin: true, Opcode: rawserver.OpPing, Payload: []byte("q")},
		{Fin: true, Opcode: rawserver.OpContinuation, Payload: []byte("cd")},
	}}, func(c *rawserver.Conn) {
		for range 2 {
			f, err := c.ReadFrame()
			if err != nil {
				return
			}
			if f.Opcode == rawserver.OpPong {
				pongs <- string(f.Payload)
			}
		}
	})
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := Dial(ctx, Options{URL: srv.URL(), MaxMessageSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Abort()
	for _, want := range []struct {
		typ int
		msg string
	}{{1, "hello"}, {2, "abcd"}} {
		typ, p, err := c.Read()
		if err != nil || typ != want.typ || string(p) != want.msg {
			t.Fatalf("Read: %d %q %v, want %d %q", typ, p, err, want.typ, want.msg)
		}
	}
	for _, want := range []string{"p", "q"} {
		select {
		case got := <-pongs:
			if got != want {
				t.Fatalf("pong %q, want %q", got, want)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no pong for ping %q within 20s", want)
		}
	}
}
