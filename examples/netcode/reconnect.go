package netcode

import (
	"math/rand/v2"
	"time"
)

// backoff is the by-hand reconnect schedule this example needs until the
// library's Params.Reconnect exists: delays double from min to max, each
// drawn at random in [d/2, d] so that a server restart is not met by every
// client at the same instant. With Params.Reconnect, this file goes away:
// the library retries by itself and EventError's Data.RetryIn gives the
// "reconnecting in N s" line.
type backoff struct {
	min, max time.Duration
	attempt  int
}

// next returns the delay before the next attempt and counts it.
func (b *backoff) next() time.Duration {
	d := b.min << min(b.attempt, 16)
	if d > b.max || d <= 0 {
		d = b.max
	}
	b.attempt++
	return d/2 + rand.N(d/2+1)
}

// reset starts again from min, once a connection has proved itself.
func (b *backoff) reset() { b.attempt = 0 }
