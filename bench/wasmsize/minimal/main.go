// Command minimal is the smallest useful program on this library: it
// connects to make demo's echo endpoint, sends one text message, prints
// the echo and disconnects. make bench builds it for js/wasm, with and
// without the tag hybridws_lean, for the size table in BENCHMARKS.md
// (size.go). It prints with println, so that fmt's weight (which a page
// may or may not carry) stays out of the figure.
package main

import "github.com/hybridws/websocket"

func main() {
	done := make(chan struct{})
	_, err := websocket.Connect("ws://127.0.0.1:8080/echo", nil, func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			websocket.Send(c, []byte("hello"), &websocket.SendOptions{Type: websocket.DataTypeText})
		case websocket.EventMessage:
			println("echo:", string(d.Message))
			websocket.Disconnect(c)
		case websocket.EventError:
			println("error:", d.Err.Error())
		case websocket.EventDisconnected:
			close(done)
		}
	})
	if err != nil {
		println(err.Error())
		return
	}
	<-done
}
