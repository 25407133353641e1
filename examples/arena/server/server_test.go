package main

import (
	"bytes"
	"context"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/hybridws/websocket/examples/netcode"
)

// syncBuffer is a log destination the test reads while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestServer(t *testing.T, cfg Config) (*Server, string, *syncBuffer) {
	return newTestServerOn(t, cfg, nil)
}

// smallBuffers is a listener whose connections have a 4 KiB send buffer.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		c.(*net.TCPConn).SetWriteBuffer(4096)
	}
	return c, err
}

func newTestServerOn(t *testing.T, cfg Config, wrap func(net.Listener) net.Listener) (*Server, string, *syncBuffer) {
	logs := &syncBuffer{}
	cfg.Logger = log.New(logs, "", 0)
	s := NewServer(cfg)
	hs := httptest.NewUnstartedServer(s.Handler())
	if wrap != nil {
		hs.Listener = wrap(hs.Listener)
	}
	hs.Start()
	t.Cleanup(func() {
		s.Shutdown()
		hs.Close()
	})
	return s, "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws", logs
}

func dial(t *testing.T, url string, client *http.Client) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(netcode.MaxServerMessage)
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// readUntil reads server messages until one satisfies ok.
func readUntil(t *testing.T, c *websocket.Conn, what string, ok func(netcode.ServerMessage) bool) netcode.ServerMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		typ, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if typ != websocket.MessageBinary {
			t.Fatalf("waiting for %s: a %v message", what, typ)
		}
		m, err := netcode.ParseServer(b, nil)
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok(m) {
			return m
		}
	}
}

// closedWith reads until the server closes c and checks the code.
func closedWith(t *testing.T, c *websocket.Conn, code websocket.StatusCode) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if _, _, err := c.Read(ctx); err != nil {
			var ce websocket.CloseError
			if !asCloseError(err, &ce) || ce.Code != code {
				t.Fatalf("closed with %v, want close code %d (%v)", err, int(code), code)
			}
			return ce.Reason
		}
	}
}

func asCloseError(err error, ce *websocket.CloseError) bool {
	c := websocket.CloseStatus(err)
	if c == -1 {
		return false
	}
	*ce = websocket.CloseError{Code: c}
	if i := strings.Index(err.Error(), "reason = "); i >= 0 {
		ce.Reason = err.Error()[i:]
	}
	return true
}

