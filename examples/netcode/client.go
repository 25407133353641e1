package netcode

import (
	"fmt"
	"log"
	"time"

	"github.com/hybridws/websocket"
)

// State is where a Client's connection stands.
type State int

// The states a Client goes through. A lost connection goes to
// StateReconnecting, then StateConnecting again.
const (
	StateIdle         State = iota // not started yet
	StateConnecting                // Connect called, no CONNECTED yet
	StateConnected                 // open
	StateReconnecting              // lost; the next attempt waits for its time
	StatePaused                    // disconnected on purpose until Resume (a hidden page)
	StateClosed                    // Close was called: it stays disconnected
	StateDisconnected              // ended: the server meant it (1000, 1008, 4xxx) or this client dropped a bad server
)

// ClientConfig configures a Client. The zero value of each field but URL
// means its default.
type ClientConfig struct {
	URL       string        // the server's game socket, ws://host/ws?room=name
	InputRate int           // inputs sent per second; 0 means 20
	PingEvery time.Duration // application-level ping period; 0 means 1s
	MinRetry  time.Duration // first reconnect delay (Reconnect.MinDelay); 0 means 500ms
	MaxRetry  time.Duration // longest reconnect delay (Reconnect.MaxDelay); 0 means 10s
	// Logf receives the client's log lines (bad messages, errors, lost
	// connections); nil means log.Printf.
	Logf func(format string, args ...any)
}

// Client is the game side of one connection to the arena server. It uses
// the library in Queue mode: nothing happens between calls to Update, which
// the game calls once per frame; every callback runs inside Update's
// Dispatch, on the game's goroutine. No method blocks on the network.
// A Client is not safe for concurrent use: the game calls it from its loop
// (or holds a lock around every call).
type Client struct {
	cfg     ClientConfig
	queue   *websocket.Queue
	conn    *websocket.Connection
	state   State
	retryAt time.Time // when the library's next attempt starts (Data.RetryIn)
	now     time.Time // the frame's time, seen by the callbacks
	start   time.Time // ping times are durations since start

	nextInput time.Time
	nextPing  time.Time
	seq       uint32
	welcomed  bool
	dropped   bool // this client dropped the server (a bad message)

	// ID is this player's id in the room, valid once Welcomed.
	ID uint16
	// Interp holds the snapshots and renders the room between them.
	Interp Interpolator
	// RTT is the last application-level round trip (ping to pong,
	// including the wait for the next Dispatch).
	RTT time.Duration
	// LastError is the text of the last ERROR event or bad message.
	LastError string
	// LastClose is the close code and reason of the last DISCONNECTED.
	LastCode   int
	LastReason string
	// Counters since NewClient.
	Connects, Snapshots, Events, BytesIn, BytesOut int64
	// DispatchTime holds how long each Update's Dispatch took;
	// DispatchBusy only those that ran at least one callback.
	DispatchTime, DispatchBusy Samples
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
		Interp: Interpolator{Period: 50 * time.Millisecond, Delay: 100 * time.Millisecond},
	}
}

// State returns the connection's state.
func (c *Client) State() State { return c.state }

// Welcomed reports whether the server has told this client its ID on the
// current connection.
func (c *Client) Welcomed() bool { return c.state == StateConnected && c.welcomed }

// Update is the Client's whole frame: it runs the pending callbacks
// (Queue.Dispatch), connects on the first call, sends the input at the
// fixed rate and a ping now and then, and moves the interpolation clock.
// The library reconnects by itself (Params.Reconnect). in.Seq is ignored:
// the Client numbers inputs.
func (c *Client) Update(now time.Time, in Input) {
	c.now = now
	t0 := time.Now()
	n := c.queue.Dispatch()
	d := time.Since(t0)
	c.DispatchTime.Add(d)
	if n > 0 {
		c.DispatchBusy.Add(d)
	}
	c.Events += int64(n)

	switch c.state {
	case StateIdle:
		c.connect()
	case StateConnected:
		if c.welcomed {
			c.sendInput(now, in)
		}
	}
	c.Interp.Advance(now)
}

func (c *Client) sendInput(now time.Time, in Input) {
	period := time.Second / time.Duration(c.cfg.InputRate)
	if !now.Before(c.nextInput) {
		c.seq++
		in.Seq = c.seq
		c.send(AppendInput(nil, in))
		c.nextInput = c.nextInput.Add(period)
		if c.nextInput.Before(now) { // a long frame: do not send a burst to catch up
			c.nextInput = now.Add(period)
		}
	}
	if !now.Before(c.nextPing) {
		c.send(AppendPing(nil, uint64(time.Since(c.start))))
		c.nextPing = now.Add(c.cfg.PingEvery)
	}
}

