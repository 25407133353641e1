package netcode

import (
	"fmt"
	"log"
	"sync/atomic"
	"time"

	"github.com/hybridws/websocket"
)

// Close codes this client sends (browsers allow a page 1000 and
// 3000-4999).
const (
	// CloseHidden: the page went out of sight (Suspend); it comes back
	// when shown.
	CloseHidden = 4001
	// CloseBadServer: the server sent something this client does not
	// understand.
	CloseBadServer = 4002
)

// ClientConfig configures a Client. The zero value of each field but URL
// means its default.
type ClientConfig struct {
	URL       string        // the server's game socket, ws://host/ws?room=name
	InputRate int           // input messages sent per second; 0 means 20
	PingEvery time.Duration // application-level ping period; 0 means 1s
	MinRetry  time.Duration // first reconnect delay (Reconnect.MinDelay); 0 means 500ms
	MaxRetry  time.Duration // longest reconnect delay (Reconnect.MaxDelay); 0 means 10s
	// Logf receives the client's log lines (bad messages, errors, lost
	// connections); nil means log.Printf.
	Logf func(format string, args ...any)
}

// Client is the game side of one connection to the arena server. It uses
// the library in Queue mode: nothing happens between calls to Update,
// which the game calls once per frame on its loop; every callback runs
// inside Update's Dispatch, on the loop. No method blocks on the network.
//
// A Client belongs to the goroutine of the game's loop: only Stats, Queued,
// Suspend and Resume may be called from elsewhere (a timer that watches a
// hidden page).
type Client struct {
	cfg      ClientConfig
	queue    *websocket.Queue
	conn     *websocket.Connection                // nil before the first Update, while suspended, and at the end
	live     atomic.Pointer[websocket.Connection] // conn, for Stats and Suspend from other goroutines
	suspend  atomic.Bool
	gone     atomic.Pointer[websocket.Connection] // the connection Suspend closed, for the loop to let go of
	closed   bool                                 // Close was called
	ended    bool                                 // the server ended the connection, or this client dropped it
	dropped  bool                                 // ended because the server sent something bad
	welcomed bool
	retryAt  time.Time // when the library's next attempt starts (Data.RetryIn)
	now      time.Time // the frame's time, seen by the callbacks
	last     time.Time // the previous frame's time
	start    time.Time // ping times are durations since start
	nextSend time.Time
	nextPing time.Time
	buf      []byte    // reused for every message sent: Send keeps no reference
	cmds     []Command // reused for every input message

	// ID is this player's id in the room, valid once Welcomed.
	ID uint16
	// Color is this player's colour, from the snapshots.
	Color uint8
	// Me predicts this player; Others interpolates everyone else.
	Me     Predictor
	Others Interpolator
	// Ping is the last application-level round trip (ping to pong,
	// including the wait for the next Dispatch): what a browser has,
	// where Stats().RTT is always 0.
	Ping time.Duration
	// LastError is the text of the last ERROR event or bad message.
	LastError string
	// LastCode and LastReason are those of the last DISCONNECTED.
	LastCode   int
	LastReason string
}

// NewClient returns a Client for cfg. It connects on the first Update.
func NewClient(cfg ClientConfig) *Client {
	if cfg.InputRate <= 0 {
		cfg.InputRate = 20
	}
	if cfg.PingEvery <= 0 {
		cfg.PingEvery = time.Second
	}
	if cfg.MinRetry <= 0 {
		cfg.MinRetry = 500 * time.Millisecond
	}
	if cfg.MaxRetry <= 0 {
		cfg.MaxRetry = 10 * time.Second
	}
	if cfg.Logf == nil {
		cfg.Logf = log.Printf
	}
	return &Client{
		cfg:    cfg,
		queue:  websocket.NewQueue(),
		start:  time.Now(),
		Others: Interpolator{Period: 50 * time.Millisecond},
	}
}

// Update is the Client's whole frame: Dispatch, then Step.
func (c *Client) Update(now time.Time, in Input) {
	c.Dispatch(now)
	c.Step(now, in)
}

// Dispatch runs the callbacks of everything that arrived since the last
// frame (Queue.Dispatch) and returns how many ran. now is the frame's
// time.
func (c *Client) Dispatch(now time.Time) int {
	c.now = now
	if gone := c.gone.Swap(nil); gone != nil && gone == c.conn {
		// Suspended while the loop did not run: its events, DISCONNECTED
		// included, are those of a connection the game has left.
		c.conn, c.welcomed = nil, false
		c.forget()
	}
	return c.queue.Dispatch()
}

