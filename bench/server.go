package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"github.com/coder/websocket"
)

// serve runs the one echo server that every client, native and in the
// browser, talks to. It prints its address on the first line of stdout.
// /echo echoes each message with its type, streaming it through a fixed
// buffer; /page/ serves the browser benchmark's files from dir.
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

func echo(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(-1)
	ctx := r.Context()
	buf := make([]byte, 32<<10)
	for {
		typ, rd, err := c.Reader(ctx)
		if err != nil {
			return
		}
		wr, err := c.Writer(ctx, typ)
		if err != nil {
			return
		}
		if _, err := io.CopyBuffer(wr, rd, buf); err != nil {
			return
		}
		if err := wr.Close(); err != nil {
			return
		}
	}
}