// send sends b, a fresh slice: Send keeps it until it is written.
func (c *Client) send(b []byte) {
	if err := websocket.Send(c.conn, b, nil); err != nil {
		// Not open any more (a DISCONNECTED is on its way) or the send
		// queue is full: inputs are sent again next period anyway.
		return
	}
	c.BytesOut += int64(len(b))
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
	}, c.onEvent)
	if err != nil {
		// Bad input (a malformed URL): no event will come, and no retry
		// can fix it; the state line says what is wrong.
		c.LastError = err.Error()
		c.cfg.Logf("arena: %v", err)
		c.state = StateDisconnected
		return
	}
	c.conn = conn
	c.state = StateConnecting
	c.welcomed = false
	c.dropped = false
}

// onEvent is the connection's callback; it only ever runs inside Update's
// Dispatch.
func (c *Client) onEvent(conn *websocket.Connection, d *websocket.Data) {
	if conn != c.conn {
		return // the tail of a connection we already left (Pause, Close)
	}
	switch d.Event {
	case websocket.EventConnected: // the first time, or back after a loss
		c.state = StateConnected
		c.welcomed = false
		c.nextInput, c.nextPing = c.now, c.now
		c.Connects++
	case websocket.EventMessage:
		c.BytesIn += int64(len(d.Message))
		c.onMessage(d)
	case websocket.EventError:
		c.LastError = d.Err.Error()
		if d.RetryIn > 0 { // lost, or an attempt failed: the library tries again after RetryIn
			c.state = StateReconnecting
			c.retryAt = c.now.Add(d.RetryIn)
			c.welcomed = false
			c.Interp.Reset() // show nobody rather than a frozen room
			c.cfg.Logf("arena: %v; reconnecting in %v", d.Err, d.RetryIn.Round(time.Millisecond))
			return
		}
		c.cfg.Logf("arena: %v", d.Err)
	case websocket.EventDisconnected: // the end: no retry follows
		c.conn = nil
		c.welcomed = false
		c.Interp.Reset()
		c.LastCode, c.LastReason = d.Code, d.Reason
		if c.state == StatePaused || c.state == StateClosed {
			return
		}
		c.state = StateDisconnected
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
		c.Interp.Reset()
		c.Interp.Period = time.Second / time.Duration(m.Welcome.TickRate)
	case KindSnapshot:
		c.Interp.Add(m.Snapshot, c.now)
		c.Snapshots++
	case KindPong:
		c.RTT = time.Since(c.start) - time.Duration(m.Pong)
	}
}

// badMessage drops a connection whose server sent something this client
// does not understand, for good: a server that speaks another protocol
// will not speak ours after a reconnect.
func (c *Client) badMessage(err error) {
	c.LastError = "bad message from the server: " + err.Error()
	c.dropped = true
	c.cfg.Logf("arena: %s; dropping the connection", c.LastError)
	websocket.Disconnect(c.conn)
}

// Pause disconnects until Resume, without reconnecting by itself (a hidden
// page: nobody dispatches, so nothing should arrive).
func (c *Client) Pause() {
	if c.state == StatePaused {
		return
	}
	c.state = StatePaused
	c.Interp.Reset()
	if c.conn != nil {
		websocket.Disconnect(c.conn)
		c.conn = nil
	}
}

// Resume connects again after Pause, at once.
func (c *Client) Resume() {
	if c.state == StatePaused {
		c.connect()
	}
}

// Close disconnects for good. Events of the closed connection that arrive
// later (its DISCONNECTED) change nothing if Update or Close runs again.
func (c *Client) Close() {
	c.state = StateClosed
	if c.conn != nil {
		websocket.Disconnect(c.conn)
		c.conn = nil
	}
	c.queue.Dispatch()
}

// Status is the connection part of the on-screen line: "connecting",
// "connected", "reconnecting in 3 s", "paused".
func (c *Client) Status(now time.Time) string {
	switch c.state {
	case StateConnecting:
		return "connecting"
	case StateConnected:
		if !c.welcomed {
			return "connected, waiting for the server"
		}
		return "connected"
	case StateReconnecting:
		s := max(c.retryAt.Sub(now), 0)
		return fmt.Sprintf("reconnecting in %d s", int((s+time.Second-1)/time.Second))
	case StatePaused:
		return "paused (page hidden)"
	case StateClosed:
		return "closed"
	case StateDisconnected:
		if c.dropped || c.LastCode == 0 {
			return "disconnected: " + c.LastError
		}
		return fmt.Sprintf("disconnected (%d %s)", c.LastCode, c.LastReason)
	}
	return "idle"
}
