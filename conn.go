package websocket

import (
	"context"
	"errors"
	"strconv"
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
	url   string
	cb    Callback
	queue *Queue

	mu         sync.Mutex
	state      state
	userClosed bool          // Disconnect was called
	cancelDial func()        // aborts the dial while connecting
	closeTimer *time.Timer   // aborts a Disconnect that cannot finish
	t          transport     // set while open
	pending    int64         // cost of this connection's undispatched Queue events
	pendingN   int           // how many they are
	started    time.Time     // when Connect returned it
	reconnect  *Reconnect    // Params.Reconnect
	openedAt   time.Time     // when the current connection opened; zero while none is open
	fails      int           // failures in a row, for Reconnect's backoff
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
	cfg := &dialConfig{request: req, params: params, sendLimit: params.SendQueueSize}
	if cfg.sendLimit == 0 {
		cfg.sendLimit = DefaultSendQueueSize
	}
	if !inBrowser {
		cfg.timeout = params.Timeout
		if cfg.timeout == 0 {
			cfg.timeout = DefaultTimeout
		}
	}
	c := &Connection{
		url:     url,
		cb:      callback,
		queue:   params.Queue,
		resume:  make(chan struct{}, 1),
		started: time.Now(),
	}
	if params.Reconnect != nil {
		r := *params.Reconnect
		c.reconnect = &r
	}
	ctx, cancel := dialContext(cfg.timeout)
	c.cancelDial = cancel
	go c.run(ctx, cfg)
	return c, nil
}

// run owns the connection: it dials (again, with Params.Reconnect), and
// emits the events of each attempt; serve takes over once one opens.
func (c *Connection) run(ctx context.Context, cfg *dialConfig) {
	for {
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
		if err == nil && !user {
			c.t = t
			c.state = stateOpen
			c.openedAt = time.Now()
			c.mu.Unlock()
			c.emit(&Data{Event: EventConnected, HandshakeResponse: hs}, 0)
			// Read on a fresh goroutine: dialling grew this one's stack to
			// 16 KiB, which it would keep for the connection's life; the
			// reader's stays small (the idle cost per connection).
			go c.serve(t, cfg)
			return
		}
		if t != nil {
			t.Abort()
		}
		if user {
			c.state = stateClosed
			c.mu.Unlock()
			c.emit(&Data{Event: EventDisconnected, Code: CloseNormalClosure}, 0)
			return
		}
		derr := describeDialError(c.url, cfg.timeout, hs, err, ctxErr)
		delay, retry := c.retryAfterLocked(derr, hs, 0)
		if !retry {
			c.state = stateClosed
		}
		c.mu.Unlock()
		c.fail(derr, hs, delay)
		if !retry {
			c.emit(&Data{Event: EventDisconnected, Code: dialCloseCode(err)}, 0)
			return
		}
		var ok bool
		if ctx, ok = c.waitRetry(delay, cfg.timeout, false); !ok {
			return
		}
	}
}

// serve reads until the connection ends, then emits the last events, or
// the ERROR of a loss and, after a wait, dials again (Params.Reconnect).
func (c *Connection) serve(t transport, cfg *dialConfig) {
	var readErr error
	var failErr *Error // a failure found here (bad UTF-8, a full Queue)
	failCode, failReason := 0, ""
	for {
		typ, p, err := t.Read()
		if err != nil {
			readErr = err
			break
		}
		if typ == int(DataTypeText) && !utf8.Valid(p) {
			failCode, failErr = CloseInvalidFramePayloadData, newError("read", c.url, ErrInvalidUTF8, "the server sent a text message that is not valid UTF-8", nil)
			t.Fail(CloseInvalidFramePayloadData, "invalid UTF-8 in text message")
			break
		}
		c.emit(&Data{Event: EventMessage, Message: p, Type: DataType(typ)}, int64(len(p)))
		if err := c.waitDispatch(); err != nil {
			failCode, failReason, failErr = CloseNormalClosure, queueFullReason, err
			t.Fail(CloseNormalClosure, queueFullReason)
			break
		}
	}

	c.mu.Lock()
	c.state = stateClosed
	user := c.userClosed
	if c.closeTimer != nil {
		liveTimers.Stop(c.closeTimer)
	}
	c.mu.Unlock()
	t.Abort()
	werr := t.WriteErr()

	code, reason, clean := 0, "", false
	if failErr == nil {
		code, reason, clean = t.CloseStatus(readErr)
	}
	// endErr is the ERROR this end reports: none for a clean close or our
	// own Disconnect.
	endErr := failErr
	if failErr == nil && !clean && !user {
		endErr = describeReadError(c.url, code, werr, readErr)
	}
	if !user && c.reconnect != nil && c.lost(t, cfg, endErr, code, reason, clean, readErr) {
		return
	}
	if endErr != nil {
		c.fail(endErr, nil, 0)
	}
	switch {
	case failErr != nil:
		c.emit(&Data{Event: EventDisconnected, Code: failCode, Reason: failReason}, 0)
	case user && !clean:
		c.emit(&Data{Event: EventDisconnected, Code: CloseNormalClosure}, 0)
	default:
		c.emit(&Data{Event: EventDisconnected, Code: code, Reason: reason}, 0)
	}
}