// Step is the rest of the frame: it connects on the first call (and after
// Resume), applies in to this player at once, sends the commands at the
// input rate and a ping now and then, and moves the render clock. The
// library reconnects by itself (Params.Reconnect).
func (c *Client) Step(now time.Time, in Input) {
	dt := time.Duration(0)
	if !c.last.IsZero() {
		dt = now.Sub(c.last)
	}
	c.last = now
	switch {
	case c.closed || c.ended:
	case c.suspend.Load():
		if c.conn != nil {
			c.leave(CloseHidden, "page hidden")
		}
	case c.conn == nil:
		c.connect()
	case c.welcomed:
		c.Me.Smooth(dt)
		c.Me.Input(in, dt)
		c.send(now)
	}
	c.Others.Advance(now)
}

// send sends the commands not sent yet when the input period is due, and
// a ping when its time comes.
func (c *Client) send(now time.Time) {
	if !now.Before(c.nextSend) {
		c.nextSend = c.nextSend.Add(time.Second / time.Duration(c.cfg.InputRate))
		if c.nextSend.Before(now) { // a long frame: no burst to catch up
			c.nextSend = now
		}
		for {
			in := c.Me.Unsent(c.cmds)
			c.cmds = in.Commands
			if len(in.Commands) == 0 || !c.sendMsg(AppendInputs(c.buf[:0], in)) {
				break // what is left goes next period
			}
			c.Me.Sent(len(in.Commands))
		}
	}
	if !now.Before(c.nextPing) {
		c.sendMsg(AppendPing(c.buf[:0], uint64(time.Since(c.start))))
		c.nextPing = now.Add(c.cfg.PingEvery)
	}
}

// sendMsg sends b, which the next message reuses: Send keeps no reference
// to it. It reports false when the connection is not open (a DISCONNECTED
// or ERROR is on its way) or its send queue is full.
func (c *Client) sendMsg(b []byte) bool {
	c.buf = b
	return websocket.Send(c.conn, b, nil) == nil
}

// connect opens the connection, which then comes back by itself after a
// loss: the library retries with a randomized backoff from MinRetry to
// MaxRetry and says when in EventError's RetryIn.
func (c *Client) connect() {
	conn, err := websocket.Connect(c.cfg.URL, &websocket.Params{
		Queue:          c.queue,
		MaxMessageSize: MaxServerMessage,
		SendQueueSize:  64 << 10,
		Reconnect:      &websocket.Reconnect{MinDelay: c.cfg.MinRetry, MaxDelay: c.cfg.MaxRetry},
		// Natively, keepalive pings give Stats().RTT for the HUD (and
		// notice a vanished server); a browser ignores both.
		KeepAlive:   2 * time.Second,
		PongTimeout: 10 * time.Second,
	}, c.onEvent)
	if err != nil {
		// Bad input (a malformed URL): no event will come, and no retry
		// can fix it; the status line says what is wrong.
		c.LastError = err.Error()
		c.cfg.Logf("arena: %v", err)
		c.ended = true
		return
	}
	c.conn = conn
	c.live.Store(conn)
	c.welcomed, c.dropped = false, false
}

// leave disconnects with code and forgets the room.
func (c *Client) leave(code int, reason string) {
	websocket.DisconnectWith(c.conn, code, reason)
	c.conn = nil
	c.welcomed = false
	c.forget()
}

// forget drops what the last connection showed: a lost connection shows
// nobody rather than a frozen room.
func (c *Client) forget() {
	c.Others.Reset()
	c.Me.Reset()
}

// onEvent is the connection's callback; it only ever runs inside Dispatch.
func (c *Client) onEvent(conn *websocket.Connection, d *websocket.Data) {
	if conn != c.conn {
		return // the tail of a connection we already left (Suspend, Close)
	}
	switch d.Event {
	case websocket.EventConnected: // the first time, or back after a loss
		c.welcomed = false
		c.nextSend, c.nextPing = c.now, c.now
	case websocket.EventMessage:
		c.onMessage(d)
	case websocket.EventError:
		c.LastError = d.Err.Error()
		if d.RetryIn > 0 { // lost, or an attempt failed: the library tries again after RetryIn
			c.retryAt = c.now.Add(d.RetryIn)
			c.welcomed = false
			c.forget()
			c.cfg.Logf("arena: %v; reconnecting in %v", d.Err, d.RetryIn.Round(time.Millisecond))
			return
		}
		c.cfg.Logf("arena: %v", d.Err)
	case websocket.EventDisconnected: // the end: no retry follows
		c.conn = nil
		c.ended = true
		c.welcomed = false
		c.forget()
		c.LastCode, c.LastReason = d.Code, d.Reason
		c.cfg.Logf("arena: disconnected (code %d %q)", d.Code, d.Reason)
	}
}

