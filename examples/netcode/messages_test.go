package netcode

import (
	"errors"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	in := Inputs{Seq: 7, Commands: []Command{{Input{-70, 70}, 16}, {Input{100, 0}, 255}}}
	m, err := ParseClient(AppendInputs(nil, in), nil)
	if err != nil || m.Kind != KindInput || m.Inputs.Seq != 7 || len(m.Inputs.Commands) != 2 ||
		m.Inputs.Commands[0] != in.Commands[0] || m.Inputs.Commands[1] != in.Commands[1] {
		t.Errorf("input: %+v, %v", m, err)
	}
	m, err = ParseClient(AppendPing(nil, 1<<40+5), nil)
	if err != nil || m.Kind != KindPing || m.Ping != 1<<40+5 {
		t.Errorf("ping: %+v, %v", m, err)
	}
	s, err := ParseServer(AppendPong(nil, AppendPing(nil, 99)), nil)
	if err != nil || s.Kind != KindPong || s.Pong != 99 {
		t.Errorf("pong: %+v, %v", s, err)
	}
	w := Welcome{ID: 513, TickRate: 20, W: WorldWidth, H: WorldHeight}
	s, err = ParseServer(AppendWelcome(nil, w), nil)
	if err != nil || s.Welcome != w {
		t.Errorf("welcome: %+v, %v", s, err)
	}
	snap := Snapshot{Tick: 1234567, Ack: 1 << 30, AckMS: 17, You: Pos{123456, 4567891},
		Players: []Player{{ID: 1, X: 10, Y: 470, Color: 3}, {ID: 300, X: 320.125, Y: 0.5, Color: 11}}}
	b := AppendSnapshot(nil, snap)
	if len(b) != snapHeader+2*playerSize {
		t.Errorf("snapshot of 2 players is %d bytes", len(b))
	}
	s, err = ParseServer(b, nil)
	if err != nil || s.Snapshot.Tick != snap.Tick || s.Snapshot.Ack != snap.Ack || s.Snapshot.AckMS != snap.AckMS ||
		s.Snapshot.You != snap.You || len(s.Snapshot.Players) != 2 {
		t.Fatalf("snapshot: %+v, %v", s, err)
	}
	// The server sets each client's own part in its copy.
	SetSnapshotOwn(b, 5, 6, Pos{200000, 300000})
	if s, err := ParseServer(b, nil); err != nil || s.Snapshot.Ack != 5 || s.Snapshot.AckMS != 6 || s.Snapshot.You != (Pos{200000, 300000}) {
		t.Errorf("after SetSnapshotOwn: %+v, %v", s.Snapshot, err)
	}
	for i, p := range s.Snapshot.Players {
		if p != snap.Players[i] {
			t.Errorf("player %d: %+v, want %+v", i, p, snap.Players[i])
		}
	}
	full := make([]Player, MaxPlayers)
	if n := len(AppendSnapshot(nil, Snapshot{Players: full})); n != MaxServerMessage {
		t.Errorf("a full snapshot is %d bytes, MaxServerMessage %d", n, MaxServerMessage)
	}
	if n := len(AppendInputs(nil, Inputs{Commands: make([]Command, MaxCommands)})); n != MaxClientMessage {
		t.Errorf("a full input message is %d bytes, MaxClientMessage %d", n, MaxClientMessage)
	}
}

func TestMalformed(t *testing.T) {
	client := map[string][]byte{
		"empty":               nil,
		"unknown kind":        {0},
		"short input":         {KindInput},
		"no commands":         {KindInput, 1, 0, 0, 0, 0},
		"17 commands":         append([]byte{KindInput, 1, 0, 0, 0, 17}, make([]byte, 17*3)...),
		"count past the end":  {KindInput, 1, 0, 0, 0, 2, 1, 1, 1},
		"bytes past the end":  {KindInput, 1, 0, 0, 0, 1, 1, 1, 1, 0},
		"too fast":            {KindInput, 1, 0, 0, 0, 1, 100, 1, 5},
		"most negative":       {KindInput, 1, 0, 0, 0, 1, 0x80, 0, 5},
		"0 ms":                {KindInput, 1, 0, 0, 0, 1, 1, 1, 0},
		"short ping":          {KindPing, 1},
		"a server message":    {KindWelcome, 0, 0, 20, 0, 0, 0, 0},
		"another unknown one": {200},
	}
	for name, b := range client {
		if _, err := ParseClient(b, nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: ParseClient(%v): %v, want ErrMalformed", name, b, err)
		}
	}
	outside := AppendSnapshot(nil, Snapshot{You: Pos{minPos, maxPosY + 1}})
	huge := AppendSnapshot(nil, Snapshot{You: Pos{minPos, minPos}})
	huge[18], huge[19] = 0xff, 0xff
	short := AppendSnapshot(nil, Snapshot{You: Pos{minPos, minPos}, Players: make([]Player, 2)})[:snapHeader+playerSize]
	server := [][]byte{nil, {KindSnapshot, 0, 0}, append([]byte{KindSnapshot}, make([]byte, 19)...), outside, huge, short,
		{KindWelcome, 1, 0, 0, 0, 0, 0, 0}, {KindWelcome, 1}, {KindPong, 1}, {KindInput, 0, 0, 0, 0, 0, 0}}
	for _, b := range server {
		if _, err := ParseServer(b, nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseServer(%v): %v, want ErrMalformed", b, err)
		}
	}
}

// FuzzParse: no input makes a parser panic, and what parses re-encodes to
// the same bytes.
func FuzzParse(f *testing.F) {
	f.Add(AppendInputs(nil, Inputs{Seq: 1, Commands: []Command{{Input{DX: 3}, 16}}}))
	f.Add(AppendPing(nil, 9))
	f.Add(AppendSnapshot(nil, Snapshot{Tick: 2, You: Pos{minPos, minPos}, Players: []Player{{ID: 1, X: 5, Y: 6}}}))
	f.Add(AppendWelcome(nil, Welcome{ID: 1, TickRate: 20}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := ParseClient(b, nil); err == nil {
			var again []byte
			if m.Kind == KindInput {
				again = AppendInputs(nil, m.Inputs)
			} else {
				again = AppendPing(nil, m.Ping)
			}
			if string(again) != string(b) {
				t.Errorf("client %v re-encodes as %v", b, again)
			}
		}
		if m, err := ParseServer(b, nil); err == nil && m.Kind == KindWelcome {
			if again := AppendWelcome(nil, m.Welcome); string(again) != string(b) {
				t.Errorf("welcome %v re-encodes as %v", b, again)
			}
		}
	})
}