// lost handles the end of an open connection with Params.Reconnect: when
// it is to be retried, it emits the ERROR with RetryIn (endErr, or for a
// clean close one that says how the server closed), waits, dials again on
// this goroutine and returns true; otherwise it returns false and serve
// ends the connection as without Reconnect (the last ERROR then has
// RetryIn 0).
func (c *Connection) lost(t transport, cfg *dialConfig, endErr *Error, code int, reason string, clean bool, readErr error) bool {
	cleanCode := 0
	if clean {
		cleanCode = code
		endErr = newError("read", c.url, ErrConnectionLost, closedText(code, reason), readErr)
	}
	c.mu.Lock()
	delay, retry := c.retryAfterLocked(endErr, nil, cleanCode)
	if !retry {
		c.mu.Unlock()
		return false
	}
	// What Send had queued and the connection never sent is gone: say how
	// much, so that the game knows what to send again.
	unsent := t.Unsent()
	c.state = stateConnecting
	c.t = nil
	c.mu.Unlock()
	if unsent > 0 {
		endErr.Msg += "; " + strconv.FormatInt(unsent, 10) + " bytes queued by Send were not sent"
	}
	c.fail(endErr, nil, delay)
	if ctx, ok := c.waitRetry(delay, cfg.timeout, errors.Is(endErr, ErrQueueFull)); ok {
		c.run(ctx, cfg)
	}
	return true
}

// fail emits EventError for err; retryIn > 0 says a retry follows.
func (c *Connection) fail(err error, hs *HandshakeResponse, retryIn time.Duration) {
	c.emit(&Data{Event: EventError, Message: []byte(err.Error()), Err: err, HandshakeResponse: hs, RetryIn: retryIn}, 0)
}

// invoke runs the callback for d inside a Hold of the transport, so that
// the messages the callback sends go out when it returns, on this
// goroutine where the backend can write without waiting: a
// request/response exchange then costs no goroutine switch, and a burst
// goes out together.
func (c *Connection) invoke(d *Data) {
	c.mu.Lock()
	t := c.t
	c.mu.Unlock()
	if t != nil {
		t.Hold()
		defer t.Release()
	}
	c.cb(c, d)
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
	c.pendingN++
	c.mu.Unlock()
	c.queue.push(c, d, cost)
}

// waitDispatch pauses reading while too many of this connection's events
// wait in its Queue, so TCP pushes back on the server. A browser socket
// cannot stop reading: there, past maxPendingBrowser, it returns the error
// that fails the connection.
func (c *Connection) waitDispatch() *Error {
	if c.queue == nil {
		return nil
	}
	for {
		c.mu.Lock()
		pending, n, open := c.pending, c.pendingN, c.state == stateOpen
		c.mu.Unlock()
		if inBrowser {
			if pending > maxPendingBrowser && open {
				return newError("read", c.url, ErrQueueFull, strconv.Itoa(n)+" events ("+
					strconv.FormatFloat(float64(pending)/(1<<20), 'f', 1, 64)+" MiB) waited in the Queue, "+
					c.queue.sinceDispatch(c.started).Round(time.Millisecond).String()+
					" after the last Dispatch: the game stopped dispatching (a hidden tab?) and a browser socket cannot stop reading", nil)
			}
			return nil
		}
		if pending <= maxPending || !open {
			return nil
		}
		<-c.resume
	}
}

// queueFullReason is the close reason the server gets when a browser
// connection fails with ErrQueueFull. The code is 1000: a browser may send
// only 1000 or 3000-4999, and codes of 3000 and up belong to applications.
const queueFullReason = "client stopped dispatching events"

// dispatched is called by Queue.Dispatch after running one event.
func (c *Connection) dispatched(cost int64) {
	c.mu.Lock()
	c.pending -= cost
	c.pendingN--
	c.mu.Unlock()
	c.wake()
}

func (c *Connection) wake() {
	select {
	case c.resume <- struct{}{}:
	default:
	}
}
