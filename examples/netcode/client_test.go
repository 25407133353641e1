//go:build !js

package netcode

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	hws "github.com/hybridws/websocket"
)

// hostile is a server that welcomes each client and then sends what send
// returns for that connection (the nth, from 0), then reads until closed.
func hostile(t *testing.T, send func(n int) (websocket.MessageType, []byte)) string {
	var mu sync.Mutex
	n := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		mu.Lock()
		i := n
		n++
		mu.Unlock()
		ctx := r.Context()
		c.Write(ctx, websocket.MessageBinary, AppendWelcome(nil, Welcome{ID: uint16(i + 1), TickRate: 20}))
		if typ, b := send(i); b != nil {
			c.Write(ctx, typ, b)
		}
		for {
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	}))
	t.Cleanup(hs.Close)
	return "ws" + strings.TrimPrefix(hs.URL, "http")
}

// run calls Update like a game until cond holds, at least once: the
// client's state is its loop's and changes only in a frame (a Suspend
// from another goroutine, say, takes effect in the next Update), so a
// cond that already holds, such as the library's State, must not let the
// test go on as if a frame had run.
func run(t *testing.T, c *Client, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.Update(time.Now(), Input{})
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s: %q, last error %q", what, c.Status(time.Now()), c.LastError)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestClientBadServer: whatever a server sends, the client never panics:
// a message it does not understand is logged and the connection dropped
// for good (the status line says why); one over MaxServerMessage is the
// library's 1009, which Params.Reconnect retries.
func TestClientBadServer(t *testing.T) {
	cases := []struct {
		name      string
		typ       websocket.MessageType
		msg       []byte
		want      string
		reconnect bool
	}{
		{"text", websocket.MessageText, []byte("hi"), "a text message", false},
		{"unknown kind", websocket.MessageBinary, []byte{77}, "unknown kind 77", false},
		{"short snapshot", websocket.MessageBinary, AppendSnapshot(nil, Snapshot{Players: make([]Player, 3)})[:20], "snapshot of 20 bytes", false},
		{"oversized", websocket.MessageBinary, bytes.Repeat([]byte{KindSnapshot}, MaxServerMessage+1), "too big", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := hostile(t, func(n int) (websocket.MessageType, []byte) {
				if n == 0 {
					return tc.typ, tc.msg
				}
				return 0, nil
			})
			var logs bytes.Buffer
			c := NewClient(ClientConfig{URL: url, MinRetry: 10 * time.Millisecond, Logf: func(f string, a ...any) { fmt.Fprintf(&logs, f+"\n", a...) }})
			defer c.Close()
			if tc.reconnect {
				run(t, c, "a second connection", func() bool { return c.Welcomed() && c.Stats().Connects == 2 })
				if c.ID != 2 {
					t.Errorf("id %d on the second connection, want 2", c.ID)
				}
			} else {
				run(t, c, "the end of the connection", c.Ended)
				if st := c.Status(time.Now()); !strings.Contains(st, tc.want) {
					t.Errorf("status %q, want %q in it", st, tc.want)
				}
			}
			if !strings.Contains(c.LastError, tc.want) || !strings.Contains(logs.String(), tc.want) {
				t.Errorf("last error %q, log %q: want %q in both", c.LastError, logs.String(), tc.want)
			}
		})
	}
}

// TestClientSuspendResume: Suspend, called from another goroutine while
// the loop runs (as the hidden-page timer does), disconnects at once with
// CloseHidden and stays so; Resume connects again on the next Update;
// Close leaves nothing behind to dispatch. The race detector watches the
// handover.
func TestClientSuspendResume(t *testing.T) {
	codes := make(chan websocket.StatusCode, 4)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.Write(r.Context(), websocket.MessageBinary, AppendWelcome(nil, Welcome{ID: 1, TickRate: 20}))
		for {
			if _, _, err := c.Read(r.Context()); err != nil {
				codes <- websocket.CloseStatus(err)
				return
			}
		}
	}))
	defer hs.Close()
	c := NewClient(ClientConfig{URL: "ws" + strings.TrimPrefix(hs.URL, "http"), Logf: t.Logf})
	run(t, c, "the welcome", c.Welcomed)
	first := c.conn

	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Suspend()
	}()
	select {
	case code := <-codes: // Suspend closed the socket without waiting for the loop
		if code != CloseHidden {
			t.Errorf("the server saw close code %d, want %d", code, CloseHidden)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Suspend did not disconnect")
	}
	<-done
	run(t, c, "the suspended connection closed", func() bool { return c.Stats().State == hws.StateClosed })
	if c.Welcomed() {
		t.Error("welcomed while suspended")
	}
	if st := c.Status(time.Now()); st != "paused (page hidden)" {
		t.Errorf("status %q while suspended", st)
	}
	c.Resume()
	run(t, c, "the welcome again", c.Welcomed)
	if c.conn == first {
		t.Error("Resume did not make a new connection")
	}
	// Suspended and resumed between two frames (a page hidden and shown
	// while its loop stood still): the loop lets the old connection go and
	// connects again; its DISCONNECTED does not end the client.
	second := c.conn
	c.Suspend()
	select {
	case code := <-codes:
		if code != CloseHidden {
			t.Errorf("the server saw close code %d, want %d", code, CloseHidden)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the second Suspend did not disconnect within 10 s: %q, stats %+v; the connection it should end %p, the live one %p", c.Status(time.Now()), c.Stats(), second, c.live.Load())
	}
	time.Sleep(100 * time.Millisecond) // the DISCONNECTED waits in the Queue
	c.Resume()
	run(t, c, "the welcome on a third connection", func() bool { return c.Welcomed() && c.conn != second })
	if c.Ended() {
		t.Errorf("ended: %q", c.Status(time.Now()))
	}
	c.Close()
	if st := c.Status(time.Now()); st != "closed" || !c.Ended() {
		t.Errorf("status %q after Close", st)
	}
	time.Sleep(500 * time.Millisecond) // the closed connection's last events arrive
	c.Update(time.Now(), Input{})
	if st := c.Status(time.Now()); st != "closed" || c.Welcomed() {
		t.Errorf("after Close and an Update: %q", st)
	}
}
