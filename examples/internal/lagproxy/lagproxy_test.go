package lagproxy

import (
	"encoding/binary"
	"io"
	"net"
	"slices"
	"testing"
	"time"
)

// echo is a TCP echo server on loopback.
func echo(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

// roundTrips sends n 8-byte records 10 ms apart through p to an echo
// server and returns each one's round trip, checking they come back
// whole and in order.
func roundTrips(t *testing.T, p *Proxy, n int) []time.Duration {
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	go func() {
		for range n {
			c.Write(binary.LittleEndian.AppendUint64(nil, uint64(time.Since(start))))
			time.Sleep(10 * time.Millisecond)
		}
	}()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	var rtts []time.Duration
	var last uint64
	b := make([]byte, 8)
	for range n {
		if _, err := io.ReadFull(c, b); err != nil {
			t.Fatalf("after %d records: %v", len(rtts), err)
		}
		sent := binary.LittleEndian.Uint64(b)
		if sent < last {
			t.Fatalf("record sent at %v came back after one sent at %v", time.Duration(sent), time.Duration(last))
		}
		last = sent
		rtts = append(rtts, time.Since(start)-time.Duration(sent))
	}
	return rtts
}

// TestDelays: latency and jitter in both directions give round trips no
// shorter than twice the smallest delay and spread out; spikes come at
// about their rate and show in the longest round trip; nothing is
// reordered; Close ends the connections.
func TestDelays(t *testing.T) {
	p, err := New(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d := Delay{Latency: 40 * time.Millisecond, Jitter: 10 * time.Millisecond}
	p.Set(d, d)
	rtts := roundTrips(t, p, 100)
	slices.Sort(rtts)
	p10, p90 := rtts[10], rtts[90]
	t.Logf("40±10 ms each way: round trips %v min, %v p10, %v p90, %v max", rtts[0], p10, p90, rtts[len(rtts)-1])
	if rtts[0] < 60*time.Millisecond || p90-p10 < 5*time.Millisecond {
		t.Errorf("round trips from %v (want at least 60 ms), p10 %v, p90 %v (want spread out by the jitter)", rtts[0], p10, p90)
	}
	if p.Spikes() != 0 {
		t.Errorf("%d spikes with SpikeRate 0", p.Spikes())
	}

	p.Set(Delay{}, Delay{SpikeRate: 0.1, Spike: 100 * time.Millisecond})
	rtts = roundTrips(t, p, 100)
	t.Logf("10%% of spikes of 100 ms toward the client: %d spikes, longest round trip %v", p.Spikes(), slices.Max(rtts))
	if n := p.Spikes(); n < 2 || n > 30 {
		t.Errorf("%d spikes in about 100 chunks at a rate of 0.1", n)
	}
	if slices.Max(rtts) < 100*time.Millisecond {
		t.Errorf("longest round trip %v with 100 ms spikes", slices.Max(rtts))
	}

	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("x"))
	io.ReadFull(c, make([]byte, 1))
	p.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("a connection survived Close")
	}
}
