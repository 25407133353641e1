//go:build !js

package websocket_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// labelled runs f on a new goroutine carrying a pprof label, and waits for
// it. Every goroutine that f starts, and every goroutine those start (the
// connection's, its writer, the HTTP transport's, coder/websocket's),
// inherits the label, while the in-process servers' goroutines do not.
func labelled(label string, f func()) {
	done := make(chan struct{})
	go pprof.Do(context.Background(), pprof.Labels("hybridws-leak", label), func(context.Context) {
		defer close(done)
		f()
	})
	<-done
}

// countLabelled returns how many goroutines carry the label, and their stacks.
func countLabelled(label string) (int, string) {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 1)
	want := fmt.Sprintf(`"hybridws-leak":%q`, label)
	n := 0
	var stacks []string
	for _, rec := range strings.Split(buf.String(), "\n\n") {
		if !strings.Contains(rec, want) {
			continue
		}
		var k int
		fmt.Sscanf(rec, "%d @", &k)
		n += k
		stacks = append(stacks, rec)
	}
	return n, strings.Join(stacks, "\n\n")
}

// Guarantee 6: no goroutine outlives its connection, however it ends.
func TestNoGoroutineLeak(t *testing.T) {
	tlsAddr, tlsCfg := newTLSServer(t)
	closed := closedAddr(t)
	sendThenDisconnect := func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			websocket.Send(c, []byte("x"), nil)
		case websocket.EventMessage:
			websocket.Disconnect(c)
		}
	}
	cases := []struct {
		name    string
		url     string
		params  *websocket.Params
		onEvent func(*websocket.Connection, *websocket.Data)
		after   func(*websocket.Connection) // right after Connect
	}{
		{"echo then Disconnect", wsURL("/echo"), nil, sendThenDisconnect, nil},
		{"server close", wsURL("/close?code=4001&reason=bye"), nil, nil, nil},
		{"server sends then closes", wsURL("/send?n=100&then=close"), nil, nil, nil},
		{"TCP drop", wsURL("/drop"), nil, nil, nil},
		{"refused connection", "ws://" + closed + "/", nil, nil, nil},
		{"refused upgrade", wsURL("/refuse"), nil, nil, nil},
		{"subprotocol not chosen", wsURL("/noproto"), &websocket.Params{Protocol: "chat"}, nil, nil},
		{"timeout", hangingURL(t), &websocket.Params{Timeout: 200 * time.Millisecond}, nil, nil},
		{"Disconnect while connecting", hangingURL(t), nil, nil, func(c *websocket.Connection) { websocket.Disconnect(c) }},
		{"message too big", wsURL("/echo"), &websocket.Params{MaxMessageSize: 10}, func(c *websocket.Connection, d *websocket.Data) {
			if d.Event == websocket.EventConnected {
				websocket.Send(c, make([]byte, 11), nil)
			}
		}, nil},
		{"invalid UTF-8 from the server", wsURL("/badtext"), nil, nil, nil},
		{"wss echo", "wss://" + tlsAddr + "/echo", &websocket.Params{TLSConfig: tlsCfg}, sendThenDisconnect, nil},
		{"wss untrusted", "wss://" + tlsAddr + "/echo", nil, nil, nil},
		{"Disconnect from another goroutine with Sends queued", wsURL("/echo"), nil, func(c *websocket.Connection, d *websocket.Data) {
			if d.Event == websocket.EventConnected {
				go func() {
					for i := 0; i < 100; i++ {
						websocket.Send(c, make([]byte, 1000), nil)
					}
					websocket.Disconnect(c)
				}()
			}
		}, nil},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			label := fmt.Sprint(i)
			r := newRecorder(t)
			r.onEvent = tc.onEvent
			labelled(label, func() {
				c := r.connect(tc.url, tc.params)
				if tc.after != nil {
					tc.after(c)
				}
			})
			evs := r.waitDone()
			if find(evs, websocket.EventDisconnected) == nil {
				t.Fatalf("events %s", describe(evs))
			}
			deadline := time.Now().Add(5 * time.Second)
			for {
				n, stacks := countLabelled(label)
				if n == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d goroutines outlive the connection (events %s):\n%s", n, describe(evs), stacks)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	// The queue mode: DISCONNECTED waits in the Queue; once it is
	// dispatched nothing of the connection is left.
	t.Run("queue mode", func(t *testing.T) {
		q := websocket.NewQueue()
		r := newRecorder(t)
		labelled("queue", func() { r.connect(wsURL("/send?n=10&then=close"), &websocket.Params{Queue: q}) })
		evs := r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool {
			q.Dispatch()
			return find(evs, websocket.EventDisconnected) != nil
		})
		checkDisconnected(t, evs, 1000, "done")
		deadline := time.Now().Add(5 * time.Second)
		for n, stacks := countLabelled("queue"); n != 0; n, stacks = countLabelled("queue") {
			if time.Now().After(deadline) {
				t.Fatalf("%d goroutines outlive the connection:\n%s", n, stacks)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// The label machinery itself works: a goroutine started inside labelled
// is counted while it runs, and no longer once it has ended.
func TestLabelledCountsGoroutines(t *testing.T) {
	stop := make(chan struct{})
	labelled("self-test", func() { go func() { <-stop }() })
	if n, _ := countLabelled("self-test"); n < 1 {
		t.Errorf("counted %d labelled goroutines, want at least 1", n)
	}
	close(stop)
	deadline := time.Now().Add(5 * time.Second)
	for n, _ := countLabelled("self-test"); n != 0; n, _ = countLabelled("self-test") {
		if time.Now().After(deadline) {
			t.Fatalf("%d labelled goroutines left", n)
		}
		time.Sleep(time.Millisecond)
	}
}
