package websocket

import (
	"context"
	"sync"
	"time"
	"unicode/utf8"
)

type state int

const (
	stateConnecting state = iota
	stateOpen
	stateClosing
	stateClosed
)

// Connection is one WebSocket connection made by Connect. Use it only
// through Send and Disconnect; every field is private and guarded.
type Connection struct {
	url       string
	cb        Callback
	queue     *Queue
	sendLimit int64

	mu         sync.Mutex
	state      state
	userClosed bool        // Disconnect was called
	cancelDial func()      // aborts the dial while connecting
	closeTimer *time.Timer // aborts a Disconnect that cannot finish
	t          transport   // set once open
	out        []outMsg    // messages waiting for the writer
	outBytes   int64       // their cost, bounded by sendLimit
	closeReq   bool        // a close frame (1000) waits behind out
	writing    bool        // a writer goroutine is running
	writers    sync.WaitGroup
	writeErr   error         // the first write failure
	inCallback bool          // a callback of this connection runs: Send leaves its messages for after it (send.go)
	bufEst     int64         // -1: Write blocks (native); else an upper bound of the transport's own queue (browser)
	pending    int64         // cost of this connection's undispatched Queue events
	resume     chan struct{} // wakes a reader paused on pending
}

// Connect validates its arguments and starts connecting to url in the
// background. It never blocks on the network: bad input is returned as an
// error at once (and no event follows); everything after that, success or
// failure, is reported to callback. params may be nil.
//
// After a successful Connect the callback sees exactly one of
// CONNECTED, MESSAGE*, [ERROR], DISCONNECTED; or ERROR, DISCONNECTED when
// the connection never opened; or a lone DISCONNECTED when Disconnect came
// first. Nothing follows DISCONNECTED.
func Connect(url string, params *Params, callback Callback) (*Connection, error) {
	if params == nil {
		params = &Params{}
	}
	req, err := validate(url, params, callback)
	if err != nil {
		return nil, err
	}
	cfg := &dialConfig{request: req, params: params}
	if !inBrowser {
		cfg.timeout = params.Timeout
		if cfg.timeout == 0 {
			cfg.timeout = DefaultTimeout
		}
	}
	c := &Connection{
		url:       url,
		cb:        callback,
		queue:     params.Queue,
		sendLimit: params.SendQueueSize,
		resume:    make(chan struct{}, 1),
	}
	if c.sendLimit == 0 {
		c.sendLimit = DefaultSendQueueSize
	}
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if cfg.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
	} else {
		ctx, cancel = context.WithCancel(ctx)
	}
	c.cancelDial = cancel
	if cfg.timeout > 0 {
		c.cancelDial = countedCancel(cancel) // the deadline's timer
	}
	go c.run(ctx, cfg)
	return c, nil
}

// run owns the connection: it dials, reads, and emits every event.
func (c *Connection) run(ctx context.Context, cfg *dialConfig) {
	t, hs, err := dialTransport(ctx, cfg)
	ctxErr := ctx.Err()
	c.cancelDial()
	if err == nil && len(cfg.subprotocols) > 0 && hs.Protocol == "" {
		t.Abort()
		t, err = nil, newError("connect", c.url, ErrSubprotocol,
			"the server chose none of the requested subprotocols "+quoteList(cfg.subprotocols), nil)
	}

	c.mu.Lock()
	user := c.userClosed
	if err != nil || user {
		c.state = stateClosed
		c.mu.Unlock()
		if t != nil {
			t.Abort()
		}
		if !user {
			c.fail(describeDialError(c.url, cfg.timeout, hs, err, ctxErr), hs)
			code := 1006
			if cc, ok := err.(interface{ CloseCode() int }); ok {
				code = cc.CloseCode()
			}
			c.emit(&Data{Event: EventDisconnected, Code: code}, 0)
			return
		}
		c.emit(&Data{Event: EventDisconnected, Code: 1000}, 0)
		return
	}
	c.t = t
	c.bufEst = t.Buffered()
	c.state = stateOpen
	c.mu.Unlock()
	c.emit(&Data{Event: EventConnected, HandshakeResponse: hs}, 0)
	// Read on a fresh goroutine: dialling grew this one's stack to 16 KiB,
	// which it would keep for the connection's life; the reader's stays
	// small (the idle cost per connection).
	go c.serve(t)
}

// serve reads until the connection ends, then emits the last events.
func (c *Connection) serve(t transport) {
	var readErr, failErr error
	failCode := 0
	for {
		typ, p, err := t.Read()
		if err != nil {
			readErr = err
			break
		}
		if typ == int(DataTypeText) && !utf8.Valid(p) {
			failCode, failErr = 1007, newError("read", c.url, ErrInvalidUTF8, "the server sent a text message that is not valid UTF-8", nil)
			t.Close(1007, "invalid UTF-8 in text message")
			break
		}
		c.emit(&Data{Event: EventMessage, Message: p, Type: DataType(typ)}, int64(len(p)))
		c.waitDispatch()
	}

	c.mu.Lock()
	c.state = stateClosed
	user := c.userClosed
	werr := c.writeErr
	if c.closeTimer != nil {
		stopTimer(c.closeTimer)
	}
	c.mu.Unlock()
	t.Abort()
	c.writers.Wait()

	code, reason, clean := 0, "", false
	if failErr == nil {
		code, reason, clean = t.CloseStatus(readErr)
	}
	switch {
	case failErr != nil:
		c.fail(failErr, nil)
		c.emit(&Data{Event: EventDisconnected, Code: failCode}, 0)
	case clean:
		c.emit(&Data{Event: EventDisconnected, Code: code, Reason: reason}, 0)
	case user:
		c.emit(&Data{Event: EventDisconnected, Code: 1000}, 0)
	default:
		c.fail(describeReadError(c.url, code, werr, readErr), nil)
		c.emit(&Data{Event: EventDisconnected, Code: code, Reason: reason}, 0)
	}
}

// fail emits EventError for err.
func (c *Connection) fail(err error, hs *HandshakeResponse) {
	c.emit(&Data{Event: EventError, Message: []byte(err.Error()), Err: err, HandshakeResponse: hs}, 0)
}

// emit delivers one event: at once on this goroutine, or into the Queue.
func (c *Connection) emit(d *Data, size int64) {
	if c.queue == nil {
		c.invoke(d)
		return
	}
	cost := size + eventOverhead
	c.mu.Lock()
	c.pending += cost
	c.mu.Unlock()
	c.queue.push(c, d, cost)
}

// waitDispatch pauses reading while too many of this connection's events
// wait in its Queue, so TCP pushes back on the server.
func (c *Connection) waitDispatch() {
	if c.queue == nil {
		return
	}
	for {
		c.mu.Lock()
		wait := c.pending > maxPending && c.state == stateOpen
		c.mu.Unlock()
		if !wait {
			return
		}
		<-c.resume
	}
}

// dispatched is called by Queue.Dispatch after running one event.
func (c *Connection) dispatched(cost int64) {
	c.mu.Lock()
	c.pending -= cost
	c.mu.Unlock()
	c.wake()
}

func (c *Connection) wake() {
	select {
	case c.resume <- struct{}{}:
	default:
	}
}
