//go:build !js

// Package testserver holds the WebSocket servers that the tests, the wasm
// test run and the dev server share. Every endpoint accepts any origin.
//
//	/echo                 echoes text as text and binary as binary, up to 64 MiB; accepts subprotocol "chat"
//	/close?code=N&reason=R  closes at once with code N and reason R; code=none sends a close frame without a code
//	/send?n=N&size=S&type=text|binary&then=close|drop|wait[&pause=MS]
//	                      sends N messages numbered from 0 ("0", "1", ...; padded with '.' to S bytes), then closes with 1000, drops TCP, or waits
//	                      (&pause=MS: waits MS ms after the upgrade first, so that nothing comes with the 101 response)
//	                      (&id=ID instead of then: reads while it sends, and keeps the client's close code under ID for /recorded)
//	/refuse?status=N      refuses the upgrade with status N (default 403), a header X-Refused: yes and the body "refused: go away"
//	                      (&retry_after=V: with the header Retry-After: V)
//	/drop                 upgrades, then drops TCP without a close frame
//	/silent               upgrades, then never sends nor reads
//	/noread               upgrades, then never reads (a client's writes back up)
//	/noproto              upgrades ignoring any requested subprotocol
//	/badtext              sends a text message that is not valid UTF-8
//	/headers              sends one text message: the request headers as JSON, Host included
//	/record?id=ID         reads messages until the connection ends and keeps them, and the close code, under ID
//	                      (&drop=N: drops TCP, without a close frame, once it has N messages: a server that dies mid-stream)
//	/recorded?id=ID       sends one text message, the Record that /record kept under ID (waiting up to 10 s for it), then closes
//	/slow?ms=N            waits N ms (at most 10 s) before the upgrade, then echoes like /echo
//	/phoenix?op=addr[&name=N]  sends the address of the Phoenix called N, a second server with these endpoints
//	                      (phoenix.go); each test package names its own, so that packages tested at once
//	                      never restart a Phoenix another one is using
//	/phoenix?op=restart&down=MS[&reset=1][&name=N]  kills the Phoenix called N (TCP reset with reset=1) and brings
//	                      it back after MS ms
//	/closeonce?id=ID&code=N  closes the first connection with that id with code N; echoes on the later ones
//	/deflate              accepts permessage-deflate when offered (compressing with context takeover unless the
//	                      client asks otherwise); first sends, as text, the Sec-WebSocket-Extensions it answered
//	                      ("" if none), then echoes like /echo
//	/badframe?kind=K&id=ID[&await=MS]  upgrades by hand, sends one broken frame, and keeps the close code the
//	                      client answers with within MS ms (default 10 s; as /record does, Messages empty) under ID:
//	                      kind=opcode a frame with the reserved opcode 3 (a protocol error, 1002);
//	                      huge a binary frame header declaring 2^31 bytes, then 200 of them
//	                      (too big for Chromium, and for a MaxMessageSize of 100: 1009);
//	                      utf8 a text frame header declaring 1 MiB, then only "ok\xff" (not
//	                      UTF-8 from its third byte: a client that checks as the bytes come
//	                      fails it at once, 1007; one that waits for the end never does)
//
// Every endpoint also answers under /u/TOKEN/ (/u/1/refuse is /refuse), so
// that a test can reach it on a path of its own: Firefox delays a socket
// to a host and path that failed recently.
package testserver

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/hybridws/websocket/internal/test/rawserver"
)

// Handler returns the test endpoints, mounted at their paths.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", echo)
	mux.HandleFunc("/close", closeWith)
	mux.HandleFunc("/send", send)
	mux.HandleFunc("/refuse", refuse)
	mux.HandleFunc("/drop", drop)
	mux.HandleFunc("/silent", silent)
	mux.HandleFunc("/noread", noread)
	mux.HandleFunc("/noproto", noproto)
	mux.HandleFunc("/badtext", badtext)
	mux.HandleFunc("/headers", headers)
	mux.HandleFunc("/record", record)
	mux.HandleFunc("/recorded", recorded)
	mux.HandleFunc("/slow", slow)
	mux.HandleFunc("/phoenix", phoenixControl)
	mux.HandleFunc("/closeonce", closeOnceHandler)
	mux.HandleFunc("/deflate", deflate)
	mux.HandleFunc("/badframe", badframe)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/u/"); ok {
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				r2 := *r
				u := *r.URL
				u.Path, u.RawPath = rest[i:], ""
				r2.URL = &u
				r = &r2
			}
		}
		mux.ServeHTTP(w, r)
	})
}