// TestHostileMessages: each malformed, oversized or flooding client is
// closed with its own code and a log line; a good client in the same room
// carries on receiving snapshots with the right players.
func TestHostileMessages(t *testing.T) {
	s, url, logs := newTestServer(t, Config{})
	good := dial(t, url, nil)
	me := readUntil(t, good, "the welcome", func(m netcode.ServerMessage) bool { return m.Kind == netcode.KindWelcome }).Welcome

	input := func(dx, dy int8) []byte {
		return netcode.AppendInputs(nil, netcode.Inputs{Seq: 1, Commands: []netcode.Command{{Input: netcode.Input{DX: dx, DY: dy}, MS: 16}}})
	}
	long := make([]netcode.Command, 5)
	for i := range long {
		long[i] = netcode.Command{Input: netcode.Input{DX: 1}, MS: 255}
	}
	cases := []struct {
		name string
		typ  websocket.MessageType
		msg  []byte
		code websocket.StatusCode
		log  string
	}{
		{"text", websocket.MessageText, []byte("hello"), websocket.StatusUnsupportedData, "text message"},
		{"empty", websocket.MessageBinary, nil, websocket.StatusPolicyViolation, "malformed message: empty"},
		{"unknown kind", websocket.MessageBinary, []byte{99, 1, 2}, websocket.StatusPolicyViolation, "unknown kind 99"},
		{"server kind", websocket.MessageBinary, netcode.AppendWelcome(nil, netcode.Welcome{TickRate: 20}), websocket.StatusPolicyViolation, "unknown kind 10"},
		{"short input", websocket.MessageBinary, input(1, 1)[:5], websocket.StatusPolicyViolation, "input of 5 bytes"},
		{"long input", websocket.MessageBinary, append(input(1, 1), 0), websocket.StatusPolicyViolation, "input of 10 bytes for 1 commands"},
		{"no commands", websocket.MessageBinary, []byte{netcode.KindInput, 1, 0, 0, 0, 0}, websocket.StatusPolicyViolation, "input of 0 commands"},
		{"0 ms", websocket.MessageBinary, []byte{netcode.KindInput, 1, 0, 0, 0, 1, 1, 1, 0}, websocket.StatusPolicyViolation, "a command of 0 ms"},
		{"too fast", websocket.MessageBinary, input(100, 100), websocket.StatusPolicyViolation, "longer than 100"},
		{"not from 1", websocket.MessageBinary, netcode.AppendInputs(nil, netcode.Inputs{Seq: 2, Commands: long[:1]}), websocket.StatusPolicyViolation, "input 2 after 0"},
		{"ahead of time", websocket.MessageBinary, netcode.AppendInputs(nil, netcode.Inputs{Seq: 1, Commands: long}), websocket.StatusPolicyViolation, "1275 ms of input waiting"},
		{"short ping", websocket.MessageBinary, netcode.AppendPing(nil, 1)[:4], websocket.StatusPolicyViolation, "ping of 4 bytes"},
		{"oversized", websocket.MessageBinary, bytes.Repeat([]byte{1}, 100), websocket.StatusMessageTooBig, "read limited at"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, url, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := c.Write(ctx, tc.typ, tc.msg); err != nil {
				t.Fatal(err)
			}
			closedWith(t, c, tc.code)
			waitLog(t, logs, tc.log)
		})
	}

	t.Run("flood", func(t *testing.T) {
		c := dial(t, url, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for i := range 150 {
			in := netcode.Inputs{Seq: uint32(i + 1), Commands: []netcode.Command{{Input: netcode.Input{DX: 1}, MS: 1}}}
			if err := c.Write(ctx, websocket.MessageBinary, netcode.AppendInputs(nil, in)); err != nil {
				t.Fatalf("write %d: %v", i, err)
			}
		}
		closedWith(t, c, websocket.StatusPolicyViolation)
		waitLog(t, logs, "more than 100 messages in a second")
	})

	// The good client is still there, alone again, and still answered.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := good.Write(ctx, websocket.MessageBinary, netcode.AppendPing(nil, 42)); err != nil {
		t.Fatal(err)
	}
	readUntil(t, good, "the pong", func(m netcode.ServerMessage) bool { return m.Kind == netcode.KindPong && m.Pong == 42 })
	snap := readUntil(t, good, "a snapshot with only the good client", func(m netcode.ServerMessage) bool {
		return m.Kind == netcode.KindSnapshot && len(m.Snapshot.Players) == 1
	})
	if snap.Snapshot.Players[0].ID != me.ID {
		t.Errorf("snapshot shows player %d, want %d", snap.Snapshot.Players[0].ID, me.ID)
	}
	if st := s.Stats(); st.Kicks[1008] < 12 || st.Kicks[1003] != 1 {
		t.Errorf("kicks by code %v, want twelve or more 1008 and one 1003", st.Kicks)
	}
}

// TestMovesAndBounds: commands move the player exactly as netcode.Move
// says, at the pace of real time, with each snapshot saying how far the
// server got (Ack, AckMS); the player stops at the wall.
func TestMovesAndBounds(t *testing.T) {
	_, url, _ := newTestServer(t, Config{})
	c := dial(t, url, nil)
	readUntil(t, c, "the welcome", func(m netcode.ServerMessage) bool { return m.Kind == netcode.KindWelcome })
	spawn := readUntil(t, c, "a snapshot", func(m netcode.ServerMessage) bool { return m.Kind == netcode.KindSnapshot }).Snapshot.You
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// 100 ms to the left every 100 ms, read back as they are applied:
	// 630 px at 160 a second reaches the left wall within 4 s.
	left := netcode.Command{Input: netcode.Input{DX: -netcode.MaxAxis}, MS: 100}
	var seq uint32
	send := func() {
		seq++
		if err := c.Write(ctx, websocket.MessageBinary, netcode.AppendInputs(nil, netcode.Inputs{Seq: seq, Commands: []netcode.Command{left}})); err != nil {
			t.Fatal(err)
		}
	}
	send()
	next := time.Now().Add(100 * time.Millisecond)
	wall := netcode.PosOf(netcode.PlayerRadius, 0).X
	for {
		s := readUntil(t, c, "a snapshot", func(m netcode.ServerMessage) bool { return m.Kind == netcode.KindSnapshot }).Snapshot
		if s.Ack > seq || s.Ack == seq && s.AckMS != 0 {
			t.Fatalf("ack %d+%d ms after %d commands sent", s.Ack, s.AckMS, seq)
		}
		if want := netcode.Move(spawn, left.Input, int(s.Ack)*100+int(s.AckMS)); s.You != want {
			t.Fatalf("after %d commands and %d ms: at %v, want %v", s.Ack, s.AckMS, s.You, want)
		}
		if s.You.X == wall {
			break
		}
		if time.Now().After(next) {
			send()
			next = next.Add(100 * time.Millisecond)
		}
	}
}

