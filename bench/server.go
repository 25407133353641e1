package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"

	coder "github.com/coder/websocket"
	"github.com/gobwas/ws"
	"github.com/hybridws/websocket/bench/internal/work"
)

// serve runs the one echo server that every client, native and in the
// browser, talks to. It prints its address on the first line of stdout.
// /echo echoes each message with its type; /page/ serves the browser
// benchmark's files from dir.
func serve(addr, dir string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", echo)
	mux.HandleFunc("/deflate", deflateEcho(coder.CompressionContextTakeover))
	mux.HandleFunc("/deflate-nct", deflateEcho(coder.CompressionNoContextTakeover))
	if dir != "" {
		mux.Handle("/page/", http.StripPrefix("/page/", http.FileServer(http.Dir(dir))))
	}
	fmt.Fprintf(os.Stdout, "http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ConnContext: func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(ctx, countingKey{}, c)
	}}
	return srv.Serve(countingListener{ln})
}

// countingConn counts the bytes that cross a server socket, for /deflate's
// bytes-on-the-wire figures.
type countingConn struct {
	net.Conn
	in, out *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.Add(int64(n))
	return n, err
}

type countingListener struct{ net.Listener }

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, new(atomic.Int64), new(atomic.Int64)}, nil
}

type countingKey struct{}

// deflateEcho is the server of the compression workloads: coder/websocket,
// accepting permessage-deflate when offered, echoing every message. On
// /deflate it keeps context both ways unless the client asks otherwise; on
// /deflate-nct it answers client_no_context_takeover and
// server_no_context_takeover (coder/websocket's default thresholds). The
// text message work.WireQuery is answered with the bytes its socket read
// and wrote since the upgrade.
func deflateEcho(mode coder.CompressionMode) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { deflateServe(w, r, mode) }
}

func deflateServe(w http.ResponseWriter, r *http.Request, mode coder.CompressionMode) {
	cc, _ := r.Context().Value(countingKey{}).(countingConn)
	c, err := coder.Accept(w, r, &coder.AcceptOptions{CompressionMode: mode})
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	var in0, out0 int64
	if cc.in != nil {
		in0, out0 = cc.in.Load(), cc.out.Load()
	}
	ctx := r.Context()
	for {
		typ, p, err := c.Read(ctx)
		if err != nil {
			return
		}
		if typ == coder.MessageText && string(p) == work.WireQuery && cc.in != nil {
			p, _ = json.Marshal(work.Wire{In: cc.in.Load() - in0, Out: cc.out.Load() - out0})
		}
		if err := c.Write(ctx, typ, p); err != nil {
			return
		}
	}
}

// echo answers every data frame with the same frame, unmasked, streaming
// the payload through a 32 KiB buffer. Replies are buffered and flushed
// when no more input is waiting, so a burst of messages is echoed in few
// writes: the server stays out of the way of the clients being measured.
// It answers pings and echoes the close frame.
func echo(w http.ResponseWriter, r *http.Request) {
	conn, rw, _, err := ws.UpgradeHTTP(r, w)
	if err != nil {
		return
	}
	defer conn.Close()
	br := rw.Reader
	bw := bufio.NewWriterSize(conn, 64<<10)
	buf := make([]byte, 32<<10)
	for {
		if br.Buffered() == 0 {
			if bw.Flush() != nil {
				return
			}
		}
		h, err := ws.ReadHeader(br)
		if err != nil {
			return
		}
		out := ws.Header{Fin: h.Fin, OpCode: h.OpCode, Length: h.Length}
		if h.OpCode == ws.OpPing {
			out.OpCode = ws.OpPong
		}
		if h.OpCode != ws.OpPong {
			if ws.WriteHeader(bw, out) != nil {
				return
			}
		}
		for pos := int64(0); pos < h.Length; {
			n := min(int64(len(buf)), h.Length-pos)
			if _, err := io.ReadFull(br, buf[:n]); err != nil {
				return
			}
			if h.Masked {
				ws.Cipher(buf[:n], h.Mask, int(pos))
			}
			if h.OpCode != ws.OpPong {
				if _, err := bw.Write(buf[:n]); err != nil {
					return
				}
			}
			pos += n
		}
		if h.OpCode == ws.OpClose {
			bw.Flush()
			return
		}
	}
}
