package netcode

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

const frame = time.Second / 60

func ready(at Pos) *Predictor {
	p := &Predictor{}
	p.Reconcile(&Snapshot{You: at})
	return p
}

func dist(p *Predictor, x, y float32) float64 {
	sx, sy := p.Shown()
	return math.Hypot(float64(sx-x), float64(sy-y))
}

// TestPredictionMovesAtOnce: an input moves the player on the frame it is
// applied, by what the server will move it; standing still does not move
// it; nothing moves before the first snapshot placed the player.
func TestPredictionMovesAtOnce(t *testing.T) {
	var p Predictor
	p.Input(Input{DX: MaxAxis}, frame)
	if p.Ready() || p.InFlight() != 0 {
		t.Fatal("input before the first snapshot was kept")
	}
	p = *ready(PosOf(100, 100))
	p.Input(Input{}, frame)
	if x, y := p.Shown(); x != 100 || y != 100 {
		t.Errorf("standing still: (%v,%v)", x, y)
	}
	p.Input(Input{DX: MaxAxis}, 16*time.Millisecond)
	if x, _ := p.Shown(); x != 100+16*Speed/1000.0 {
		t.Errorf("16 ms to the right: x=%v, want %v", x, 100+16*Speed/1000.0)
	}
	// A key pressed on a frame that follows the previous one at once still
	// moves the player on that frame.
	q := ready(PosOf(100, 100))
	q.Input(Input{DY: MaxAxis}, 0)
	if _, y := q.Shown(); y <= 100 {
		t.Errorf("the first frame of a move, 0 s after the last: y=%v, want below 100", y)
	}
	// Frames of one direction make one command until it is sent or full.
	for range 20 {
		p.Input(Input{DX: MaxAxis}, frame)
	}
	if n := len(p.Unsent(nil).Commands); n != 2 {
		t.Errorf("21 frames of one direction (16 ms + 20 x 16.7 ms) make %d commands, want 2 (255 ms, then the rest)", n)
	}
}

// TestReconcileExact: a client that changes direction at random, sends
// every third frame, and gets snapshots of an Authority that applies its
// commands in 50 ms ticks (splitting them), answered late by a random
// number of frames: every snapshot agrees with the prediction (not one
// correction), and once the server has everything it is exactly where the
// client showed the player all along.
func TestReconcileExact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	srv := &Authority{Pos: PosOf(320, 240)}
	p := ready(srv.Pos)
	tick := func() Snapshot {
		srv.Apply(50)
		ack, ackMS, you := srv.Own()
		return Snapshot{Ack: ack, AckMS: ackMS, You: you}
	}
	var inFlight []Snapshot // snapshots on their way, oldest first
	in := Input{}
	for f := range 3000 {
		if r.IntN(30) == 0 {
			a := r.Float64() * 2 * math.Pi
			in = Input{int8(math.Cos(a) * 99), int8(math.Sin(a) * 99)}
			if r.IntN(4) == 0 {
				in = Input{}
			}
		}
		if f >= 2700 {
			in = Input{} // stop, and let the server catch up
		}
		p.Input(in, frame+time.Duration(r.IntN(3))*time.Millisecond)
		if f%3 == 0 {
			if in := p.Unsent(nil); len(in.Commands) > 0 {
				if err := srv.Add(in); err != nil {
					t.Fatal(err)
				}
				p.Sent(len(in.Commands))
			}
			inFlight = append(inFlight, tick())
		}
		for len(inFlight) > 0 && r.IntN(3) == 0 {
			if d := p.Reconcile(&inFlight[0]); d != 0 {
				t.Fatalf("frame %d: a correction of %v px", f, d)
			}
			inFlight = inFlight[1:]
		}
	}
	for _, s := range inFlight {
		p.Reconcile(&s)
	}
	if p.Corrections != 0 || p.Predicted() != srv.Pos || p.InFlight() != 0 {
		t.Errorf("%d corrections; predicted %v, server %v; %d commands in flight", p.Corrections, p.Predicted(), srv.Pos, p.InFlight())
	}
}

// TestCorrectionSmoothed: when the server moves the player by itself, a
// small correction fades over a few frames without a jump; a large one is
// taken at once.
func TestCorrectionSmoothed(t *testing.T) {
	p := ready(PosOf(300, 300))
	if d := p.Reconcile(&Snapshot{You: PosOf(306, 300)}); d != 6 {
		t.Fatalf("a 6 px shove: correction %v", d)
	}
	if d := dist(p, 300, 300); d != 0 {
		t.Errorf("shown %v px from where it was on the frame of the correction, want 0", d)
	}
	var steps []float64
	x0, _ := p.Shown()
	for range 20 {
		p.Smooth(frame)
		x, _ := p.Shown()
		steps = append(steps, float64(x-x0))
		x0 = x
	}
	if steps[0] > 2 || steps[0] <= 0 {
		t.Errorf("first frame moved %v px of the 6, want a part of it", steps[0])
	}
	if d := dist(p, 306, 300); d > 0.01 {
		t.Errorf("%v px from the server after 20 frames", d)
	}
	t.Logf("a 6 px correction, shown frame by frame: %.2f", steps)
	if d := p.Reconcile(&Snapshot{You: PosOf(306, 200)}); d != 100 || dist(p, 306, 200) != 0 {
		t.Errorf("a 100 px shove: correction %v, shown %v px away, want taken at once", d, dist(p, 306, 200))
	}
	if p.Corrections != 2 || p.LastCorrection != 100 {
		t.Errorf("%d corrections, last %v px", p.Corrections, p.LastCorrection)
	}
}

// TestAuthority: commands numbered from 1 without a gap, at most
// MaxBacklog waiting; Apply splits a command across ticks and Own says
// how far it got.
func TestAuthority(t *testing.T) {
	a := &Authority{Pos: PosOf(100, 100)}
	right := Command{Input{DX: MaxAxis}, 100}
	if err := a.Add(Inputs{Seq: 2, Commands: []Command{right}}); err == nil || !strings.Contains(err.Error(), "input 2 after 0") {
		t.Errorf("a first command numbered 2: %v", err)
	}
	if err := a.Add(Inputs{Seq: 1, Commands: []Command{right, right}}); err != nil {
		t.Fatal(err)
	}
	a.Apply(150)
	if ack, ackMS, you := a.Own(); ack != 1 || ackMS != 50 || you != PosOf(100+0.15*Speed, 100) || a.Queued() != 50*time.Millisecond {
		t.Errorf("150 ms into two commands of 100: ack %d+%d ms at %v, %v queued", ack, ackMS, you, a.Queued())
	}
	a.Apply(500)
	if ack, ackMS, _ := a.Own(); ack != 2 || ackMS != 0 || a.Queued() != 0 {
		t.Errorf("after all: ack %d+%d ms, %v queued", ack, ackMS, a.Queued())
	}
	many := make([]Command, 4)
	for i := range many {
		many[i] = Command{Input{DX: 1}, 255}
	}
	if err := a.Add(Inputs{Seq: 3, Commands: many}); err == nil || !strings.Contains(err.Error(), "1020 ms of input waiting") {
		t.Errorf("1020 ms at once: %v", err)
	}
}
