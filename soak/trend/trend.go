// Package trend tells a sustained upward trend (a leak) in a series of
// samples taken over a soak from the noise around a flat level: heap
// that rises and falls with the traffic, a step when a cache fills up, a
// sawtooth from the garbage collector.
package trend

import (
	"fmt"
	"math"
	"slices"
)

// Point is one sample: T seconds into the run, value V.
type Point struct{ T, V float64 }

// Result is what Detect found.
type Result struct {
	N         int     // samples
	Median    float64 // their median level
	Slope     float64 // per second, Theil–Sen over the whole series
	LateSlope float64 // per second, Theil–Sen over its second half
	Growth    float64 // Slope × the series' span
	Z         float64 // the Mann–Kendall statistic: > 2.33 is an upward trend at p < 0.01 for independent samples
	Rising    bool    // a sustained upward trend: the verdict
	Why       string  // why Rising is what it is
}

// Detect decides whether ps rises in a sustained way. All three must
// hold:
//   - the values rise more often than not, beyond chance (Mann–Kendall
//     Z > 2.33);
//   - the rise over the whole span (Theil–Sen slope × span, robust to
//     outliers and to the sawtooth) passes both floor and rel × the
//     median level, so that a rise too small to matter is not a leak;
//   - it is still rising in the second half at at least half that rate,
//     so that a level that grew and then stayed (warm-up, a step) is not
//     a leak.
//
// Samples must be in time order; fewer than 8 never make a trend.
func Detect(ps []Point, floor, rel float64) Result {
	ps = thin(ps, 600)
	r := Result{N: len(ps)}
	if len(ps) < 8 {
		r.Why = "too few samples"
		return r
	}
	vs := make([]float64, len(ps))
	for i, p := range ps {
		vs[i] = p.V
	}
	r.Median = median(vs)
	span := ps[len(ps)-1].T - ps[0].T
	r.Slope = theilSen(ps)
	r.LateSlope = theilSen(ps[len(ps)/2:])
	r.Growth = r.Slope * span
	r.Z = mannKendall(vs)
	limit := max(floor, rel*r.Median)
	switch {
	case r.Z <= 2.33:
		r.Why = fmt.Sprintf("no significant upward trend (Mann–Kendall Z %.2f ≤ 2.33)", r.Z)
	case r.Growth <= limit:
		r.Why = fmt.Sprintf("it rose by %.4g over the run, within the %.4g allowed", r.Growth, limit)
	case r.LateSlope < r.Slope/2:
		r.Why = fmt.Sprintf("it rose, then levelled off (second half's slope %.3g/s, under half the whole's %.3g/s)", r.LateSlope, r.Slope)
	default:
		r.Rising = true
		r.Why = fmt.Sprintf("it rose by %.4g (over the %.4g allowed), at %.3g/s, still %.3g/s in the second half (Z %.2f)", r.Growth, limit, r.Slope, r.LateSlope, r.Z)
	}
	return r
}

// thin keeps at most n points, each the median of its stretch, so that the
// quadratic estimators stay cheap on a run of hours.
func thin(ps []Point, n int) []Point {
	if len(ps) <= n {
		return ps
	}
	out := make([]Point, 0, n)
	for i := range n {
		lo, hi := i*len(ps)/n, (i+1)*len(ps)/n
		ts, vs := make([]float64, 0, hi-lo), make([]float64, 0, hi-lo)
		for _, p := range ps[lo:hi] {
			ts, vs = append(ts, p.T), append(vs, p.V)
		}
		out = append(out, Point{median(ts), median(vs)})
	}
	return out
}

// theilSen returns the median of the slopes between every pair of points.
func theilSen(ps []Point) float64 {
	var slopes []float64
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if dt := ps[j].T - ps[i].T; dt > 0 {
				slopes = append(slopes, (ps[j].V-ps[i].V)/dt)
			}
		}
	}
	if len(slopes) == 0 {
		return 0
	}
	return median(slopes)
}

// mannKendall returns the Mann–Kendall Z of vs (ties count as neither).
func mannKendall(vs []float64) float64 {
	n := float64(len(vs))
	s := 0.0
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			switch {
			case vs[j] > vs[i]:
				s++
			case vs[j] < vs[i]:
				s--
			}
		}
	}
	sd := math.Sqrt(n * (n - 1) * (2*n + 5) / 18)
	switch {
	case s > 0:
		return (s - 1) / sd
	case s < 0:
		return (s + 1) / sd
	}
	return 0
}

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
