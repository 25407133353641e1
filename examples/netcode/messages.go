// Package netcode is what the arena game, its bots and its server share:
// the wire format, snapshot interpolation, and the client side of the
// connection (Queue mode, fixed-rate input, ping, reconnect).
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
	KindInput    byte = 1  // kind, seq u32, dx i8, dy i8
	KindPing     byte = 2  // kind, client time u64 (opaque to the server)
	KindWelcome  byte = 10 // kind, player id u16, tick rate u8, world width u16, world height u16
	KindSnapshot byte = 11 // kind, tick u32, count u16, count × (id u16, x u16, y u16, color u8)
	KindPong     byte = 12 // kind, the ping's 8 bytes, echoed
)

// Sizes of the fixed-size messages, and the bounds both sides enforce.
const (
	InputSize   = 7
	PingSize    = 9
	WelcomeSize = 8
	playerSize  = 7
	snapHeader  = 7

	// MaxClientMessage is the server's read limit: the largest client
	// message is a ping.
	MaxClientMessage = PingSize
	// MaxPlayers is the most players a room holds, so a snapshot has a
	// known largest size.
	MaxPlayers = 256
	// MaxServerMessage is a client's read limit: a full snapshot.
	MaxServerMessage = snapHeader + MaxPlayers*playerSize

	// MaxAxis is the largest |dx| or |dy| of an input: a direction of
	// length at most MaxAxis, in MaxAxis-ths of full speed.
	MaxAxis = 100
)

// World geometry, in world units (one unit is one screen pixel).
const (
	WorldWidth  = 640
	WorldHeight = 480
	// PlayerRadius is a player's size, which keeps it inside the world.
	PlayerRadius = 10
	// fixedScale turns world units into the wire's fixed point (1/8 unit).
	fixedScale = 8
)

// ErrMalformed is wrapped by every parse error.
var ErrMalformed = errors.New("malformed message")

// Input is what a client sends at a fixed rate: where it wants to go.
type Input struct {
	Seq    uint32
	DX, DY int8 // direction, each in [-MaxAxis, MaxAxis], length at most MaxAxis
}

// Player is one player in a snapshot.
type Player struct {
	ID    uint16
	X, Y  float32 // centre, in world units
	Color uint8   // index into the palette
}

// Snapshot is the state of a room at one server tick.
type Snapshot struct {
	Tick    uint32
	Players []Player
}

// Welcome tells a client who it is.
type Welcome struct {
	ID       uint16
	TickRate uint8
	W, H     uint16
}

// AppendInput appends the encoding of in to b.
func AppendInput(b []byte, in Input) []byte {
	b = append(b, KindInput)
	b = binary.LittleEndian.AppendUint32(b, in.Seq)
	return append(b, byte(in.DX), byte(in.DY))
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
	b = append(b, KindSnapshot)
	b = binary.LittleEndian.AppendUint32(b, s.Tick)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(s.Players)))
	for _, p := range s.Players {
		b = binary.LittleEndian.AppendUint16(b, p.ID)
		b = binary.LittleEndian.AppendUint16(b, toFixed(p.X))
		b = binary.LittleEndian.AppendUint16(b, toFixed(p.Y))
		b = append(b, p.Color)
	}
	return b
}

func toFixed(v float32) uint16 {
	return uint16(math.Round(float64(min(max(v, 0), 8000)) * fixedScale))
}

// ClientMessage is a parsed client message: Kind says which field is set.
type ClientMessage struct {
	Kind  byte
	Input Input
	Ping  uint64
}

// ParseClient parses and validates one client message.
func ParseClient(b []byte) (ClientMessage, error) {
	if len(b) == 0 {
		return ClientMessage{}, fmt.Errorf("%w: empty", ErrMalformed)
	}
	m := ClientMessage{Kind: b[0]}
	switch b[0] {
	case KindInput:
		if len(b) != InputSize {
			return m, fmt.Errorf("%w: input of %d bytes, want %d", ErrMalformed, len(b), InputSize)
		}
		m.Input = Input{Seq: binary.LittleEndian.Uint32(b[1:]), DX: int8(b[5]), DY: int8(b[6])}
		dx, dy := int(m.Input.DX), int(m.Input.DY)
		if dx*dx+dy*dy > MaxAxis*MaxAxis {
			return m, fmt.Errorf("%w: input direction (%d,%d) longer than %d", ErrMalformed, dx, dy, MaxAxis)
		}
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
		n := int(binary.LittleEndian.Uint16(b[5:]))
		if n > MaxPlayers || len(b) != snapHeader+n*playerSize {
			return m, fmt.Errorf("%w: snapshot of %d bytes for %d players", ErrMalformed, len(b), n)
		}
		m.Snapshot.Tick = binary.LittleEndian.Uint32(b[1:])
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
