// Package client is the soak's client, the same natively and in a
// browser: one Client keeps one Connection (with Reconnect) to an echo
// server busy with numbered messages, and checks every event it gets
// against what the library promises (grammar.go, ledger.go). A violation
// goes to its Totals; nothing here stops or fails by itself.
package client

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridws/websocket"
)

// Options configures a Client.
type Options struct {
	ID  int
	URL string
	// Params is a template: each Connect gets a copy, its Queue included.
	Params websocket.Params
	// InDispatch, in Queue mode, is set by the loop while it runs
	// Dispatch: a callback that runs when it is not set is a violation.
	InDispatch *atomic.Bool
	// UnsentHeader is how many header bytes per message the unsent bytes
	// an ERROR reports may count besides payload: natively FrameMax
	// (what waited in the spill was framed already), 0 in a browser.
	UnsentHeader int
	// Reply is the chance that a MESSAGE callback sends the next message
	// itself, from inside the callback.
	Reply float64
	// Every is the mean time between the messages Tick sends.
	Every  time.Duration
	Totals *Totals
	// Log, if set, gets each Connection's event log (see CheckLog) once
	// it has ended.
	Log func(string)
}

// Client is one slot of the soak: a Connection at a time (a new one after
// each disconnect on purpose), its checks, and its ledger.
type Client struct {
	o      Options
	inCall atomic.Bool
	// sending is cleared while the soak settles: Tick then sends nothing.
	sending atomic.Bool

	mu          sync.Mutex
	conn        *websocket.Connection
	gen         int // Connections made so far
	life        int // CONNECTED events of this Connection
	g           Grammar
	l           Ledger
	nextSeq     uint64
	msgs        int64 // MESSAGE events of this Connection
	userStop    bool  // Disconnect or DisconnectWith was called on it
	byeCode     int
	byeReason   string
	lastErr     string
	lostAt      time.Time // when the open life ended, until CONNECTED
	nextSend    time.Time
	reconnectAt time.Time // after a disconnect on purpose: when to Connect again
	stopping    bool
	recent      [12]string // the last events, for the text of a violation
	ri          int
	log         []string // this Connection's event log, with Options.Log
}

// New returns a Client; Tick connects it.
func New(o Options) *Client {
	c := &Client{o: o}
	c.sending.Store(true)
	return c
}

// SetSending turns the messages Tick sends on or off.
func (c *Client) SetSending(on bool) { c.sending.Store(on) }

// Tick connects when it is time to (at first, and a while after a
// disconnect on purpose), and sends a message when one is due.
func (c *Client) Tick(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopping {
		return
	}
	if c.conn == nil || c.g.Done() && !c.reconnectAt.IsZero() && now.After(c.reconnectAt) {
		c.connect(now)
		return
	}
	if c.sending.Load() && !c.g.Done() && now.After(c.nextSend) {
		c.send(Size(), Type(), false)
		c.nextSend = now.Add(time.Duration(rand.ExpFloat64() * float64(c.o.Every)))
	}
}

func (c *Client) connect(now time.Time) {
	p := c.o.Params
	conn, err := websocket.Connect(c.o.URL, &p, c.callback)
	if err != nil {
		c.violation("Connect: " + err.Error())
		c.reconnectAt = now.Add(time.Second)
		return
	}
	c.o.Totals.Connections.Add(1)
	c.conn, c.gen, c.life, c.msgs = conn, c.gen+1, 0, 0
	c.g, c.l, c.nextSeq = Grammar{}, Ledger{}, 0
	c.userStop, c.reconnectAt, c.lostAt, c.lastErr = false, time.Time{}, time.Time{}, ""
	c.log = c.log[:0]
	c.nextSend = now.Add(time.Duration(rand.ExpFloat64() * float64(c.o.Every)))
}

// Burst sends n messages of size bytes at once, from the caller's
// goroutine: past SendQueueSize, Send refuses them.
func (c *Client) Burst(n, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopping || c.conn == nil || c.g.Done() {
		return
	}
	c.o.Totals.Bursts.Add(1)
	for range n {
		c.send(size, Type(), false)
	}
}

// Kick disconnects on purpose with a code of the application's own; Tick
// connects a new Connection a little later.
func (c *Client) Kick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopping || c.conn == nil || c.userStop || c.g.Done() {
		return
	}
	c.userStop, c.byeCode, c.byeReason = true, 4000+rand.IntN(1000), "soak: on purpose"
	c.logToken(tokStop)
	if err := websocket.DisconnectWith(c.conn, c.byeCode, c.byeReason); err != nil {
		c.violation("DisconnectWith: " + err.Error())
	}
	c.o.Totals.Kicks.Add(1)
}

// Stop disconnects for good.
func (c *Client) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopping = true
	if c.conn == nil || c.userStop || c.g.Done() {
		return
	}
	c.userStop, c.byeCode, c.byeReason = true, websocket.CloseNormalClosure, ""
	c.logToken(tokStop)
	if err := websocket.Disconnect(c.conn); err != nil {
		c.violation("Disconnect: " + err.Error())
	}
}

