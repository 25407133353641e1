package websocket

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/hybridws/websocket/internal/wire"
)

// Connection is one WebSocket connection made by Connect. Use it only
// through Send, Disconnect and Stats; every field is private and guarded.
type Connection struct {
	cfg *dialConfig // what Connect validated, fixed for the connection's life
	cb  Callback

	mu       sync.Mutex
	state    State
	bye      *closeFrame   // what Disconnect asked for; nil until it is called
	stop     func()        // ends what the connection waits on: the dial, the wait before a retry, or (closing) the close timer
	t        transport     // set while open
	pending  atomic.Int64  // cost of this connection's undispatched Queue events
	openedAt time.Time     // when the current connection opened; zero while none is open
	fails    int           // failures in a row, for Reconnect's backoff
	resume   chan struct{} // wakes a reader paused on pending, or a retry waiting for Dispatch
	stats    counters      // what Stats adds up
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
	cfg := &dialConfig{request: req, rawURL: url, params: params, queue: params.Queue, sendLimit: params.SendQueueSize}
	if cfg.sendLimit == 0 {
		cfg.sendLimit = DefaultSendQueueSize
	}
	if params.Reconnect != nil {
		r := *params.Reconnect
		cfg.reconnect = &r
	}
	if !inBrowser {
		cfg.timeout = params.Timeout
		if cfg.timeout == 0 {
			cfg.timeout = DefaultTimeout
		}
	}
	c := &Connection{cfg: cfg, cb: callback, resume: make(chan struct{}, 1)}
	ctx, cancel := dialContext(cfg.timeout)
	c.stop = cancel
	go c.run(ctx, cancel)
	return c, nil
}

// run dials, and with Params.Reconnect dials again after each failure,
// until a connection opens (serve takes over) or the connection ends.
// cancel releases ctx.
func (c *Connection) run(ctx context.Context, cancel func()) {
	cfg := c.cfg
	for {
		t, hs, err := dialTransport(ctx, cfg)
		ctxErr := ctx.Err()
		cancel()
		if err == nil && len(cfg.subprotocols) > 0 && hs.Protocol == "" {
			t.Abort()
			t, err = nil, newError("connect", cfg.rawURL, ErrSubprotocol,
				"the server chose none of the requested subprotocols "+quoteList(cfg.subprotocols), nil)
		}

		c.mu.Lock()
		c.stop = nil
		bye := c.bye
		if err == nil && bye == nil {
			c.t, c.state, c.openedAt = t, StateOpen, time.Now()
			c.stats.connects.Add(1)
			c.mu.Unlock()
			c.emit(&Data{Event: EventConnected, HandshakeResponse: hs}, 0)
			// Read on a fresh goroutine: dialling grew this one's stack to
			// 16 KiB, which it would keep for the connection's life; the
			// reader's stays small (the idle cost per connection).
			go c.serve(t)
			return
		}
		var derr *Error
		delay, retry := time.Duration(0), false
		if bye == nil {
			derr = describeDialError(cfg.rawURL, cfg.timeout, hs, err, ctxErr)
			if delay, retry = c.retryAfterLocked(derr, hs, 0); retry {
				c.state = StateReconnecting
			}
		}
		c.mu.Unlock()
		if t != nil {
			t.Abort() // it opened, but Disconnect came first
		}
		switch {
		case bye != nil: // no ERROR for a dial we aborted ourselves
			c.end(nil, nil, bye.code, bye.reason)
			return
		case !retry:
			c.end(derr, hs, dialCloseCode(err), "")
			return
		}
		c.fail(derr, hs, delay)
		var ok bool
		if ctx, cancel, ok = c.waitRetry(delay, false); !ok {
			return
		}
	}
}

// serve reads until the connection ends, then ends it, or with
// Params.Reconnect reports the loss and dials again (lost).
func (c *Connection) serve(t transport) {
	fail, readErr := c.readAll(t)
	c.finish(t, fail, readErr)
}

// readFailure is a failure serve finds itself in what it reads (bad
// UTF-8, a full Queue): the error, and the close code and reason it
// fails the connection with.
type readFailure struct {
	err    *Error
	code   int
	reason string
}

// readAll delivers messages until Read fails (readErr) or a message fails
// the connection. An idle connection's goroutine waits in here, under the
// transport's Read: the work per message is in deliver, so that this
// frame stays small and the reader's stack fits in 2 KiB (the idle figure
// in BENCHMARKS.md).
func (c *Connection) readAll(t transport) (*readFailure, error) {
	for {
		typ, p, err := t.Read()
		if err != nil {
			return nil, err
		}
		if f := c.deliver(typ, p); f != nil {
			return f, nil
		}
	}
}

// deliver counts one message and emits it, or returns why it fails the
// connection.
//
//go:noinline
func (c *Connection) deliver(typ int, p []byte) *readFailure {
	c.stats.messagesIn.Add(1)
	c.stats.bytesIn.Add(int64(len(p)))
	if typ == wire.OpText && !utf8.Valid(p) {
		return &readFailure{newError("read", c.cfg.rawURL, ErrInvalidUTF8, "the server sent a text message that is not valid UTF-8", nil), CloseInvalidFramePayloadData, ""}
	}
	c.emit(&Data{Event: EventMessage, Message: p, Type: DataType(typ)}, int64(len(p)))
	if err := c.waitDispatch(); err != nil {
		return &readFailure{err, CloseNormalClosure, queueFullReason}
	}
	return nil
}

