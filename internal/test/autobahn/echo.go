package autobahn

import (
	"fmt"
	"strconv"
	"time"

	websocket "github.com/hybridws/websocket"
)

// CaseURL is the URL that runs case n (1-based) on the fuzzing server at addr.
func CaseURL(addr string, n int) string { return "ws://" + addr + "/runCase?case=" + strconv.Itoa(n) }

// Mistake plants a bug in the echo client, to show that the cases catch it.
type Mistake int

// The mistakes.
const (
	NoMistake    Mistake = iota
	TextAsBinary         // echo text messages as binary
	NeverEcho            // echo nothing
)

// Echo is the Autobahn echo client, on the library's public API only: it
// connects to url, sends every message back with its type from the
// callback, and waits for DISCONNECTED. If that does not come within
// limit, it calls Disconnect and waits once more. It returns what the
// callback saw last: the close code, and the error text if there was one.
func Echo(url string, mistake Mistake, limit time.Duration) string {
	done := make(chan string, 1)
	var lastErr string
	conn, err := websocket.Connect(url, &websocket.Params{MaxMessageSize: 32 << 20, Compression: true},
		func(c *websocket.Connection, d *websocket.Data) {
			switch d.Event {
			case websocket.EventMessage:
				typ := d.Type
				if mistake == TextAsBinary {
					typ = websocket.DataTypeBinary
				}
				if mistake != NeverEcho {
					// A failed Send (the connection is closing) is not the
					// client's to report: the fuzzer judges the wire.
					websocket.Send(c, d.Message, &websocket.SendOptions{Type: typ})
				}
			case websocket.EventError:
				lastErr = d.Err.Error()
			case websocket.EventDisconnected:
				s := fmt.Sprintf("DISCONNECTED %d", d.Code)
				if lastErr != "" {
					s += ": " + lastErr
				}
				done <- s
			}
		})
	if err != nil {
		return "Connect: " + err.Error()
	}
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case s := <-done:
		return s
	case <-t.C:
	}
	websocket.Disconnect(conn)
	select {
	case s := <-done:
		return "after Disconnect: " + s
	case <-time.After(10 * time.Second):
		return "no DISCONNECTED even after Disconnect"
	}
}
