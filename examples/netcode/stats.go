package netcode

import (
	"slices"
	"time"
)

// Samples keeps durations (Dispatch time per frame) for percentiles: the
// newest Cap of them, in a ring. The zero Samples keeps 4096.
type Samples struct {
	Cap  int
	ring []time.Duration
	next int
	n    int64
}

// Add records d.
func (s *Samples) Add(d time.Duration) {
	if s.Cap == 0 {
		s.Cap = 4096
	}
	s.n++
	if len(s.ring) < s.Cap {
		s.ring = append(s.ring, d)
		return
	}
	s.ring[s.next] = d
	s.next = (s.next + 1) % s.Cap
}

// Count returns how many durations were ever added.
func (s *Samples) Count() int64 { return s.n }

// Reset forgets every sample.
func (s *Samples) Reset() { s.ring, s.next, s.n = s.ring[:0], 0, 0 }

// Values returns a copy of the kept samples.
func (s *Samples) Values() []time.Duration { return slices.Clone(s.ring) }

// Percentile returns the p-th percentile (0–100) of ds, which it sorts.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(float64(len(ds)-1) * p / 100)
	return ds[i]
}
