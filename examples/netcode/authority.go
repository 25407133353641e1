package netcode

import (
	"fmt"
	"time"
)

// MaxBacklog is the most command time a client may have waiting at the
// server. Commands are applied at the pace of the server's ticks, that is
// of real time, so a client this far ahead claims more time than has
// passed (a speed hack, or a bug).
const MaxBacklog = time.Second

// Authority is the server's side of one player's prediction: the player's
// authoritative position, and the commands received that the server has
// not applied in full yet. The server applies them at the pace of its
// ticks, not as they arrive (Apply): they arrive in bursts, and applied at
// once they would move the player in jerks. The snapshots tell the client
// how far it got (Ack).
type Authority struct {
	Pos     Pos
	cmds    []Command // oldest first; cmds[0] is number ack+1
	applied int       // milliseconds of cmds[0] applied
	queued  int       // milliseconds in cmds, less applied
	last    uint32    // the last command received
	ack     uint32    // the last command applied in full
}

// Add queues the commands of one input message. They must be numbered
// from 1 on without a gap, and leave at most MaxBacklog waiting; the error
// says what was wrong.
func (a *Authority) Add(in Inputs) error {
	if in.Seq != a.last+1 {
		return fmt.Errorf("input %d after %d: commands are numbered from 1 without a gap", in.Seq, a.last)
	}
	for _, c := range in.Commands {
		a.cmds = append(a.cmds, c)
		a.queued += int(c.MS)
	}
	a.last = in.Seq + uint32(len(in.Commands)) - 1
	if a.queued > int(MaxBacklog/time.Millisecond) {
		return fmt.Errorf("%d ms of input waiting: more than real time allows", a.queued)
	}
	return nil
}

// Apply moves the player through ms milliseconds of its commands, oldest
// first, splitting the last one when ms ends inside it (Move makes that
// exact).
func (a *Authority) Apply(ms int) {
	for ms > 0 && len(a.cmds) > 0 {
		c := a.cmds[0]
		m := min(int(c.MS)-a.applied, ms)
		a.Pos = Move(a.Pos, c.Input, m)
		ms -= m
		a.queued -= m
		a.applied += m
		if a.applied == int(c.MS) {
			a.ack++
			a.applied = 0
			a.cmds = a.cmds[:copy(a.cmds, a.cmds[1:])]
		}
	}
}

// Queued is how much command time waits.
func (a *Authority) Queued() time.Duration { return time.Duration(a.queued) * time.Millisecond }

// Own is this player's part of a snapshot: how far the server got through
// its commands, and where that put it.
func (a *Authority) Own() (ack uint32, ackMS uint8, you Pos) {
	return a.ack, uint8(a.applied), a.Pos
}
