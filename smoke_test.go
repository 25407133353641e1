package websocket_test

import (
	"testing"

	"github.com/hybridws/websocket"
)

func TestEchoSmoke(t *testing.T) {
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			if err := websocket.Send(c, []byte("hello"), &websocket.SendOptions{Type: websocket.DataTypeText}); err != nil {
				t.Errorf("Send: %v", err)
			}
		case websocket.EventMessage:
			websocket.Disconnect(c)
		}
	}
	r.connect(wsURL("/echo"), nil)
	evs := r.waitDone()
	if got := kinds(evs); got != "CONNECTED MESSAGE DISCONNECTED" {
		t.Fatalf("events %s", describe(evs))
	}
	if string(evs[1].Message) != "hello" || evs[1].Type != websocket.DataTypeText || evs[2].Code != 1000 {
		t.Fatalf("events %s", describe(evs))
	}
}