// TestRoomFull: past the room size a client is closed with 1013 and the
// others stay; another room still has space.
func TestRoomFull(t *testing.T) {
	_, url, logs := newTestServer(t, Config{RoomSize: 2})
	for range 2 {
		c := dial(t, url, nil)
		readUntil(t, c, "the welcome", func(m netcode.ServerMessage) bool { return m.Kind == netcode.KindWelcome })
	}
	closedWith(t, dial(t, url, nil), websocket.StatusTryAgainLater)
	waitLog(t, logs, `room lobby is full`)
	other := dial(t, url+"?room=other", nil)
	readUntil(t, other, "the welcome in another room", func(m netcode.ServerMessage) bool { return m.Kind == netcode.KindWelcome })

	// A bad room name is refused before the upgrade.
	resp, err := http.Get("http" + strings.TrimPrefix(url, "ws") + "?room=" + strings.Repeat("x", 40))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a 40-letter room name: status %d, want 400", resp.StatusCode)
	}
}

// TestSlowClientDropped: a client that stops reading is dropped with 1013
// once its writer is a buffer behind; a reading client in the same room
// keeps getting the snapshots, in order, all along. (Their tick numbers
// may skip: a late tick is numbered as the one due then.)
func TestSlowClientDropped(t *testing.T) {
	// Small socket buffers on both sides, so the server's writes to a
	// client that does not read stall within seconds. A send queue of 32
	// snapshots (160 ms of ticks) is slack enough for the good client on a
	// loaded machine, where this test's reads can lag a few ticks.
	s, url, logs := newTestServerOn(t, Config{TickRate: 200, SendBuffer: 32}, func(l net.Listener) net.Listener { return smallBuffers{l} })
	good := dial(t, url, nil)
	// The slow client's socket takes at most a few KiB and it never reads,
	// so the server's writes stall soon.
	small := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{
		Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
			})
			if err != nil {
				return err
			}
			return serr
		},
	}).DialContext}}
	dial(t, url, small)
	deadline := time.Now().Add(60 * time.Second)
	var last uint32
	for s.Stats().Kicks[1013] == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the slow client was not dropped in 60 s; stats %+v", s.Stats())
		}
		m := readUntil(t, good, "a snapshot", func(m netcode.ServerMessage) bool { return m.Kind == netcode.KindSnapshot })
		if m.Snapshot.Tick <= last {
			t.Fatalf("the good client got tick %d after %d", m.Snapshot.Tick, last)
		}
		last = m.Snapshot.Tick
	}
	waitLog(t, logs, "too slow")
	readUntil(t, good, "a snapshot without the slow client", func(m netcode.ServerMessage) bool {
		return m.Kind == netcode.KindSnapshot && len(m.Snapshot.Players) == 1
	})
	t.Logf("dropped after tick %d", last)
}

func waitLog(t *testing.T, logs *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q; log:\n%s", s, logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLateTick: a tick that comes late (a busy server) is numbered as the
// one due and gives the players all the time since the last one: their
// commands do not pile up.
func TestLateTick(t *testing.T) {
	s := NewServer(Config{})
	rm := newRoom(s, "late")
	c := &client{s: s, out: make(chan []byte, 4), done: make(chan struct{})}
	if !rm.add(c) {
		t.Fatal("no room")
	}
	<-c.out // the welcome
	cmds := make([]netcode.Command, 4)
	for i := range cmds {
		cmds[i] = netcode.Command{Input: netcode.Input{DX: 1}, MS: 200}
	}
	if err := c.auth.Add(netcode.Inputs{Seq: 1, Commands: cmds}); err != nil {
		t.Fatal(err)
	}
	rm.started = time.Now().Add(-2 * time.Second) // 40 ticks due, none run
	rm.step(time.Now(), 50*time.Millisecond)
	m, err := netcode.ParseServer(<-c.out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Snapshot.Tick != 40 || m.Snapshot.Ack != 4 || c.auth.Queued() != 0 {
		t.Errorf("a tick 2 s late: tick %d, ack %d, %v still queued; want tick 40 and all 800 ms applied", m.Snapshot.Tick, m.Snapshot.Ack, c.auth.Queued())
	}
}