// Ended reports whether the Client's Connection has ended (after Stop).
func (c *Client) Ended() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn == nil || c.g.Done()
}

// Life says which Connection the Client has (gen counts them), how many
// times it has opened (Stats.Connects), and whether it is open now.
func (c *Client) Life() (gen, connects int, open bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return c.gen, 0, false
	}
	st := c.conn.Stats()
	return c.gen, st.Connects, st.State == websocket.StateOpen
}

// Settled reports whether the Client is open, has seen every CONNECTED,
// has every message it sent echoed, and has nothing waiting to be sent;
// if not, it says why.
func (c *Client) Settled() (bool, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return false, "no connection"
	}
	st := c.conn.Stats()
	switch {
	case c.g.state != gOpen || st.State != websocket.StateOpen:
		return false, fmt.Sprintf("not open (%v; events %s)", st.State, c.recentEvents())
	case st.Connects != c.life:
		return false, "a CONNECTED waits"
	case c.l.InFlight(c.life) > 0:
		return false, fmt.Sprintf("%d messages not echoed (%s); %s; Stats %+v; %d MESSAGEs; events %s",
			c.l.Pending(), c.l.describePending(), c.mode(), st, c.msgs, c.recentEvents())
	case st.SendQueued > 0:
		return false, fmt.Sprintf("%d bytes wait to be sent", st.SendQueued)
	}
	return true, ""
}

func (c *Client) mode() string {
	if c.o.InDispatch != nil {
		return "Queue mode"
	}
	return "callback mode"
}

// send sends one message of size bytes of typ on the current Connection,
// and records it. c.mu is held.
func (c *Client) send(size int, typ websocket.DataType, reply bool) {
	conn := c.conn
	if conn == nil || c.userStop || c.g.Done() {
		return
	}
	t := c.o.Totals
	seq := c.nextSeq + 1
	lo := conn.Stats().Connects
	msg := encode(header{id: c.o.ID, gen: c.gen, life: lo, seq: seq}, size)
	err := websocket.Send(conn, msg, &websocket.SendOptions{Type: typ})
	st := conn.Stats()
	// Send keeps no reference to msg: what goes out is what it held
	// during the call, so scribbling on it now must change no echo.
	for i := range msg {
		msg[i] = '#'
	}
	switch {
	case err == nil:
		c.nextSeq = seq
		c.l.Accept(seq, len(msg), typ, lo, st.Connects)
		t.Sent.Add(1)
		t.SentBytes.Add(int64(len(msg)))
		if reply {
			t.Replies.Add(1)
		}
		if n, b := c.l.Accepted(); st.MessagesOut != n || st.BytesOut != b {
			c.violation(fmt.Sprintf("Stats says %d messages (%d bytes) out, Send accepted %d (%d bytes)", st.MessagesOut, st.BytesOut, n, b))
		}
		if limit := c.o.Params.SendQueueSize; limit > 0 && st.SendQueued > limit {
			c.violation(fmt.Sprintf("Stats.SendQueued %d is past SendQueueSize %d", st.SendQueued, limit))
		}
	case errors.Is(err, websocket.ErrSendQueueFull):
		t.RefusedFull.Add(1)
	case errors.Is(err, websocket.ErrNotConnected), errors.Is(err, websocket.ErrClosed):
		t.RefusedDown.Add(1)
	default:
		c.violation("Send: " + err.Error())
	}
}

