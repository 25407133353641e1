package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"github.com/gobwas/ws"
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
	if dir != "" {
		mux.Handle("/page/", http.StripPrefix("/page/", http.FileServer(http.Dir(dir))))
	}
	fmt.Fprintf(os.Stdout, "http://%s\n", ln.Addr())
	return http.Serve(ln, mux)
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
