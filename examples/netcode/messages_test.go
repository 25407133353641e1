package netcode

import (
	"errors"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	in := Input{Seq: 7, DX: -70, DY: 70}
	m, err := ParseClient(AppendInput(nil, in))
	if err != nil || m.Kind != KindInput || m.Input != in {
		t.Errorf("input: %+v, %v", m, err)
	}
	m, err = ParseClient(AppendPing(nil, 1<<40+5))
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
	snap := Snapshot{Tick: 1234567, Players: []Player{{ID: 1, X: 10, Y: 470, Color: 3}, {ID: 300, X: 320.125, Y: 0.5, Color: 11}}}
	b := AppendSnapshot(nil, snap)
	if len(b) != snapHeader+2*playerSize {
		t.Errorf("snapshot of 2 players is %d bytes", len(b))
	}
	s, err = ParseServer(b, nil)
	if err != nil || s.Snapshot.Tick != snap.Tick || len(s.Snapshot.Players) != 2 {
		t.Fatalf("snapshot: %+v, %v", s, err)
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
}

func TestMalformed(t *testing.T) {
	client := [][]byte{nil, {0}, {KindInput}, {KindInput, 1, 2, 3, 4, 5, 6, 7}, {KindInput, 0, 0, 0, 0, 100, 1},
		{KindInput, 0, 0, 0, 0, 0x80, 0}, {KindPing, 1}, {KindWelcome, 0, 0, 20, 0, 0, 0, 0}, {200}}
	for _, b := range client {
		if _, err := ParseClient(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseClient(%v): %v, want ErrMalformed", b, err)
		}
	}
	server := [][]byte{nil, {KindSnapshot, 0, 0}, {KindSnapshot, 0, 0, 0, 0, 1, 0}, {KindSnapshot, 0, 0, 0, 0, 0xff, 0xff},
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
	f.Add(AppendInput(nil, Input{Seq: 1, DX: 3}))
	f.Add(AppendPing(nil, 9))
	f.Add(AppendSnapshot(nil, Snapshot{Tick: 2, Players: []Player{{ID: 1, X: 5, Y: 6}}}))
	f.Add(AppendWelcome(nil, Welcome{ID: 1, TickRate: 20}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := ParseClient(b); err == nil {
			var again []byte
			if m.Kind == KindInput {
				again = AppendInput(nil, m.Input)
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