func (c *Client) onMessage(d *websocket.Data) {
	if d.Type != websocket.DataTypeBinary {
		c.badMessage(fmt.Errorf("%w: a text message", ErrMalformed))
		return
	}
	m, err := ParseServer(d.Message, nil)
	if err != nil {
		c.badMessage(err)
		return
	}
	switch m.Kind {
	case KindWelcome:
		c.ID = m.Welcome.ID
		c.welcomed = true
		c.forget()
		c.Others.Period = time.Second / time.Duration(m.Welcome.TickRate)
	case KindSnapshot:
		if !c.welcomed {
			return
		}
		c.Me.Reconcile(&m.Snapshot)
		if p, ok := find(m.Snapshot.Players, c.ID); ok {
			c.Color = p.Color
		}
		c.Others.Add(m.Snapshot, c.now)
	case KindPong:
		c.Ping = time.Since(c.start) - time.Duration(m.Pong)
	}
}

// badMessage drops a connection whose server sent something this client
// does not understand, for good: a server that speaks another protocol
// will not speak ours after a reconnect.
func (c *Client) badMessage(err error) {
	c.LastError = "bad message from the server: " + err.Error()
	c.cfg.Logf("arena: %s; dropping the connection", c.LastError)
	c.leave(CloseBadServer, "bad message from the server")
	c.ended, c.dropped = true, true
}

// Suspend disconnects and stays disconnected until Resume: for a page
// that is hidden, where nobody dispatches and nothing should arrive. It
// may be called from any goroutine: it disconnects at once, and the loop
// forgets the room at its next Update.
func (c *Client) Suspend() {
	c.suspend.Store(true)
	if conn := c.live.Load(); conn != nil {
		c.gone.Store(conn)
		websocket.DisconnectWith(conn, CloseHidden, "page hidden")
	}
}

// Resume undoes Suspend: the next Update connects again. It may be called
// from any goroutine.
func (c *Client) Resume() { c.suspend.Store(false) }

// Suspended reports whether Suspend holds the client. It may be called
// from any goroutine.
func (c *Client) Suspended() bool { return c.suspend.Load() }

// Close disconnects for good. Events of the closed connection that arrive
// later change nothing.
func (c *Client) Close() {
	c.closed = true
	if c.conn != nil {
		c.leave(websocket.CloseNormalClosure, "")
	}
	c.queue.Dispatch()
}

// Stats returns the library's Stats of the current connection (the zero
// Stats before the first Update). It may be called from any goroutine.
func (c *Client) Stats() websocket.Stats { return c.live.Load().Stats() }

// Queued returns how many events wait for the next Dispatch. It may be
// called from any goroutine.
func (c *Client) Queued() int { return c.queue.Len() }

// Welcomed reports whether the server has told this client its ID on the
// current connection.
func (c *Client) Welcomed() bool { return c.conn != nil && c.welcomed }

// Ended reports whether the connection is over for good: Close, the server
// ended it, or this client dropped a server it did not understand.
func (c *Client) Ended() bool { return c.closed || c.ended }

// Players appends what to draw this frame to dst: everyone else
// interpolated, and this player where the prediction shows it.
func (c *Client) Players(dst []Player) []Player {
	if !c.Welcomed() {
		return dst
	}
	dst = c.Others.Players(dst, c.ID)
	if c.Me.Ready() {
		x, y := c.Me.Shown()
		dst = append(dst, Player{ID: c.ID, X: x, Y: y, Color: c.Color})
	}
	return dst
}

// Status is the connection part of the on-screen line: the library's
// State ("connecting", "open", "reconnecting in 3 s", ...) or why it
// ended.
func (c *Client) Status(now time.Time) string {
	switch {
	case c.closed:
		return "closed"
	case c.dropped || (c.ended && c.LastCode == 0):
		return "disconnected: " + c.LastError
	case c.ended:
		return fmt.Sprintf("disconnected (%d %s)", c.LastCode, c.LastReason)
	case c.suspend.Load() || c.conn == nil && !c.last.IsZero():
		return "paused (page hidden)"
	}
	switch st := c.conn.Stats().State; st {
	case websocket.StateOpen:
		if !c.welcomed {
			return "open, waiting for the server"
		}
		return "open"
	case websocket.StateReconnecting:
		if s := c.retryAt.Sub(now); s > 0 {
			return fmt.Sprintf("reconnecting in %d s", int((s+time.Second-1)/time.Second))
		}
		return "reconnecting"
	default:
		return st.String()
	}
}
