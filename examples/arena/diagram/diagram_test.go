package main

import (
	"bytes"
	"image/png"
	"testing"
	"time"
)

// TestDiagram: the run the picture shows is the netcode's: your disc
// moves on the frame the key goes down, the server and the other game end
// where your game shows it, later, in that order; and it draws.
func TestDiagram(t *testing.T) {
	r := simulate(100*time.Millisecond, 30*time.Millisecond)
	moved := func(ps []point) time.Duration {
		for _, p := range ps {
			if p.x != r.start {
				return p.t
			}
		}
		return -1
	}
	last := func(ps []point) float32 { return ps[len(ps)-1].x }
	you, server, other := moved(r.shown), moved(r.server), moved(r.seen)
	if you != keyDown || server <= you || other <= server {
		t.Errorf("first moved at %v (yours), %v (server), %v (the other game); want %v, then later, then later still", you, server, other, keyDown)
	}
	if last(r.shown) != last(r.server) || last(r.seen) != last(r.shown) {
		t.Errorf("ends at %v (yours), %v (server), %v (the other game): want the same", last(r.shown), last(r.server), last(r.seen))
	}
	if len(r.inputs) == 0 || r.snapshots[len(r.snapshots)-1].label != r.inputs[len(r.inputs)-1].label {
		t.Errorf("the last snapshot acknowledges %q, the last input is %q", r.snapshots[len(r.snapshots)-1].label, r.inputs[len(r.inputs)-1].label)
	}
	var b bytes.Buffer
	if err := render(&b, r); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil || img.Bounds().Dx() != width || img.Bounds().Dy() != height {
		t.Fatalf("the picture: %v, %v", img.Bounds(), err)
	}
}
