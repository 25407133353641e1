//go:build js && wasm

package wasm

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// In Chromium with the toolchain's wasm_exec.js the direct paths are on:
// messages arrive through the inbox, sends go straight from Go memory.
func TestInboxInUse(t *testing.T) {
	c := dial(t, "/echo")
	defer c.Abort()
	if !memOK || c.box == nil {
		t.Fatalf("memOK %v, inbox %v: the direct paths are off", memOK, c.box != nil)
	}
}

// inboxCases are messages of every awkward size: empty, not a multiple of
// the word, just under, at and over what the inbox holds, much bigger, and
// text with multi-byte characters (longer in UTF-8 than in JavaScript).
func inboxCases() (typs []int, msgs [][]byte) {
	for i, n := range []int{0, 1, 3, 4, 5, 1000, inboxSize - 40, inboxSize - 20, inboxSize, inboxSize + 1, 100000, 3 << 20} {
		p := bytes.Repeat([]byte{byte('a' + i)}, n)
		typs, msgs = append(typs, 2), append(msgs, p)
		typs, msgs = append(typs, 1), append(msgs, []byte(strings.Repeat("é€😀", n/9)+fmt.Sprint(i)))
	}
	return typs, msgs
}

func readAll(t *testing.T, c *Conn, typs []int, msgs [][]byte) {
	t.Helper()
	for i := range msgs {
		typ, p, err := c.Read()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if typ != typs[i] || !bytes.Equal(p, msgs[i]) {
			t.Fatalf("message %d: type %d, %d bytes %.20q; want type %d, %d bytes %.20q", i, typ, len(p), p, typs[i], len(msgs[i]), msgs[i])
		}
	}
}

// Messages read as they come, and messages that pile up while nobody
// reads (in the inbox, then waiting in JavaScript), come out whole and in
// order.
func TestInboxSizesAndOrder(t *testing.T) {
	c := dial(t, "/echo")
	defer c.Abort()
	typs, msgs := inboxCases()
	for round := 0; round < 2; round++ {
		for i := range msgs {
			if err := c.Write(typs[i], msgs[i]); err != nil {
				t.Fatal(err)
			}
			if round == 0 {
				readAll(t, c, typs[i:i+1], msgs[i:i+1])
			}
		}
		if round == 1 {
			time.Sleep(300 * time.Millisecond) // let them all pile up
			readAll(t, c, typs, msgs)
		}
	}
}

// The wasm memory grows while messages wait, which makes JavaScript's view
// of it stale: the messages that come then wait in JavaScript, and Read
// still returns everything in order.
func TestInboxMemoryGrows(t *testing.T) {
	c := dial(t, "/echo")
	defer c.Abort()
	typs, msgs := inboxCases()
	half := len(msgs) / 2
	for i := range msgs[:half] {
		if err := c.Write(typs[i], msgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond) // the first half waits
	for i := half; i < len(msgs); i++ {
		if err := c.Write(typs[i], msgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	// Grow the memory before the echoes of the second half come.
	before := memPages()
	ballast := make([]byte, 64<<20)
	ballast[len(ballast)-1] = 1
	if memPages() == before || grabbedAt == memPages() {
		t.Fatalf("the memory did not grow (%d pages), or was handed over again", before)
	}
	time.Sleep(200 * time.Millisecond)
	readAll(t, c, typs, msgs)
	_ = ballast[0]
}

// Big messages that pile up before a close all come out before it.
func TestInboxDrainsBeforeClose(t *testing.T) {
	for _, typ := range []string{"text", "binary"} {
		c := dial(t, "/send?n=30&size=20000&then=close&type="+typ)
		time.Sleep(300 * time.Millisecond) // the close comes too
		for i := 0; i < 30; i++ {
			_, p, err := c.Read()
			if err != nil || len(p) != 20000 || !strings.HasPrefix(string(p), itoa(i)+".") {
				t.Fatalf("%s message %d: %.10q %v", typ, i, p, err)
			}
		}
		_, _, err := c.Read()
		var ce *closeError
		if !errors.As(err, &ce) || ce.Code != 1000 {
			t.Fatalf("%s: Read after the last message: %v, want the close", typ, err)
		}
		c.Abort()
	}
	if n := liveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after the connections ended", n)
	}
}
