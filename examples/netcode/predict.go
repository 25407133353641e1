package netcode

import (
	"math"
	"time"
)

// Smoothing of corrections: a correction up to SnapDistance pixels is
// shown as an offset that fades with time constant smoothTime (under 5%
// left after three of them); a larger one is taken at once.
const (
	SnapDistance = 2 * PlayerRadius
	smoothTime   = 50 * time.Millisecond
	// maxFrame is the most one frame's command lasts: after a stall the
	// player does not leap.
	maxFrame = 100 * time.Millisecond
)

// Predictor is client-side prediction and server reconciliation for this
// client's own player. Each frame's input moves the player at once (Input),
// as a command with a sequence number that the client sends and keeps
// until the server has applied it. Each snapshot (Reconcile) gives the
// server's position of the player after the commands it has applied; the
// prediction is that position with the commands still in flight replayed
// on top. It only differs from the previous prediction when the server
// did something the client could not foresee; that correction is
// smoothed away over a few frames, or taken at once when large.
type Predictor struct {
	ready   bool
	base    Pos      // the server's position in the newest snapshot
	pending []queued // commands after the server's Ack: sent ones, then unsent
	sent    int      // how many of pending are sent
	seq     uint32   // the last sequence number given
	pred    Pos      // base with pending replayed
	offX    float32  // what is shown minus pred, fading
	offY    float32
	moving  bool
	carry   time.Duration // frame time not yet turned into whole milliseconds

	// Corrections counts the snapshots that moved the prediction.
	Corrections int64
	// LastCorrection is the size of the last one, in pixels.
	LastCorrection float32
}

type queued struct {
	seq uint32
	Command
}

// Reset forgets everything (a new connection: the server starts over).
func (p *Predictor) Reset() {
	*p = Predictor{pending: p.pending[:0], Corrections: p.Corrections, LastCorrection: p.LastCorrection}
}

// Ready reports whether a snapshot has placed the player yet. Until then
// Input does nothing.
func (p *Predictor) Ready() bool { return p.ready }

// Input applies one frame: direction in held for dt. The player moves at
// once; the movement is added to the newest unsent command when it goes
// the same way, else it is a new command. The first frame of a move
// moves at least a millisecond, so that the player moves on the frame the
// key went down even when that frame came right after the previous one.
func (p *Predictor) Input(in Input, dt time.Duration) {
	if !p.ready {
		return
	}
	if in == (Input{}) {
		p.moving, p.carry = false, 0
		return
	}
	d := p.carry + min(dt, maxFrame)
	ms := int(d / time.Millisecond)
	p.carry = d - time.Duration(ms)*time.Millisecond
	if ms == 0 && !p.moving {
		ms, p.carry = 1, 0
	}
	p.moving = true
	for ms > 0 {
		n := len(p.pending)
		if n > p.sent && p.pending[n-1].Input == in && p.pending[n-1].MS < math.MaxUint8 {
			add := min(ms, math.MaxUint8-int(p.pending[n-1].MS))
			p.pending[n-1].MS += uint8(add)
			p.pred = Move(p.pred, in, add)
			ms -= add
			continue
		}
		p.seq++
		p.pending = append(p.pending, queued{p.seq, Command{in, 0}})
	}
}

// Unsent returns the next input message to send: the commands not sent
// yet, oldest first, at most MaxCommands of them, in cmds' storage. Once
// it is sent, Sent(len(in.Commands)) marks them sent.
func (p *Predictor) Unsent(cmds []Command) Inputs {
	q := p.pending[p.sent:]
	q = q[:min(len(q), MaxCommands)]
	in := Inputs{Commands: cmds[:0]}
	if len(q) > 0 {
		in.Seq = q[0].seq
	}
	for _, c := range q {
		in.Commands = append(in.Commands, c.Command)
	}
	return in
}

// Sent marks the first n unsent commands sent.
func (p *Predictor) Sent(n int) { p.sent += n }

// Reconcile takes the server's word from a snapshot: its position of the
// player after the commands up to s.Ack (and s.AckMS of the next). It
// drops those commands, replays the rest on top, and returns by how many
// pixels that moved the prediction (0 when the server did what the client
// foresaw).
func (p *Predictor) Reconcile(s *Snapshot) float32 {
	i := 0
	for i < len(p.pending) && p.pending[i].seq <= s.Ack {
		i++
	}
	p.pending = p.pending[:copy(p.pending, p.pending[i:])]
	p.sent = max(p.sent-i, 0)
	p.base = s.You
	pos := s.You
	for j, c := range p.pending {
		ms := int(c.MS)
		if j == 0 && c.seq == s.Ack+1 {
			ms -= min(int(s.AckMS), ms)
		}
		pos = Move(pos, c.Input, ms)
	}
	if !p.ready {
		p.ready, p.pred = true, pos
		return 0
	}
	ox, oy := p.pred.XY()
	nx, ny := pos.XY()
	p.pred = pos
	dx, dy := nx-ox, ny-oy
	if dx == 0 && dy == 0 {
		return 0
	}
	d := float32(math.Hypot(float64(dx), float64(dy)))
	p.Corrections++
	p.LastCorrection = d
	if d > SnapDistance {
		p.offX, p.offY = 0, 0
	} else {
		// Shown where it was: the offset takes the correction and fades.
		p.offX -= dx
		p.offY -= dy
	}
	return d
}

// Smooth fades the shown offset for a frame of dt.
func (p *Predictor) Smooth(dt time.Duration) {
	if p.offX == 0 && p.offY == 0 {
		return
	}
	k := float32(math.Exp(-float64(dt) / float64(smoothTime)))
	p.offX *= k
	p.offY *= k
	if p.offX*p.offX+p.offY*p.offY < 1e-6 {
		p.offX, p.offY = 0, 0
	}
}

// Shown is where to draw the player: the prediction plus what is left of
// the last corrections.
func (p *Predictor) Shown() (x, y float32) {
	x, y = p.pred.XY()
	return x + p.offX, y + p.offY
}

// Predicted is the predicted position, without smoothing.
func (p *Predictor) Predicted() Pos { return p.pred }

// Server is the server's position of the player in the newest snapshot.
func (p *Predictor) Server() Pos { return p.base }

// InFlight is how many commands the server has not applied in full yet.
func (p *Predictor) InFlight() int { return len(p.pending) }
