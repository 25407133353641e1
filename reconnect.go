package websocket

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/hybridws/websocket/internal/wire"
)

// Reconnect makes a connection come back by itself after it is lost or an
// attempt to open it fails, with a randomized exponential backoff, on the
// same *Connection. Set it in Params.Reconnect; its zero value works.
//
// With it, the callback sees
//
//	(CONNECTED, MESSAGE*)?, (ERROR, [CONNECTED, MESSAGE*])*, DISCONNECTED
//
// Each loss or failed attempt is an ERROR whose RetryIn says when the next
// attempt starts (0: none will); each success is a new CONNECTED with its
// own HandshakeResponse. There is no retry, and DISCONNECTED follows, after
// Disconnect (also during the wait), after the server closes cleanly with
// 1000, 1008 or a 3000-4999 code (it meant it), after an upgrade refused
// with a 4xx status other than 429, after a TLS failure or a subprotocol the server would
// not choose (a retry cannot fix them), and after MaxAttempts failures in a
// row. Other closes (1001 going away, 1011, 1012 service restart, 1013 try
// again later, no close frame at all, ...) and failures are retried, and so
// is an upgrade refused with 429 (Too Many Requests). When the server
// refuses the upgrade with 429 or 503 and a Retry-After header (seconds or
// an HTTP date), the wait is at least what it asks, at most 5 minutes, and
// RetryIn says so. A browser hides the answer to a refused upgrade (status
// and headers alike), so there every refusal is a failed attempt like any
// other, retried with the backoff.
//
// In a browser, a connection that failed because the game stopped
// dispatching (ErrQueueFull, a hidden tab) is retried only once the game
// has dispatched again, so a tab that stays hidden does not reconnect just
// to fill its Queue once more. In Firefox a wait after a failed attempt is
// at least Firefox's own delay for that host and path (up to a minute,
// past MaxDelay too): Firefox would hold the attempt that long anyway, and
// every other socket to the host with it.
//
// While the connection is down Send returns ErrNotConnected: nothing is
// buffered across an outage, so the game decides what to send again.
// Messages Send accepted before the loss may or may not have reached the
// server (no WebSocket can know); the ERROR says how many bytes still
// waited in the send queue, which certainly did not.
type Reconnect struct {
	// MinDelay is the longest first wait; 0 means 500ms.
	MinDelay time.Duration
	// MaxDelay caps the wait, which doubles after each failure in a row;
	// 0 means 30s. Each wait is drawn at random in [d/2, d], so that the
	// clients of a restarted server do not all come back at once.
	MaxDelay time.Duration
	// MaxAttempts is how many failures in a row (failed attempts, and
	// connections lost before they were open for reconnectStable) end the
	// connection; 0 means no limit. A connection that stays open for
	// reconnectStable (5s) resets the count.
	MaxAttempts int
}

// Reconnect's defaults.
const (
	DefaultReconnectMinDelay = 500 * time.Millisecond
	DefaultReconnectMaxDelay = 30 * time.Second
)

// reconnectStable is how long a connection must stay open for its loss to
// start the backoff from MinDelay again: long enough that a server which
// accepts and at once drops every connection is backed off, short enough
// that a game that played for a while comes back fast. A variable so that
// the tests can shorten it.
var reconnectStable = 5 * time.Second

func (r *Reconnect) delays() (lo, hi time.Duration) {
	lo, hi = r.MinDelay, r.MaxDelay
	if lo == 0 {
		lo = DefaultReconnectMinDelay
	}
	if hi == 0 {
		hi = DefaultReconnectMaxDelay
	}
	if hi < lo {
		hi = lo // MinDelay alone set above the default MaxDelay
	}
	return lo, hi
}

// backoff returns the wait before retry number n (1 for the first): the
// delay doubles from MinDelay up to MaxDelay, and the wait is drawn in
// [d/2, d].
func (r *Reconnect) backoff(n int) time.Duration {
	lo, hi := r.delays()
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return d/2 + rand.N(d/2+1)
}

