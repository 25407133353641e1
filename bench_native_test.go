//go:build !js

package websocket_test

// Micro-benchmarks of the receive path and the send path, one op = one
// message, against an in-process raw server that costs (almost) nothing:
// it writes pre-encoded frames from one buffer, or reads into one buffer.
// The coder-raw cases measure github.com/coder/websocket alone over the
// same server, so the difference is what this library's event layer costs.
//
//	go test -run '^$' -bench . -benchmem

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	coder "github.com/coder/websocket"
	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/rawserver"
)

// streamServer sends message frames of size bytes forever.
func streamServer(size int) *rawserver.Server {
	const batch = 256
	var buf []byte
	f := rawserver.Frame{Fin: true, Opcode: rawserver.OpBinary, Payload: make([]byte, size)}
	for range batch {
		buf = append(buf, f.Bytes()...)
	}
	return rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) {
		for {
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	})
}

// sinkServer reads and counts bytes; got is closed once want bytes came.
type sinkServer struct {
	*rawserver.Server
	want atomic.Int64
	got  chan struct{}
}

func newSink() *sinkServer {
	s := &sinkServer{got: make(chan struct{}, 1)}
	s.want.Store(-1)
	s.Server = rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) {
		buf := make([]byte, 64<<10)
		var n int64
		for {
			m, err := c.Read(buf)
			if err != nil {
				return
			}
			n += int64(m)
			if w := s.want.Load(); w >= 0 && n >= w {
				n -= w
				s.want.Store(-1)
				s.got <- struct{}{}
			}
		}
	})
	return s
}

// openHybrid connects and waits until it is open; onMsg gets each message.
// closed is closed on DISCONNECTED.
func openHybrid(b *testing.B, url string, q *websocket.Queue, onMsg func(d *websocket.Data)) (*websocket.Connection, chan struct{}) {
	b.Helper()
	opened, closed := make(chan struct{}), make(chan struct{})
	c, err := websocket.Connect(url, &websocket.Params{Queue: q}, func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			close(opened)
		case websocket.EventMessage:
			onMsg(d)
		case websocket.EventDisconnected:
			close(closed)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	waitQ(b, q, opened)
	return c, closed
}

// waitQ waits for ch, dispatching q when it has events (Queue.Ready) when
// q is set.
func waitQ(b *testing.B, q *websocket.Queue, ch chan struct{}) {
	timeout := time.After(30 * time.Second)
	for {
		select {
		case <-ch:
			return
		case <-q.Ready(): // nil Queue: never
			q.Dispatch()
		case <-timeout:
			b.Fatal("timed out")
		}
	}
}

func BenchmarkReceive(b *testing.B) {
	for _, size := range []int{32, 1024} {
		for _, mode := range []string{"hybrid", "hybrid-queue"} {
			b.Run(mode+"-"+sizeName(size), func(b *testing.B) {
				srv := streamServer(size)
				var q *websocket.Queue
				if mode == "hybrid-queue" {
					q = websocket.NewQueue()
				}
				var n atomic.Int64
				done := make(chan struct{})
				target := int64(-1)
				_, closed := openHybrid(b, srv.URL(), q, func(d *websocket.Data) {
					if n.Add(1) == atomic.LoadInt64(&target) {
						close(done)
					}
				})
				b.ResetTimer()
				atomic.StoreInt64(&target, n.Load()+int64(b.N))
				waitQ(b, q, done)
				b.StopTimer()
				b.SetBytes(int64(size))
				srv.Close()
				waitQ(b, q, closed)
			})
		}
		b.Run("coder-raw-"+sizeName(size), func(b *testing.B) {
			srv := streamServer(size)
			defer srv.Close()
			ctx := context.Background()
			c := dialCoder(b, srv.URL())
			b.SetBytes(int64(size))
			b.ResetTimer()
			for range b.N {
				if _, _, err := c.Read(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSend(b *testing.B) {
	for _, size := range []int{32, 1024} {
		frame := int64(size + 6)
		if size >= 126 {
			frame += 2
		}
		b.Run("hybrid-"+sizeName(size), func(b *testing.B) {
			srv := newSink()
			defer srv.Close()
			c, closed := openHybrid(b, srv.URL(), nil, func(*websocket.Data) {})
			msg := make([]byte, size)
			b.SetBytes(int64(size))
			srv.want.Store(int64(b.N) * frame)
			b.ResetTimer()
			for range b.N {
				for {
					err := websocket.Send(c, msg, nil)
					if err == nil {
						break
					}
					if !errors.Is(err, websocket.ErrSendQueueFull) {
						b.Fatal(err)
					}
					runtime.Gosched()
				}
			}
			<-srv.got
			b.StopTimer()
			websocket.Disconnect(c)
			srv.Close()
			<-closed
		})
		b.Run("coder-raw-"+sizeName(size), func(b *testing.B) {
			srv := newSink()
			defer srv.Close()
			ctx := context.Background()
			c := dialCoder(b, srv.URL())
			msg := make([]byte, size)
			b.SetBytes(int64(size))
			srv.want.Store(int64(b.N) * frame)
			b.ResetTimer()
			for range b.N {
				if err := c.Write(ctx, coder.MessageBinary, msg); err != nil {
					b.Fatal(err)
				}
			}
			<-srv.got
		})
	}
}

func sizeName(n int) string {
	if n >= 1024 {
		return strconv.Itoa(n/1024) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}

// echoServer answers each message with the same message.
func echoServer() *rawserver.Server {
	return rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) {
		for {
			f, err := c.ReadFrame()
			if err != nil || f.Opcode == rawserver.OpClose {
				return
			}
			f.Masked = false
			if c.WriteFrames(f) != nil {
				return
			}
		}
	})
}

// BenchmarkRoundTrip: one op is a 32-byte message sent and its echo
// received, the next sent from the callback (this library) or after Read
// returns (raw coder/websocket).
func BenchmarkRoundTrip(b *testing.B) {
	// In Queue mode the callback runs in Dispatch on this goroutine, which
	// waits on Ready between events, as a loop without frame pacing does.
	for _, mode := range []struct {
		name string
		q    *websocket.Queue
	}{{"hybrid", nil}, {"hybrid-queue", websocket.NewQueue()}} {
		b.Run(mode.name, func(b *testing.B) {
			srv := echoServer()
			defer srv.Close()
			msg := make([]byte, 32)
			done := make(chan struct{})
			n := 0
			var c *websocket.Connection
			c, closed := openHybrid(b, srv.URL(), mode.q, func(d *websocket.Data) {
				n++
				if n == b.N {
					close(done)
					return
				}
				websocket.Send(c, msg, nil)
			})
			b.ResetTimer()
			websocket.Send(c, msg, nil)
			waitQ(b, mode.q, done)
			b.StopTimer()
			srv.Close()
			waitQ(b, mode.q, closed)
		})
	}
	b.Run("coder-raw", func(b *testing.B) {
		srv := echoServer()
		defer srv.Close()
		ctx := context.Background()
		c := dialCoder(b, srv.URL())
		msg := make([]byte, 32)
		b.ResetTimer()
		for range b.N {
			if err := c.Write(ctx, coder.MessageBinary, msg); err != nil {
				b.Fatal(err)
			}
			if _, _, err := c.Read(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// dialCoder dials url with raw coder/websocket, the baseline, closed when
// the benchmark ends.
func dialCoder(b *testing.B, url string) *coder.Conn {
	c, _, err := coder.Dial(context.Background(), url, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.CloseNow() })
	return c
}
