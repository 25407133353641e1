// Package netcode is what the arena game, its bots and its server share:
// the wire format, the movement rule (Move: integer arithmetic, the same on
// every machine), client-side prediction and server reconciliation for a
// client's own player (Predictor, and the server's half, Authority),
// interpolation of everyone else with a measured delay (Interpolator), and
// the client side of the connection (Client: Queue mode, numbered inputs,
// ping, reconnect; Meter times it for benchmarks).
//
// Every message is one binary WebSocket message, little-endian, whose first
// byte is its kind. Anything else (a text message, an unknown kind, a wrong
// length, a value out of range) is a malformed message: the server closes
// that client with ClosePolicyViolation (1008), a client drops the
// connection; both log it.
package netcode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Message kinds. Client to server: KindInput, KindPing. Server to client:
// KindWelcome, KindSnapshot, KindPong.
const (
	KindInput    byte = 1  // kind, seq u32, count u8, count × (dx i8, dy i8, ms u8): commands seq, seq+1, ...
	KindPing     byte = 2  // kind, client time u64 (opaque to the server)
	KindWelcome  byte = 10 // kind, player id u16, tick rate u8, world width u16, world height u16
	KindSnapshot byte = 11 // kind, tick u32, ack u32, ack ms u8, your x i32, your y i32, count u16, count × (id u16, x u16, y u16, color u8)
	KindPong     byte = 12 // kind, the ping's 8 bytes, echoed
)

// Sizes of the fixed-size messages and parts, and the bounds both sides
// enforce.
const (
	inputHeader = 6
	commandSize = 3
	PingSize    = 9
	WelcomeSize = 8
	playerSize  = 7
	snapHeader  = 20

	// MaxCommands is the most commands one input message carries.
	MaxCommands = 16
	// MaxClientMessage is the server's read limit: an input message with
	// MaxCommands commands.
	MaxClientMessage = inputHeader + MaxCommands*commandSize
	// MaxPlayers is the most players a room holds, so a snapshot has a
	// known largest size.
	MaxPlayers = 256
	// MaxServerMessage is a client's read limit: a full snapshot.
	MaxServerMessage = snapHeader + MaxPlayers*playerSize

	// MaxAxis is the largest |dx| or |dy| of an input: a direction of
	// length at most MaxAxis, in MaxAxis-ths of full speed.
	MaxAxis = 100
)

// World geometry, in pixels.
const (
	WorldWidth  = 640
	WorldHeight = 480
	// PlayerRadius is a player's size, which keeps it inside the world.
	PlayerRadius = 10
	// fixedScale turns pixels into the wire's fixed point for other
	// players (1/8 pixel); a client's own position goes in Sub units.
	fixedScale = 8
)

// ErrMalformed is wrapped by every parse error.
var ErrMalformed = errors.New("malformed message")

// Input is where a player wants to go: a direction, each axis in
// [-MaxAxis, MaxAxis], of length at most MaxAxis. The zero Input stands
// still.
type Input struct {
	DX, DY int8
}

// Command is an Input held for MS milliseconds (1 to 255): what a client
// sends, numbered, and what the server applies.
type Command struct {
	Input
	MS uint8
}

// Inputs is one input message: commands numbered Seq, Seq+1, ...
type Inputs struct {
	Seq      uint32
	Commands []Command
}

// Player is one player in a snapshot.
type Player struct {
	ID    uint16
	X, Y  float32 // centre, in pixels
	Color uint8   // index into the palette
}

// Snapshot is the state of a room at one server tick, as one client gets
// it: everyone in Players (to 1/8 pixel), and this client's own player
// exactly, with how far the server got through its commands.
type Snapshot struct {
	Tick uint32
	// Ack is the last of this client's commands the server has applied
	// in full, 0 for none yet; AckMS is how many milliseconds of the next
	// one it has applied too (it applies a command across ticks).
	Ack   uint32
	AckMS uint8
	// You is this client's player after those commands.
	You     Pos
	Players []Player
}

// Welcome tells a client who it is.
type Welcome struct {
	ID       uint16
	TickRate uint8
	W, H     uint16
}

