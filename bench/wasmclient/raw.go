//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/hybridws/websocket/bench/internal/work"
)

// rawRun is the floor of a Go client in a page ("raw-wasm"): the cheapest
// echo client on syscall/js alone, no library. Everything happens in the
// socket's handlers, on the event goroutine: no goroutine switch, no
// allocation per message, one reused Uint8Array per direction, send bound
// once (ws.send.bind(ws)) so each call is one Invoke. What a message still
// costs is the browser's call into Go (js.FuncOf), reading event.data and
// copying the payload in (text: String, binary: a Uint8Array view and
// CopyBytesToGo), and copying the echo out and calling send. Every echo is
// checked as in the other clients.
func rawRun(w, url string, dur time.Duration, window int) (n int64, secs float64, err error) {
	var size int
	switch w {
	case "rtt":
		size = work.RTTSize
	case "pipe":
		size = work.PipeSize
	case "big":
		size = work.BigSize
	default:
		return 0, 0, fmt.Errorf("unknown workload %q", w)
	}
	u8 := js.Global().Get("Uint8Array")
	ws := js.Global().Get("WebSocket").New(url)
	ws.Set("binaryType", "arraybuffer")
	send := ws.Get("send").Call("bind", ws)

	var tmpl []byte
	if w != "rtt" {
		tmpl = work.NewBig(size)
	}
	out := make([]byte, size) // the message being sent
	copy(out, tmpl)
	in := make([]byte, size) // the echo, copied in
	outArr := u8.New(size)   // out, copied out for send
	type end struct {
		n    int64
		secs float64
		err  error
	}
	done := make(chan end, 1)
	finished := false
	finish := func(e end) {
		if !finished {
			finished = true
			ws.Call("close", 1000)
			done <- e
		}
	}
	var start time.Time
	var sent, got uint64
	total := uint64(0) // pipe: set to the count once the last message is sent
	sendOne := func(seq uint64) {
		if w == "rtt" {
			work.Fill(out, seq, true)
			send.Invoke(string(out))
			return
		}
		work.PutSeq(out, seq)
		js.CopyBytesToJS(outArr, out)
		send.Invoke(outArr)
	}
	pump := func() { // pipe: keep window messages in flight
		for total == 0 && sent-got < uint64(window) {
			if time.Since(start) >= dur {
				total = sent + 1
			}
			sendOne(sent)
			sent++
		}
	}
	onOpen := js.FuncOf(func(js.Value, []js.Value) any {
		start = time.Now()
		if w == "pipe" {
			pump()
		} else {
			sendOne(0)
			sent = 1
		}
		return nil
	})
	onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if finished {
			return nil
		}
		d := args[0].Get("data")
		var echo []byte
		if w == "rtt" {
			if d.Type() != js.TypeString {
				finish(end{err: errors.New("echo is binary, want text")})
				return nil
			}
			echo = []byte(d.String())
		} else {
			if d.Type() == js.TypeString {
				finish(end{err: errors.New("echo is text, want binary")})
				return nil
			}
			view := u8.New(d)
			echo = in[:js.CopyBytesToGo(in, view)]
			if view.Length() != size {
				finish(end{err: fmt.Errorf("echo of message %d has %d bytes, want %d", got, view.Length(), size)})
				return nil
			}
		}
		if err := work.Check(echo, got, size, tmpl); err != nil {
			finish(end{err: err})
			return nil
		}
		got++
		el := time.Since(start)
		switch w {
		case "pipe":
			if got == total {
				finish(end{n: int64(got), secs: el.Seconds()})
				return nil
			}
			pump()
		default:
			stop := got%16 == 0 // rtt reads the clock every 16 echoes, as the others
			if w == "big" {
				stop = got >= 5
			}
			if stop && el >= dur {
				finish(end{n: int64(got), secs: el.Seconds()})
				return nil
			}
			sendOne(got)
		}
		return nil
	})
	onClose := js.FuncOf(func(_ js.Value, args []js.Value) any {
		finish(end{err: fmt.Errorf("closed %d", args[0].Get("code").Int())})
		return nil
	})
	defer func() {
		for _, p := range []string{"onopen", "onmessage", "onclose"} {
			ws.Set(p, js.Null())
		}
		onOpen.Release()
		onMessage.Release()
		onClose.Release()
	}()
	ws.Set("onopen", onOpen)
	ws.Set("onmessage", onMessage)
	ws.Set("onclose", onClose)
	select {
	case e := <-done:
		return e.n, e.secs, e.err
	case <-time.After(2*dur + 60*time.Second):
		ws.Call("close", 1000)
		return 0, 0, errors.New("run timed out")
	}
}