func accept(w http.ResponseWriter, r *http.Request, protos ...string) (*websocket.Conn, bool) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		InsecureSkipVerify: true, // any origin: the demo page and the wasm tests come from other ports
		Subprotocols:       protos,
	})
	if err != nil {
		return nil, false
	}
	return c, true
}

func echo(w http.ResponseWriter, r *http.Request) {
	c, ok := accept(w, r, "chat")
	if !ok {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	ctx := r.Context()
	echoLoop(ctx, c)
}

// echoLoop sends every message back with its type until the connection ends.
func echoLoop(ctx context.Context, c *websocket.Conn) {
	for {
		typ, p, err := c.Read(ctx)
		if err != nil {
			return
		}
		if err := c.Write(ctx, typ, p); err != nil {
			return
		}
	}
}

func deflate(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		InsecureSkipVerify: true,
		CompressionMode:    websocket.CompressionContextTakeover,
	})
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	ctx := r.Context()
	if err := c.Write(ctx, websocket.MessageText, []byte(w.Header().Get("Sec-WebSocket-Extensions"))); err != nil {
		return
	}
	echoLoop(ctx, c)
}

func closeWith(w http.ResponseWriter, r *http.Request) {
	c, ok := accept(w, r)
	if !ok {
		return
	}
	defer c.CloseNow()
	q := r.URL.Query()
	if q.Get("code") == "none" {
		c.Close(websocket.StatusNoStatusRcvd, "")
		return
	}
	code, err := strconv.Atoi(q.Get("code"))
	if err != nil {
		code = 1000
	}
	c.Close(websocket.StatusCode(code), q.Get("reason"))
}

// Payload returns message i of /send: its number, padded with '.' to size bytes.
func Payload(i, size int) []byte {
	s := strconv.Itoa(i)
	if len(s) < size {
		s += strings.Repeat(".", size-len(s))
	}
	return []byte(s)
}

func send(w http.ResponseWriter, r *http.Request) {
	c, ok := accept(w, r)
	if !ok {
		return
	}
	defer c.CloseNow()
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("n"))
	size, _ := strconv.Atoi(q.Get("size"))
	typ := websocket.MessageBinary
	if q.Get("type") == "text" {
		typ = websocket.MessageText
	}
	ctx := r.Context()
	if id := q.Get("id"); id != "" {
		// Read while sending, and keep the close code the client sent
		// (or -1: none) under id for /recorded.
		closed := make(chan int, 1)
		go func() {
			for {
				if _, _, err := c.Read(ctx); err != nil {
					closed <- int(websocket.CloseStatus(err))
					return
				}
			}
		}()
		for i := 0; i < n; i++ {
			if c.Write(ctx, typ, Payload(i, size)) != nil {
				break
			}
		}
		rec := Record{Code: -2, Messages: []string{}}
		select {
		case rec.Code = <-closed:
		case <-time.After(10 * time.Second):
		}
		select {
		case recordChan(id) <- rec:
		default:
		}
		return
	}
	if ms, _ := strconv.Atoi(q.Get("pause")); ms > 0 {
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	for i := 0; i < n; i++ {
		if err := c.Write(ctx, typ, Payload(i, size)); err != nil {
			return
		}
	}
	switch q.Get("then") {
	case "drop":
		return
	case "wait":
		c.CloseRead(ctx)
		<-ctx.Done()
		return
	}
	c.Close(websocket.StatusNormalClosure, "done")
}

func refuse(w http.ResponseWriter, r *http.Request) {
	status, err := strconv.Atoi(r.URL.Query().Get("status"))
	if err != nil {
		status = http.StatusForbidden
	}
	w.Header().Set("X-Refused", "yes")
	if v := r.URL.Query().Get("retry_after"); v != "" {
		w.Header().Set("Retry-After", v)
	}
	w.WriteHeader(status)
	fmt.Fprint(w, "refused: go away")
}

func drop(w http.ResponseWriter, r *http.Request) {
	c, ok := accept(w, r)
	if !ok {
		return
	}
	time.Sleep(50 * time.Millisecond)
	c.CloseNow()
}

func silent(w http.ResponseWriter, r *http.Request) {
	c, ok := accept(w, r)
	if !ok {
		return
	}
	defer c.CloseNow()
	ctx := c.CloseRead(r.Context())
	<-ctx.Done()
}

func noread(w http.ResponseWriter, r *http.Request) {
	c, ok := accept(w, r)
	if !ok {
		return
	}
	defer c.CloseNow()
	select {
	case <-r.Context().Done():
	case <-time.After(time.Minute):
	}
}

