package websocket_test

import (
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// A callback that panics inside Dispatch must not drop the events queued
// after it: the next Dispatch runs them.
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
	c, err := websocket.Connect(wsURL("/close?code=4001&reason=bye"), &websocket.Params{Queue: q}, cb)
	if err != nil {
		t.Fatal(err)
	}
	_ = c
	time.Sleep(500 * time.Millisecond) // let CONNECTED and DISCONNECTED both wait in q
	deadline := time.Now().Add(20 * time.Second)
	for !panicked && time.Now().Before(deadline) {
		func() {
			defer func() { recover() }()
			q.Dispatch()
		}()
		time.Sleep(5 * time.Millisecond)
	}
	for (len(got) == 0 || got[len(got)-1] != websocket.EventDisconnected) && time.Now().Before(deadline) {
		q.Dispatch()
		time.Sleep(5 * time.Millisecond)
	}
	if len(got) != 2 || got[0] != websocket.EventConnected || got[1] != websocket.EventDisconnected {
		t.Fatalf("events after a panicking callback: %v, want [CONNECTED DISCONNECTED]", got)
	}
}
