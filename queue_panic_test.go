package websocket_test

import (
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// A callback that panics inside Dispatch must not drop the events queued
// after it: the panic reaches Dispatch's caller, and the next Dispatch
// runs the rest.
func TestDispatchKeepsEventsAfterPanic(t *testing.T) {
	q := websocket.NewQueue()
	var got []websocket.Event
	panicked := false
	cb := func(c *websocket.Connection, d *websocket.Data) {
		got = append(got, d.Event)
		if d.Event == websocket.EventConnected && !panicked {
			panicked = true
			panic("boom")
		}
	}
	if _, err := websocket.Connect(wsURL("/close?code=4001&reason=bye"), &websocket.Params{Queue: q}, cb); err != nil {
		t.Fatal(err)
	}
	waitQueued(t, q, 2) // CONNECTED and DISCONNECTED both wait in q
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		q.Dispatch()
		t.Fatal("Dispatch returned normally: the callback's panic was swallowed")
	}()
	if recovered != "boom" {
		t.Fatalf("Dispatch panicked with %v, want the callback's panic \"boom\"", recovered)
	}
	if n, _ := websocket.QueueLen(q); n != 1 {
		t.Fatalf("%d events left in the Queue after the panic, want 1 (DISCONNECTED)", n)
	}
	deadline := time.Now().Add(20 * time.Second)
	for (len(got) == 0 || got[len(got)-1] != websocket.EventDisconnected) && time.Now().Before(deadline) {
		q.Dispatch()
		time.Sleep(5 * time.Millisecond)
	}
	if len(got) != 2 || got[0] != websocket.EventConnected || got[1] != websocket.EventDisconnected {
		t.Fatalf("events after a panicking callback: %v, want [CONNECTED DISCONNECTED]", got)
	}
}