func (c *Client) callback(conn *websocket.Connection, d *websocket.Data) {
	if !c.inCall.CompareAndSwap(false, true) {
		c.o.Totals.Overlaps.Add(1)
		c.o.Totals.Violation(fmt.Sprintf("client %d: callbacks overlap (%v)", c.o.ID, d.Event))
	} else {
		defer c.inCall.Store(false)
	}
	if c.o.InDispatch != nil && !c.o.InDispatch.Load() {
		c.o.Totals.Violation(fmt.Sprintf("client %d: a Queue callback ran outside Dispatch (%v)", c.o.ID, d.Event))
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if conn != c.conn {
		c.violation(fmt.Sprintf("a callback for %v got conn %p, not the Connection Connect returned (%p)", d.Event, conn, c.conn))
		return
	}
	c.note(d)
	c.logEvent(d)
	wasOpen := c.g.state == gOpen
	if err := c.g.Event(d, c.userStop, c.o.URL); err != nil {
		c.violation(err.Error())
	}
	t := c.o.Totals
	before := c.l.WrittenOff
	defer func() { t.WrittenOff.Add(c.l.WrittenOff - before) }()
	switch d.Event {
	case websocket.EventConnected:
		c.life++
		c.l.Opened(c.life)
		t.Connected.Add(1)
		if c.life > 1 {
			t.Reconnects.Add(1)
		}
		if !c.lostAt.IsZero() {
			t.reconnected(now.Sub(c.lostAt))
			c.lostAt = time.Time{}
		}
		if st := conn.Stats(); st.Connects < c.life || c.o.InDispatch == nil && st.Connects != c.life {
			c.violation(fmt.Sprintf("Stats.Connects is %d at CONNECTED number %d", st.Connects, c.life))
		}
	case websocket.EventMessage:
		c.msgs++
		if st := conn.Stats(); st.MessagesIn < c.msgs {
			c.violation(fmt.Sprintf("Stats.MessagesIn is %d at MESSAGE number %d", st.MessagesIn, c.msgs))
		}
		h, err := decode(d.Message)
		switch {
		case err != nil:
			c.violation(fmt.Sprintf("echo of %d bytes: %v", len(d.Message), err))
		case h.id != c.o.ID || h.gen != c.gen:
			c.violation(fmt.Sprintf("echo of client %d's connection %d arrived here", h.id, h.gen))
		default:
			if err := c.l.Echo(c.life, h.seq, h.life, len(d.Message), d.Type); err != nil {
				c.violation(err.Error())
			}
			t.Echoed.Add(1)
			t.EchoedBytes.Add(int64(len(d.Message)))
		}
		if !c.stopping && c.sending.Load() && rand.Float64() < c.o.Reply {
			c.send(Size(), Type(), true)
		}
	case websocket.EventError:
		t.Errors.Add(1)
		t.ErrorKinds.Add(ErrorKind(d))
		c.lastErr = string(d.Message)
		if wasOpen {
			unsent := Unsent(string(d.Message))
			t.UnsentBytes.Add(unsent)
			if err := c.l.Lost(c.life, unsent, c.o.UnsentHeader); err != nil {
				c.violation(err.Error())
			}
			// Reconnect times come from callback mode alone: a Queue's
			// events arrive when it is dispatched (not at all in a hidden
			// page on requestAnimationFrame), not when they happened.
			if d.RetryIn > 0 && c.o.InDispatch == nil {
				c.lostAt = now
			}
		}
	case websocket.EventDisconnected:
		t.Disconnected.Add(1)
		switch {
		case !c.userStop:
			c.violation(fmt.Sprintf("DISCONNECTED %d %q that nobody asked for; the last ERROR: %q", d.Code, d.Reason, c.lastErr))
		case d.Code != c.byeCode || d.Reason != c.byeReason:
			c.violation(fmt.Sprintf("DISCONNECTED %d %q after DisconnectWith(%d, %q)", d.Code, d.Reason, c.byeCode, c.byeReason))
		}
		st := conn.Stats()
		n, b := c.l.Accepted()
		if st.State != websocket.StateClosed || st.Connects != c.life || st.MessagesIn != c.msgs ||
			st.MessagesOut != n || st.BytesOut != b || st.SendQueued != 0 {
			c.violation(fmt.Sprintf("Stats after DISCONNECTED: %+v; events: %d CONNECTED, %d MESSAGE; sent %d messages, %d bytes", st, c.life, c.msgs, n, b))
		}
		c.l.End()
		if c.o.Log != nil {
			c.o.Log(strings.Join(c.log, " "))
		}
		if !c.stopping {
			c.reconnectAt = now.Add(time.Duration(rand.Int64N(int64(2 * time.Second))))
		}
	}
}

var unsentRE = regexp.MustCompile(`; (\d+) bytes queued by Send were not sent`)

// Unsent returns the bytes an ERROR's text says were never sent.
func Unsent(msg string) int64 {
	m := unsentRE.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

func (c *Client) violation(s string) {
	c.o.Totals.Violation(fmt.Sprintf("client %d connection %d life %d: %s (last events: %s)", c.o.ID, c.gen, c.life, s, c.recentEvents()))
}

// note keeps a short description of the event for violations' texts.
func (c *Client) note(d *websocket.Data) {
	s := d.Event.String()
	switch d.Event {
	case websocket.EventError:
		s += "(" + string(d.Message) + ")"
	case websocket.EventDisconnected:
		s += "(" + strconv.Itoa(d.Code) + ")"
	case websocket.EventMessage:
		if i := c.ri - 1; i >= 0 && strings.HasPrefix(c.recent[i%len(c.recent)], "MESSAGE") {
			c.recent[i%len(c.recent)] = "MESSAGE×" + strconv.FormatInt(c.msgs+1, 10)
			return
		}
	}
	c.recent[c.ri%len(c.recent)] = s
	c.ri++
}

func (c *Client) recentEvents() string {
	var b []string
	for i := max(0, c.ri-len(c.recent)); i < c.ri; i++ {
		b = append(b, c.recent[i%len(c.recent)])
	}
	return strings.Join(b, ", ")
}

// Size draws a message size: mostly small, some of a few KiB, a few
// large, rarely one of up to a MiB.
func Size() int {
	switch r := rand.Float64(); {
	case r < 0.70:
		return 48 + rand.IntN(208)
	case r < 0.95:
		return 256 + rand.IntN(8<<10)
	case r < 0.998:
		return 8<<10 + rand.IntN(56<<10)
	default:
		return 256<<10 + rand.IntN(768<<10)
	}
}

// Type draws text or binary.
func Type() websocket.DataType {
	if rand.IntN(2) == 0 {
		return websocket.DataTypeText
	}
	return websocket.DataTypeBinary
}
