package feel

import (
	"math"
	"testing"
	"time"

	"github.com/hybridws/websocket/examples/netcode"
)

// TestCircling: a path around the circle has no step backward; a step
// back, a frame standing still and a jump are each seen.
func TestCircling(t *testing.T) {
	var s []Sample
	for i := range 60 {
		a := float64(i) * 0.02 // 160 px/s on the circle at 60 frames a second: 1/75 rad a frame
		s = append(s, Sample{T: time.Duration(i) * time.Second / 60, X: CX + Radius*float32(math.Cos(a)), Y: CY + Radius*float32(math.Sin(a))})
	}
	m := Circling(s)
	if m.Backward != 0 || m.Still != 0 || math.Abs(m.Mean-Radius*0.02*60) > 1 {
		t.Errorf("a steady path: %v", m)
	}
	bad := append([]Sample(nil), s...)
	bad[30].X, bad[30].Y = bad[28].X, bad[28].Y // back two frames, then on
	bad[40] = Sample{T: bad[40].T, X: bad[39].X, Y: bad[39].Y}
	bad[59].X, bad[59].Y = CX+Radius*float32(math.Cos(1.5)), CY+Radius*float32(math.Sin(1.5)) // a jump ahead
	if m := Circling(bad); m.Backward != 1 || m.Still != 1 || m.Fastest < 4*Radius*0.02*60 {
		t.Errorf("a step back, a frame still and a jump: %v", m)
	}
}

// TestSteer: from anywhere in the world, the input is a legal one that
// goes around the circle (clockwise on screen).
func TestSteer(t *testing.T) {
	for x := float32(netcode.PlayerRadius); x <= netcode.WorldWidth-netcode.PlayerRadius; x += 37 {
		for y := float32(netcode.PlayerRadius); y <= netcode.WorldHeight-netcode.PlayerRadius; y += 29 {
			in := Steer(x, y)
			dx, dy := int(in.DX), int(in.DY)
			if dx*dx+dy*dy > netcode.MaxAxis*netcode.MaxAxis || dx*dx+dy*dy < 90*90 {
				t.Fatalf("at (%v,%v): input %v, want full speed and no more", x, y, in)
			}
			if around := float64(x-CX)*float64(dy) - float64(y-CY)*float64(dx); around <= 0 {
				t.Fatalf("at (%v,%v): input %v does not go around", x, y, in)
			}
		}
	}
}