func noproto(w http.ResponseWriter, r *http.Request) {
	// Answer without Sec-WebSocket-Protocol, whatever the client asked for.
	r.Header.Del("Sec-WebSocket-Protocol")
	c, ok := accept(w, r)
	if !ok {
		return
	}
	defer c.CloseNow()
	ctx := c.CloseRead(r.Context())
	<-ctx.Done()
}

func badtext(w http.ResponseWriter, r *http.Request) {
	c, ok := accept(w, r)
	if !ok {
		return
	}
	defer c.CloseNow()
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	c.Write(ctx, websocket.MessageText, []byte{'o', 'k', 0xff, 0xfe})
	c.Read(ctx) // until the client closes
}

func headers(w http.ResponseWriter, r *http.Request) {
	h := r.Header.Clone()
	h.Set("Host", r.Host)
	c, ok := accept(w, r, "chat")
	if !ok {
		return
	}
	defer c.CloseNow()
	b, _ := json.Marshal(h)
	ctx := c.CloseRead(r.Context())
	c.Write(ctx, websocket.MessageText, b)
	<-ctx.Done()
}

// slow keeps the client connecting for a while: a browser test cannot hold
// a socket in CONNECTING any other way.
func slow(w http.ResponseWriter, r *http.Request) {
	ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
	select {
	case <-time.After(min(time.Duration(ms)*time.Millisecond, 10*time.Second)):
	case <-r.Context().Done():
		return
	}
	echo(w, r)
}

// Record is what /record received on one connection, as /recorded sends it.
type Record struct {
	Messages []string `json:"messages"` // the payloads, in order
	Code     int      `json:"code"`     // the close code the client sent; -1 if none came
}

var records struct {
	sync.Mutex
	m map[string]chan Record
}

func recordChan(id string) chan Record {
	records.Lock()
	defer records.Unlock()
	if records.m == nil {
		records.m = map[string]chan Record{}
	}
	ch, ok := records.m[id]
	if !ok {
		ch = make(chan Record, 1)
		records.m[id] = ch
	}
	return ch
}

func record(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	c, ok := accept(w, r)
	if !ok {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	rec := Record{Messages: []string{}}
	drop, _ := strconv.Atoi(r.URL.Query().Get("drop"))
	for {
		if drop > 0 && len(rec.Messages) == drop {
			rec.Code = -1
			c.CloseNow()
			break
		}
		_, p, err := c.Read(r.Context())
		if err != nil {
			rec.Code = int(websocket.CloseStatus(err))
			break
		}
		rec.Messages = append(rec.Messages, string(p))
	}
	select {
	case recordChan(id) <- rec:
	default:
	}
}

func recorded(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	c, ok := accept(w, r)
	if !ok {
		return
	}
	defer c.CloseNow()
	rec := Record{Code: -2, Messages: []string{}} // -2: /record never ended
	select {
	case rec = <-recordChan(id):
	case <-time.After(10 * time.Second):
	}
	records.Lock()
	delete(records.m, id)
	records.Unlock()
	b, _ := json.Marshal(rec)
	ctx := c.CloseRead(r.Context())
	c.Write(ctx, websocket.MessageText, b)
	c.Close(websocket.StatusNormalClosure, "")
}

func badframe(w http.ResponseWriter, r *http.Request) {
	var f rawserver.Frame
	switch r.URL.Query().Get("kind") {
	case "opcode":
		f = rawserver.Frame{Fin: true, Opcode: 3, Payload: []byte("x")}
	case "huge":
		// 2^31 bytes: the first length Chromium refuses at once (one less,
		// it waits for the data). The native client counts the bytes as
		// they come: 200 of them pass a MaxMessageSize of 100.
		f = rawserver.Frame{Raw: append(binary.BigEndian.AppendUint64([]byte{0x82, 127}, 1<<31), make([]byte, 200)...)}
	case "utf8":
		f = rawserver.Frame{Raw: append(binary.BigEndian.AppendUint64([]byte{0x81, 127}, 1<<20), "ok\xff"...)}
	default:
		http.Error(w, "kind must be opcode, huge or utf8", http.StatusBadRequest)
		return
	}
	c, err := rawserver.Hijack(w, r)
	if err != nil {
		return
	}
	defer c.Close()
	c.WriteFrames(f)
	wait := 10 * time.Second
	if ms, err := strconv.Atoi(r.URL.Query().Get("await")); err == nil && ms > 0 {
		wait = time.Duration(ms) * time.Millisecond
	}
	rec := Record{Messages: []string{}, Code: c.AwaitClose(wait)}
	if id := r.URL.Query().Get("id"); id != "" {
		select {
		case recordChan(id) <- rec:
		default:
		}
	}
}
