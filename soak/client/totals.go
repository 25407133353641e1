package client

import (
	"errors"
	"maps"
	"math"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridws/websocket"
)

// Totals adds up what every Client of a run did and saw; safe for
// concurrent use. Its size does not grow with the run's length: counters,
// a histogram, and the first violations only.
type Totals struct {
	Connections  atomic.Int64 // Connect calls that succeeded
	Connected    atomic.Int64 // CONNECTED events
	Reconnects   atomic.Int64 // CONNECTED events after the first of a Connection
	Errors       atomic.Int64 // ERROR events
	Disconnected atomic.Int64 // DISCONNECTED events
	Sent         atomic.Int64 // messages Send accepted
	SentBytes    atomic.Int64
	Replies      atomic.Int64 // of them, sent from inside a callback
	RefusedFull  atomic.Int64 // Send: ErrSendQueueFull
	RefusedDown  atomic.Int64 // Send: ErrNotConnected or ErrClosed (the connection was down)
	Echoed       atomic.Int64
	EchoedBytes  atomic.Int64
	WrittenOff   atomic.Int64 // messages in the tail of a lost or ended life
	UnsentBytes  atomic.Int64 // what ERRORs said was never sent
	Bursts       atomic.Int64
	Kicks        atomic.Int64 // disconnects on purpose (DisconnectWith), each followed by a new Connect
	Overlaps     atomic.Int64 // callbacks that overlapped (a violation each)
	Violations   atomic.Int64

	ErrorKinds Counts // ERROR events by what they say (ErrorKind)

	mu        sync.Mutex
	first     []string  // the first violations, for the report
	reconnect Histogram // loss to CONNECTED again
}

// Counts counts things by name; safe for concurrent use. The zero Counts
// is ready to use.
type Counts struct {
	mu sync.Mutex
	n  map[string]int64
}

// Add counts one more of name.
func (c *Counts) Add(name string) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int64{}
	}
	c.n[name]++
	c.mu.Unlock()
}

// Map returns the counts so far.
func (c *Counts) Map() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

// maxKept is how many violations Totals keeps the text of.
const maxKept = 50

// Violation records a broken promise.
func (t *Totals) Violation(s string) {
	t.Violations.Add(1)
	t.mu.Lock()
	if len(t.first) < maxKept {
		t.first = append(t.first, s)
	}
	t.mu.Unlock()
}

// FirstViolations returns the texts of the first violations.
func (t *Totals) FirstViolations() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.first...)
}

// ErrorKind names what an ERROR says happened, coarsely, for the report.
func ErrorKind(d *websocket.Data) string {
	msg := string(d.Message)
	if strings.Contains(msg, "keepalive") {
		return "keepalive"
	}
	kinds := []struct {
		err  error
		name string
	}{
		{websocket.ErrTimeout, "timeout"},
		{websocket.ErrUpgradeRefused, "upgrade refused"},
		{websocket.ErrQueueFull, "queue full"},
		{websocket.ErrProtocol, "protocol"},
		{websocket.ErrDial, "dial failed"},
	}
	for _, k := range kinds {
		if errors.Is(d.Err, k.err) {
			return k.name
		}
	}
	if m := closeCodeRE.FindStringSubmatch(msg); m != nil {
		return "closed " + m[1]
	}
	switch {
	case errors.Is(d.Err, websocket.ErrConnectionLost):
		return "lost"
	}
	return "other"
}

var closeCodeRE = regexp.MustCompile(`closed (?:the connection )?with code (\d+)`)

// ReconnectTimes returns the histogram of loss-to-CONNECTED times.
func (t *Totals) ReconnectTimes() Histogram {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reconnect
}

func (t *Totals) reconnected(d time.Duration) {
	t.mu.Lock()
	t.reconnect.Add(d)
	t.mu.Unlock()
}

// Histogram counts durations in buckets 5% wide, from 1 ms to hours.
type Histogram struct {
	n       int64
	max     time.Duration
	buckets [histBuckets]int64
}

const (
	histBase    = time.Millisecond
	histRatio   = 1.05
	histBuckets = 300 // 1.05^300 ms is over 600 hours
)

// Add counts d.
func (h *Histogram) Add(d time.Duration) {
	i := 0
	if d > histBase {
		i = min(int(math.Log(float64(d)/float64(histBase))/math.Log(histRatio)), histBuckets-1)
	}
	h.buckets[i]++
	h.n++
	h.max = max(h.max, d)
}

// Count returns how many durations were added.
func (h *Histogram) Count() int64 { return h.n }

// Max returns the longest.
func (h *Histogram) Max() time.Duration { return h.max }

// Quantile returns the duration below which a fraction q of them fall,
// to within the width of a bucket (5%).
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	want := int64(math.Ceil(q * float64(h.n)))
	var seen int64
	for i, c := range h.buckets {
		seen += c
		if seen >= max(want, 1) {
			upper := time.Duration(float64(histBase) * math.Pow(histRatio, float64(i+1)))
			return min(upper, h.max)
		}
	}
	return h.max
}

// Snapshot is Totals at one moment, in plain fields (JSON for the
// browser's page).
type Snapshot struct {
	Connections, Connected, Reconnects, Errors, Disconnected int64
	Sent, SentBytes, Replies, RefusedFull, RefusedDown       int64
	Echoed, EchoedBytes, WrittenOff, UnsentBytes             int64
	Bursts, Kicks, Overlaps, Violations                      int64
	ErrorKinds                                               map[string]int64
	ReconnectN                                               int64
	ReconnectP50, ReconnectP99, ReconnectMax                 time.Duration
	FirstViolations                                          []string
}

// Snapshot returns the Totals now.
func (t *Totals) Snapshot() Snapshot {
	h := t.ReconnectTimes()
	return Snapshot{
		Connections: t.Connections.Load(), Connected: t.Connected.Load(), Reconnects: t.Reconnects.Load(),
		Errors: t.Errors.Load(), Disconnected: t.Disconnected.Load(),
		Sent: t.Sent.Load(), SentBytes: t.SentBytes.Load(), Replies: t.Replies.Load(),
		RefusedFull: t.RefusedFull.Load(), RefusedDown: t.RefusedDown.Load(),
		Echoed: t.Echoed.Load(), EchoedBytes: t.EchoedBytes.Load(), WrittenOff: t.WrittenOff.Load(),
		UnsentBytes: t.UnsentBytes.Load(), Bursts: t.Bursts.Load(), Kicks: t.Kicks.Load(),
		Overlaps: t.Overlaps.Load(), Violations: t.Violations.Load(),
		ErrorKinds: t.ErrorKinds.Map(),
		ReconnectN: h.Count(), ReconnectP50: h.Quantile(0.5), ReconnectP99: h.Quantile(0.99), ReconnectMax: h.Max(),
		FirstViolations: t.FirstViolations(),
	}
}