func validateReconnect(rawURL string, r *Reconnect) error {
	if r == nil {
		return nil
	}
	bad := func(msg string) error { return newError("connect", rawURL, ErrInvalidOptions, msg, nil) }
	switch {
	case r.MinDelay < 0:
		return bad("Params.Reconnect.MinDelay is negative")
	case r.MaxDelay < 0:
		return bad("Params.Reconnect.MaxDelay is negative")
	case r.MaxAttempts < 0:
		return bad("Params.Reconnect.MaxAttempts is negative")
	case r.MaxDelay > 0 && r.MinDelay > r.MaxDelay:
		return bad("Params.Reconnect.MinDelay " + r.MinDelay.String() + " is more than MaxDelay " + r.MaxDelay.String())
	}
	return nil
}

// noRetry reports a failure that a retry cannot fix, or a close the server
// meant.
func noRetry(err error, hs *HandshakeResponse, cleanCode int) bool {
	switch {
	case cleanCode == CloseNormalClosure, cleanCode == ClosePolicyViolation,
		cleanCode >= wire.CloseAppMin && cleanCode <= wire.CloseAppMax:
		return true
	case hs != nil && hs.Status >= 400 && hs.Status < 500 && hs.Status != 429:
		return true
	case err != nil && (errors.Is(err, ErrTLS) || errors.Is(err, ErrSubprotocol)):
		return true
	}
	_, final := proxyFailure(err)
	return final
}

// retryAfterLocked decides, with c.mu held, whether a failure is retried, and
// how long to wait first: it counts the failure, unless the connection it
// ends had been open for reconnectStable.
func (c *Connection) retryAfterLocked(err error, hs *HandshakeResponse, cleanCode int) (time.Duration, bool) {
	r := c.cfg.reconnect
	if r == nil || c.bye != nil || noRetry(err, hs, cleanCode) {
		return 0, false
	}
	if !c.openedAt.IsZero() && time.Since(c.openedAt) >= reconnectStable {
		c.fails = 0
	}
	c.openedAt = time.Time{}
	c.fails++
	if r.MaxAttempts > 0 && c.fails >= r.MaxAttempts {
		return 0, false
	}
	return max(r.backoff(c.fails), serverRetryAfter(hs, time.Now()), retryFloor(c.cfg.url)), true
}

// waitRetry waits delay, or until Disconnect, and returns the context of
// the next attempt and its cancel; false when Disconnect came first (the
// connection has then ended).
//
// With untilDispatched (the connection failed with ErrQueueFull: the game
// stopped dispatching, a hidden tab say), it also waits until the game has
// dispatched most of what waited, so that a page that is still hidden does
// not reconnect only to fill its Queue and fail again.
func (c *Connection) waitRetry(delay time.Duration, untilDispatched bool) (context.Context, context.CancelFunc, bool) {
	wait, stop := context.WithCancel(context.Background())
	defer stop()
	c.mu.Lock()
	user := c.bye != nil
	c.stop = stop // Disconnect ends the wait at once
	c.mu.Unlock()
	if !user {
		timer := time.NewTimer(delay)
		liveTimers.Add(1) // until it fires or is stopped
		select {
		case <-timer.C:
			liveTimers.Add(-1)
		case <-wait.Done():
			if timer.Stop() {
				liveTimers.Add(-1)
			}
		}
	}
	for untilDispatched {
		c.mu.Lock()
		untilDispatched = c.pending.Load() > maxPending && c.bye == nil
		c.mu.Unlock()
		if untilDispatched {
			select {
			case <-c.resume: // Dispatch ran some of them
			case <-wait.Done():
			}
		}
	}
	c.mu.Lock()
	if bye := c.bye; bye != nil {
		c.mu.Unlock()
		c.end(nil, nil, bye.code, bye.reason)
		return nil, nil, false
	}
	ctx, cancel := dialContext(c.cfg.timeout)
	c.state, c.stop = StateConnecting, cancel
	c.mu.Unlock()
	return ctx, cancel, true
}

func dialContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		return ctx, liveTimers.Cancel(cancel) // the deadline's timer, counted until cancel
	}
	return context.WithCancel(context.Background())
}

// closedText says how the server closed a connection that is retried.
func closedText(code int, reason string) string {
	s := "the server closed the connection with code " + strconv.Itoa(code)
	if reason != "" {
		s += " (" + strconv.Quote(reason) + ")"
	}
	return s
}
