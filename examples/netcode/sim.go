package netcode

// The movement rule, shared by the server (which is the authority) and
// the client (which predicts its own player with it). It is integer
// arithmetic, so both sides compute the same position to the last unit on
// every machine, in the browser too: a prediction that replays the
// commands the server has not applied yet on top of the server's position
// lands exactly where the server will, and any difference is a real
// correction.
const (
	// Speed is how far a player at full input moves in a second, in
	// pixels.
	Speed = 160
	// Sub is how many position units make a pixel: fine enough that a
	// millisecond at full speed is a whole number of units.
	Sub = 10000
	// step is how many units one millisecond moves a player per unit of
	// input direction (MaxAxis is full speed).
	step = Speed * Sub / (MaxAxis * 1000)
)

// A compile-time check that step is exact: the index is 0 only then.
var _ = [1]struct{}{}[Speed*Sub%(MaxAxis*1000)]

// Pos is a player's centre in Sub units.
type Pos struct{ X, Y int32 }

// PosOf returns the position of the pixel coordinates (x, y), rounded to
// the nearest unit.
func PosOf(x, y float64) Pos {
	return Pos{int32(x*Sub + 0.5), int32(y*Sub + 0.5)}
}

// XY returns p in pixels.
func (p Pos) XY() (x, y float32) { return float32(p.X) / Sub, float32(p.Y) / Sub }

// The world's inner bounds for a player's centre, in units.
const (
	minPos  = PlayerRadius * Sub
	maxPosX = (WorldWidth - PlayerRadius) * Sub
	maxPosY = (WorldHeight - PlayerRadius) * Sub
)

// Move returns p moved in direction in for ms milliseconds, kept inside
// the world. Moving a and then b milliseconds in one direction ends where
// moving a+b does (each axis only ever goes one way and stops at the
// wall), so the server may apply a command in parts across its ticks and
// still agree with the client, which applied it whole.
func Move(p Pos, in Input, ms int) Pos {
	d := int32(ms) * step
	p.X = min(max(p.X+int32(in.DX)*d, minPos), maxPosX)
	p.Y = min(max(p.Y+int32(in.DY)*d, minPos), maxPosY)
	return p
}
