package client

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hybridws/websocket"
)

// An event log is one Connection's events in order, as words: C
// (CONNECTED), M×n (n MESSAGEs in a row), E (ERROR with a retry), e (ERROR
// without one), D (DISCONNECTED), and S where Disconnect was called. The
// browser soak's page hands each one over when its Connection has ended,
// and the driver checks it again with CheckLog, outside the page.

const (
	tokStop = "S"
)

// logEvent adds d to the Connection's log, with Options.Log. c.mu is held.
func (c *Client) logEvent(d *websocket.Data) {
	if c.o.Log == nil {
		return
	}
	switch d.Event {
	case websocket.EventConnected:
		c.log = append(c.log, "C")
	case websocket.EventMessage:
		if n := len(c.log); n > 0 && strings.HasPrefix(c.log[n-1], "M×") {
			k, _ := strconv.Atoi(strings.TrimPrefix(c.log[n-1], "M×"))
			c.log[n-1] = "M×" + strconv.Itoa(k+1)
		} else {
			c.log = append(c.log, "M×1")
		}
	case websocket.EventError:
		if d.RetryIn > 0 {
			c.log = append(c.log, "E")
		} else {
			c.log = append(c.log, "e")
		}
	case websocket.EventDisconnected:
		c.log = append(c.log, "D")
	}
}

func (c *Client) logToken(t string) {
	if c.o.Log != nil {
		c.log = append(c.log, t)
	}
}

// CheckLog checks a finished Connection's event log against the grammar
// (Grammar), and that it ends with its DISCONNECTED.
func CheckLog(log string) error {
	const url = "ws://soak/"
	var g Grammar
	stop := false
	for i, w := range strings.Fields(log) {
		var d *websocket.Data
		n := 1
		switch {
		case w == tokStop:
			stop = true
			continue
		case w == "C":
			d = &websocket.Data{Event: websocket.EventConnected, HandshakeResponse: &websocket.HandshakeResponse{Status: 101}}
		case strings.HasPrefix(w, "M×"):
			k, err := strconv.Atoi(strings.TrimPrefix(w, "M×"))
			if err != nil || k < 1 {
				return fmt.Errorf("word %d %q is not an event", i, w)
			}
			d, n = &websocket.Data{Event: websocket.EventMessage}, k
		case w == "E" || w == "e":
			err := &websocket.Error{Op: "read", URL: url, Kind: websocket.ErrConnectionLost, Msg: "lost"}
			d = &websocket.Data{Event: websocket.EventError, Err: err, Message: []byte(err.Error())}
			if w == "E" {
				d.RetryIn = 1
			}
		case w == "D":
			d = &websocket.Data{Event: websocket.EventDisconnected}
		default:
			return fmt.Errorf("word %d %q is not an event", i, w)
		}
		for range n {
			if err := g.Event(d, stop, url); err != nil {
				return fmt.Errorf("word %d (%s) of %q: %v", i, w, log, err)
			}
		}
	}
	if !g.Done() {
		return errors.New("no DISCONNECTED at the end of " + strconv.Quote(log))
	}
	return nil
}
