package trend

import (
	"math"
	"math/rand/v2"
	"testing"
)

// series returns 360 samples 5 s apart (half an hour) of f(t) plus
// Gaussian noise of sd, from a fixed seed.
func series(seed uint64, sd float64, f func(t float64) float64) []Point {
	rng := rand.New(rand.NewPCG(seed, 1))
	ps := make([]Point, 360)
	for i := range ps {
		t := float64(i * 5)
		ps[i] = Point{t, f(t) + rng.NormFloat64()*sd}
	}
	return ps
}

const mib = 1 << 20

// What the detector must call a leak, and what it must not: each case on
// several seeds, with the floor and relative bound the soak uses for the
// heap (4 MiB, 10%).
func TestDetect(t *testing.T) {
	level := 60.0 * mib
	for _, tc := range []struct {
		name   string
		sd     float64
		f      func(t float64) float64
		rising bool
	}{
		{"flat with noise", 5 * mib, func(float64) float64 { return level }, false},
		{"sawtooth of the collector", 1 * mib, func(t float64) float64 { return level + math.Mod(t, 120)/120*20*mib }, false},
		{"a step, then flat", 2 * mib, func(t float64) float64 {
			if t > 400 {
				return level + 15*mib
			}
			return level
		}, false},
		{"warm-up that levels off", 2 * mib, func(t float64) float64 { return level + 20*mib*(1-math.Exp(-t/200)) }, false},
		{"slow growth within the bound", 1 * mib, func(t float64) float64 { return level + t/1800*3*mib }, false},
		{"a wandering level", 0, nil, false},
		{"a steady leak", 5 * mib, func(t float64) float64 { return level + t/1800*30*mib }, true},
		{"a leak that speeds up", 3 * mib, func(t float64) float64 { return level + (t/1800)*(t/1800)*40*mib }, true},
		{"a leak in steps", 2 * mib, func(t float64) float64 { return level + math.Floor(t/300)*5*mib }, true},
	} {
		for seed := uint64(1); seed <= 5; seed++ {
			var ps []Point
			if tc.f == nil { // a random walk that returns to its level
				rng := rand.New(rand.NewPCG(seed, 2))
				v := level
				for i := range 360 {
					v += rng.NormFloat64() * mib
					v -= (v - level) * 0.05
					ps = append(ps, Point{float64(i * 5), v})
				}
			} else {
				ps = series(seed, tc.sd, tc.f)
			}
			r := Detect(ps, 4*mib, 0.10)
			if r.Rising != tc.rising {
				t.Errorf("%s (seed %d): Rising %v, want %v: %s", tc.name, seed, r.Rising, tc.rising, r.Why)
			}
		}
	}
}

// A count (goroutines, js.Funcs) that climbs by one now and then is a
// leak; one that only wobbles around its level is not.
func TestDetectCounts(t *testing.T) {
	var leak, wobble []Point
	for i := range 200 {
		leak = append(leak, Point{float64(i * 5), float64(100 + i/10)})
		wobble = append(wobble, Point{float64(i * 5), float64(100 + i%3)})
	}
	if r := Detect(leak, 10, 0.05); !r.Rising {
		t.Errorf("a count climbing by 20: %s", r.Why)
	}
	if r := Detect(wobble, 10, 0.05); r.Rising {
		t.Errorf("a wobbling count: %s", r.Why)
	}
	if r := Detect(leak[:5], 10, 0.05); r.Rising {
		t.Errorf("5 samples made a trend: %s", r.Why)
	}
}

// thin keeps the shape of a long series: a leak over 6 hours of samples
// every 5 s is still one.
func TestDetectLongRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var ps []Point
	for i := range 6 * 720 {
		ps = append(ps, Point{float64(i * 5), 60*mib + float64(i)/4320*40*mib + rng.NormFloat64()*5*mib})
	}
	r := Detect(ps, 4*mib, 0.10)
	if !r.Rising || r.N != 600 {
		t.Errorf("6 hours, leaking 40 MiB: Rising %v from %d points: %s", r.Rising, r.N, r.Why)
	}
}
