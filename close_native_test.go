//go:build !js

package websocket_test

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/rawserver"
)

// Disconnect while the messages a callback sent are being written (when
// the callback returns, on its goroutine, where the socket takes writes
// without waiting): the close frame still goes out behind them at once.
// The CONNECTED callback sends 8,000 small messages; once it has returned
// and the server has the first ones (the rest are still being written),
// Disconnect. (On the portable path, whose writer goroutine writes as the
// callback sends, this is a Disconnect behind a busy writer.) The
// server must get every message, then close 1000: a close frame that was
// left behind never comes, and the close timeout (5s) drops the
// connection, yet DISCONNECTED says 1000 all the same.
func TestDisconnectWhileCallbackWrites(t *testing.T) {
	const n, size = 8000, 64
	type result struct {
		msgs, code int
	}
	res := make(chan result, 1)
	first := make(chan struct{})
	srv := rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) {
		got := result{code: -1} // -1: the connection ended without a close frame
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		for {
			f, err := c.ReadFrame()
			if err != nil {
				break
			}
			if f.Opcode == rawserver.OpClose {
				got.code = websocket.CloseNoStatusReceived
				if len(f.Payload) >= 2 {
					got.code = int(binary.BigEndian.Uint16(f.Payload))
				}
				c.WriteFrames(rawserver.Frame{Fin: true, Opcode: rawserver.OpClose, Payload: f.Payload})
				break
			}
			if got.msgs == 0 {
				close(first)
			}
			got.msgs++
		}
		res <- got
	})
	defer srv.Close()
	sent := make(chan struct{})
	r := newTimedRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventConnected {
			defer close(sent)
			for i := 0; i < n; i++ {
				if err := websocket.Send(c, payload(i, size), nil); err != nil {
					t.Errorf("Send %d: %v", i, err)
					return
				}
			}
		}
	}
	c := r.connect(srv.URL(), nil)
	for _, ch := range []chan struct{}{sent, first} {
		select {
		case <-ch:
		case <-time.After(20 * time.Second):
			t.Fatal("the callback did not return, or the server got no message, within 20s")
		}
	}
	start := time.Now()
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	got := <-res
	if got.msgs != n || got.code != websocket.CloseNormalClosure {
		t.Errorf("the server got %d of %d messages, then close code %d (want 1000; -1: no close frame, the connection dropped)", got.msgs, n, got.code)
	}
	t.Logf("DISCONNECTED %v after Disconnect", r.doneAt().Sub(start))
}
