package netcode

import (
	"time"

	"github.com/hybridws/websocket"
)

// Meter is what a benchmark or a test wraps around a Client's frames: it
// times each Dispatch (all frames, and those that ran a callback) and
// counts traffic and corrections from a starting point. The Client itself
// keeps no timings; its connection's Stats count the traffic.
type Meter struct {
	// Dispatch holds how long each frame's Dispatch took; Busy only
	// those that ran at least one callback.
	Dispatch, Busy Samples
	// Frames counts the frames since Reset.
	Frames int64

	base        websocket.Stats
	corrections int64
}

// Update is Client.Update with Dispatch timed.
func (m *Meter) Update(c *Client, now time.Time, in Input) {
	t0 := time.Now()
	n := c.Dispatch(now)
	d := time.Since(t0)
	m.Dispatch.Add(d)
	if n > 0 {
		m.Busy.Add(d)
	}
	m.Frames++
	c.Step(now, in)
}

// Reset starts every measurement afresh from c's counters now.
func (m *Meter) Reset(c *Client) {
	m.Dispatch.Reset()
	m.Busy.Reset()
	m.Frames = 0
	m.base = c.Stats()
	m.corrections = c.Me.Corrections
}

// Since returns the payload bytes received and sent and the corrections
// of c's prediction since Reset (on one connection: the counters start
// again with a new one).
func (m *Meter) Since(c *Client) (bytesIn, bytesOut, corrections int64) {
	st := c.Stats()
	return st.BytesIn - m.base.BytesIn, st.BytesOut - m.base.BytesOut, c.Me.Corrections - m.corrections
}