// AppendInputs appends the encoding of in to b. It panics on no commands
// or more than MaxCommands: the client never sends such a message.
func AppendInputs(b []byte, in Inputs) []byte {
	if n := len(in.Commands); n == 0 || n > MaxCommands {
		panic(fmt.Sprintf("netcode: an input message of %d commands", n))
	}
	b = append(b, KindInput)
	b = binary.LittleEndian.AppendUint32(b, in.Seq)
	b = append(b, byte(len(in.Commands)))
	for _, c := range in.Commands {
		b = append(b, byte(c.DX), byte(c.DY), c.MS)
	}
	return b
}

// AppendPing appends a ping carrying t to b.
func AppendPing(b []byte, t uint64) []byte {
	return binary.LittleEndian.AppendUint64(append(b, KindPing), t)
}

// AppendPong appends the answer to the ping p (a whole ping message) to b.
func AppendPong(b []byte, p []byte) []byte {
	return append(append(b, KindPong), p[1:PingSize]...)
}

// AppendWelcome appends the encoding of w to b.
func AppendWelcome(b []byte, w Welcome) []byte {
	b = append(b, KindWelcome)
	b = binary.LittleEndian.AppendUint16(b, w.ID)
	b = append(b, w.TickRate)
	b = binary.LittleEndian.AppendUint16(b, w.W)
	return binary.LittleEndian.AppendUint16(b, w.H)
}

// AppendSnapshot appends the encoding of s to b. It panics on more than
// MaxPlayers players: the server never builds such a room.
func AppendSnapshot(b []byte, s Snapshot) []byte {
	if len(s.Players) > MaxPlayers {
		panic(fmt.Sprintf("netcode: snapshot of %d players, more than %d", len(s.Players), MaxPlayers))
	}
	start := len(b)
	b = append(b, KindSnapshot)
	b = binary.LittleEndian.AppendUint32(b, s.Tick)
	b = append(b, make([]byte, 13)...) // ack, ack ms, you
	SetSnapshotOwn(b[start:], s.Ack, s.AckMS, s.You)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(s.Players)))
	for _, p := range s.Players {
		b = binary.LittleEndian.AppendUint16(b, p.ID)
		b = binary.LittleEndian.AppendUint16(b, toFixed(p.X))
		b = binary.LittleEndian.AppendUint16(b, toFixed(p.Y))
		b = append(b, p.Color)
	}
	return b
}

// SetSnapshotOwn writes one client's part of a snapshot (Ack, AckMS, You)
// into msg, an encoded snapshot: the server encodes the room once a tick
// and sets this in each client's copy.
func SetSnapshotOwn(msg []byte, ack uint32, ackMS uint8, you Pos) {
	binary.LittleEndian.PutUint32(msg[5:], ack)
	msg[9] = ackMS
	binary.LittleEndian.PutUint32(msg[10:], uint32(you.X))
	binary.LittleEndian.PutUint32(msg[14:], uint32(you.Y))
}

func toFixed(v float32) uint16 {
	return uint16(math.Round(float64(min(max(v, 0), 8000)) * fixedScale))
}

// ClientMessage is a parsed client message: Kind says which field is set.
type ClientMessage struct {
	Kind   byte
	Inputs Inputs
	Ping   uint64
}

