package client

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hybridws/websocket"
)

// Grammar checks one Connection's events, as they come, against the
// grammar of a connection with Reconnect:
//
//	(CONNECTED, MESSAGE*)?, (ERROR, [CONNECTED, MESSAGE*])*, DISCONNECTED
//
// and the details around it: an ERROR with RetryIn 0 is the last before
// DISCONNECTED, one with RetryIn > 0 is followed by more unless Disconnect
// came during the wait; CONNECTED carries its 101 response; an ERROR's
// Message is its Err's text and names what was dialled; nothing follows
// DISCONNECTED. The zero Grammar is ready for a Connection's first event.
type Grammar struct {
	state gstate
}

type gstate int

const (
	gStart   gstate = iota // nothing yet
	gOpen                  // CONNECTED came: MESSAGEs may follow
	gWaiting               // ERROR with RetryIn > 0: a retry follows
	gFailed                // ERROR with RetryIn 0: only DISCONNECTED may follow
	gDone                  // DISCONNECTED came: nothing may follow
)

// Event checks the next event. userStop says whether Disconnect (or
// DisconnectWith) was called on the Connection before this event; url is
// what Connect dialled. It returns what broke the grammar, nil if nothing
// did; after an error it goes on from the state the event implies, so
// that one fault is reported once.
func (g *Grammar) Event(d *websocket.Data, userStop bool, url string) error {
	prev := g.state
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if prev == gDone {
		bad("%v after DISCONNECTED", d.Event)
	}
	switch d.Event {
	case websocket.EventConnected:
		if prev == gOpen {
			bad("CONNECTED twice without an ERROR between")
		}
		if prev == gFailed {
			bad("CONNECTED after an ERROR that promised no retry (RetryIn 0)")
		}
		if d.HandshakeResponse == nil || d.HandshakeResponse.Status != 101 {
			bad("CONNECTED without its 101 HandshakeResponse")
		}
		g.state = gOpen
	case websocket.EventMessage:
		if prev != gOpen && prev != gDone {
			bad("MESSAGE while not connected (state %v)", prev)
		}
	case websocket.EventError:
		if prev == gFailed {
			bad("ERROR after an ERROR that promised no retry (RetryIn 0)")
		}
		if d.Err == nil || string(d.Message) != d.Err.Error() {
			bad("ERROR whose Message %q is not its Err's text", d.Message)
		}
		var e *websocket.Error
		if !errors.As(d.Err, &e) || e.URL != url || !strings.Contains(string(d.Message), url) {
			bad("ERROR %q does not name what was dialled, %s", d.Message, url)
		}
		if d.RetryIn < 0 {
			bad("ERROR with a negative RetryIn %v", d.RetryIn)
		}
		g.state = gFailed
		if d.RetryIn > 0 {
			g.state = gWaiting
		}
	case websocket.EventDisconnected:
		if prev == gWaiting && !userStop {
			bad("DISCONNECTED after an ERROR that promised a retry, without Disconnect")
		}
		g.state = gDone
	default:
		bad("unknown event %d", d.Event)
	}
	if prev == gDone {
		g.state = gDone
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(errs, "; "))
}

// Done reports whether DISCONNECTED came.
func (g *Grammar) Done() bool { return g.state == gDone }

func (s gstate) String() string {
	return [...]string{"start", "open", "waiting for a retry", "failed", "done"}[s]
}