// finish ends the connection once reading stopped: it fails it first for
// a failure of its own, then tears the transport down and reports the end.
func (c *Connection) finish(t transport, fail *readFailure, readErr error) {
	var failErr *Error
	failCode, failReason := 0, ""
	if fail != nil {
		failErr, failCode, failReason = fail.err, fail.code, fail.reason
	}
	if failErr != nil {
		c.mu.Lock()
		c.state = StateClosing
		c.mu.Unlock()
		sent := failReason
		if failCode == CloseInvalidFramePayloadData {
			sent = "invalid UTF-8 in text message"
		}
		t.Fail(failCode, sent)
	}
	t.Abort()
	end := t.End(readErr)
	if failErr != nil {
		end.Code, end.Reason, end.Clean = failCode, failReason, false
	}

	c.mu.Lock()
	bye := c.bye
	c.mu.Unlock()
	if bye != nil && failErr == nil { // our own Disconnect: no ERROR
		c.end(nil, nil, bye.code, bye.reason)
		return
	}
	lostErr := failErr // none for a clean close
	if lostErr == nil && !end.Clean {
		lostErr = describeReadError(c.cfg.rawURL, end.Code, end.WriteErr, readErr)
	}
	if c.cfg.reconnect != nil && c.lost(lostErr, end, readErr) {
		return
	}
	c.end(lostErr, nil, end.Code, end.Reason)
}

// lost handles the end of an open connection with Params.Reconnect: when
// it is to be retried, it emits the ERROR with RetryIn (endErr, or for a
// clean close one that says how the server closed), waits, dials again on
// this goroutine and returns true; otherwise it returns false and serve
// ends the connection as without Reconnect (the last ERROR then has
// RetryIn 0).
func (c *Connection) lost(endErr *Error, end wire.End, readErr error) bool {
	cleanCode := 0
	if end.Clean {
		cleanCode = end.Code
		endErr = newError("read", c.cfg.rawURL, ErrConnectionLost, closedText(end.Code, end.Reason), readErr)
	}
	c.mu.Lock()
	delay, retry := c.retryAfterLocked(endErr, nil, cleanCode)
	if retry {
		c.state, c.t = StateReconnecting, nil
	}
	c.mu.Unlock()
	if !retry {
		return false
	}
	// What Send had queued and the connection never sent is gone: say how
	// much, so that the game knows what to send again.
	if end.Unsent > 0 {
		endErr.Msg += "; " + strconv.FormatInt(end.Unsent, 10) + " bytes queued by Send were not sent"
	}
	c.fail(endErr, nil, delay)
	if ctx, cancel, ok := c.waitRetry(delay, errors.Is(endErr, ErrQueueFull)); ok {
		c.run(ctx, cancel)
	}
	return true
}

// end ends the connection, and is the one place that does: it sets
// StateClosed, stops what the connection still waits on (the close
// timer), tears the transport down, and emits the last events: err's
// ERROR when err is not nil, then DISCONNECTED with code and reason.
// Every path of run, serve and waitRetry that does not go on calls it
// exactly once, so exactly one DISCONNECTED is emitted, and it is last.
func (c *Connection) end(err *Error, hs *HandshakeResponse, code int, reason string) {
	c.mu.Lock()
	c.state = StateClosed
	t, stop := c.t, c.stop
	c.t, c.stop = nil, nil
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
	if t != nil {
		t.Abort()
	}
	if err != nil {
		c.fail(err, hs, 0)
	}
	c.emit(&Data{Event: EventDisconnected, Code: code, Reason: reason}, 0)
}

// fail emits EventError for err; retryIn > 0 says a retry follows.
func (c *Connection) fail(err *Error, hs *HandshakeResponse, retryIn time.Duration) {
	c.emit(&Data{Event: EventError, Message: []byte(err.Error()), Err: err, HandshakeResponse: hs, RetryIn: retryIn}, 0)
}

// invoke runs the callback for d. Where the transport can write without
// waiting for the network (holder), it runs inside a Hold, so that the
// messages the callback sends go out when it returns, on this goroutine:
// a request/response exchange then costs no goroutine switch, and a burst
// goes out together.
func (c *Connection) invoke(d *Data) {
	c.mu.Lock()
	h, _ := c.t.(holder)
	c.mu.Unlock()
	if h != nil {
		h.Hold()
		defer h.Release()
	}
	c.cb(c, d)
}

// emit delivers one event: at once on this goroutine, or into the Queue.
func (c *Connection) emit(d *Data, size int64) {
	if c.cfg.queue == nil {
		c.invoke(d)
		return
	}
	cost := size + eventOverhead
	c.pending.Add(cost)
	c.cfg.queue.push(c, d, cost)
}

// waitDispatch pauses reading while too many of this connection's events
// wait in its Queue, so TCP pushes back on the server. A browser socket
// cannot stop reading: there, past maxPendingBrowser, it returns the error
// that fails the connection.
func (c *Connection) waitDispatch() *Error {
	q := c.cfg.queue
	if q == nil || !inBrowser && c.pending.Load() <= maxPending {
		return nil
	}
	for {
		c.mu.Lock()
		pending, open, opened := c.pending.Load(), c.state == StateOpen, c.openedAt
		c.mu.Unlock()
		if inBrowser {
			if pending > maxPendingBrowser && open {
				return newError("read", c.cfg.rawURL, ErrQueueFull, strconv.Itoa(q.count(c))+" events ("+
					strconv.FormatFloat(float64(pending)/(1<<20), 'f', 1, 64)+" MiB) waited in the Queue, "+
					q.sinceDispatch(opened).Round(time.Millisecond).String()+
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

// dispatched is called by Queue.Dispatch after running one event. Only a
// reader or a retry that saw more than maxPending waits to be woken, and
// the dispatch that runs first after that starts above it.
func (c *Connection) dispatched(cost int64) {
	if c.pending.Add(-cost)+cost > maxPending {
		c.wake()
	}
}

func (c *Connection) wake() {
	select {
	case c.resume <- struct{}{}:
	default:
	}
}