// ParseClient parses and validates one client message. Inputs.Commands
// reuses cmds' storage when it is large enough.
func ParseClient(b []byte, cmds []Command) (ClientMessage, error) {
	if len(b) == 0 {
		return ClientMessage{}, fmt.Errorf("%w: empty", ErrMalformed)
	}
	m := ClientMessage{Kind: b[0]}
	switch b[0] {
	case KindInput:
		if len(b) < inputHeader {
			return m, fmt.Errorf("%w: input of %d bytes, shorter than its header", ErrMalformed, len(b))
		}
		n := int(b[5])
		if n == 0 || n > MaxCommands {
			return m, fmt.Errorf("%w: input of %d commands, want 1 to %d", ErrMalformed, n, MaxCommands)
		}
		if len(b) != inputHeader+n*commandSize {
			return m, fmt.Errorf("%w: input of %d bytes for %d commands, want %d", ErrMalformed, len(b), n, inputHeader+n*commandSize)
		}
		m.Inputs.Seq = binary.LittleEndian.Uint32(b[1:])
		cmds = cmds[:0]
		for i := range n {
			p := b[inputHeader+i*commandSize:]
			c := Command{Input{int8(p[0]), int8(p[1])}, p[2]}
			if dx, dy := int(c.DX), int(c.DY); dx*dx+dy*dy > MaxAxis*MaxAxis {
				return m, fmt.Errorf("%w: input direction (%d,%d) longer than %d", ErrMalformed, dx, dy, MaxAxis)
			}
			if c.MS == 0 {
				return m, fmt.Errorf("%w: a command of 0 ms", ErrMalformed)
			}
			cmds = append(cmds, c)
		}
		m.Inputs.Commands = cmds
	case KindPing:
		if len(b) != PingSize {
			return m, fmt.Errorf("%w: ping of %d bytes, want %d", ErrMalformed, len(b), PingSize)
		}
		m.Ping = binary.LittleEndian.Uint64(b[1:])
	default:
		return m, fmt.Errorf("%w: unknown kind %d from a client", ErrMalformed, b[0])
	}
	return m, nil
}

// ServerMessage is a parsed server message: Kind says which field is set.
type ServerMessage struct {
	Kind     byte
	Welcome  Welcome
	Snapshot Snapshot
	Pong     uint64
}

// ParseServer parses and validates one server message. The snapshot's
// Players slice reuses players' storage when it is large enough.
func ParseServer(b []byte, players []Player) (ServerMessage, error) {
	if len(b) == 0 {
		return ServerMessage{}, fmt.Errorf("%w: empty", ErrMalformed)
	}
	m := ServerMessage{Kind: b[0]}
	switch b[0] {
	case KindWelcome:
		if len(b) != WelcomeSize {
			return m, fmt.Errorf("%w: welcome of %d bytes, want %d", ErrMalformed, len(b), WelcomeSize)
		}
		m.Welcome = Welcome{
			ID:       binary.LittleEndian.Uint16(b[1:]),
			TickRate: b[3],
			W:        binary.LittleEndian.Uint16(b[4:]),
			H:        binary.LittleEndian.Uint16(b[6:]),
		}
		if m.Welcome.TickRate == 0 {
			return m, fmt.Errorf("%w: welcome with tick rate 0", ErrMalformed)
		}
	case KindPong:
		if len(b) != PingSize {
			return m, fmt.Errorf("%w: pong of %d bytes, want %d", ErrMalformed, len(b), PingSize)
		}
		m.Pong = binary.LittleEndian.Uint64(b[1:])
	case KindSnapshot:
		if len(b) < snapHeader {
			return m, fmt.Errorf("%w: snapshot of %d bytes, shorter than its header", ErrMalformed, len(b))
		}
		n := int(binary.LittleEndian.Uint16(b[18:]))
		if n > MaxPlayers || len(b) != snapHeader+n*playerSize {
			return m, fmt.Errorf("%w: snapshot of %d bytes for %d players", ErrMalformed, len(b), n)
		}
		s := &m.Snapshot
		s.Tick = binary.LittleEndian.Uint32(b[1:])
		s.Ack = binary.LittleEndian.Uint32(b[5:])
		s.AckMS = b[9]
		s.You = Pos{int32(binary.LittleEndian.Uint32(b[10:])), int32(binary.LittleEndian.Uint32(b[14:]))}
		if s.You.X < minPos || s.You.X > maxPosX || s.You.Y < minPos || s.You.Y > maxPosY {
			x, y := s.You.XY()
			return m, fmt.Errorf("%w: snapshot puts you at (%v,%v), outside the world", ErrMalformed, x, y)
		}
		players = players[:0]
		for i := range n {
			p := b[snapHeader+i*playerSize:]
			players = append(players, Player{
				ID:    binary.LittleEndian.Uint16(p),
				X:     float32(binary.LittleEndian.Uint16(p[2:])) / fixedScale,
				Y:     float32(binary.LittleEndian.Uint16(p[4:])) / fixedScale,
				Color: p[6],
			})
		}
		m.Snapshot.Players = players
	default:
		return m, fmt.Errorf("%w: unknown kind %d from the server", ErrMalformed, b[0])
	}
	return m, nil
}
