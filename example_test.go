package websocket_test

import (
	"fmt"
	"strconv"
	"time"

	"github.com/hybridws/websocket"
)

// Connect to an echo server, send a text message, print the echo and
// disconnect. The callback runs on the connection's own goroutine.
func ExampleConnect() {
	url := "ws://" + testServerAddr + "/echo" // such as "wss://echo.example.com/"

	done := make(chan struct{})
	callback := func(conn *websocket.Connection, data *websocket.Data) {
		switch data.Event {
		case websocket.EventConnected:
			fmt.Println("connected, status", data.HandshakeResponse.Status)
			err := websocket.Send(conn, []byte("hello"), &websocket.SendOptions{Type: websocket.DataTypeText})
			if err != nil {
				fmt.Println("send:", err)
			}
		case websocket.EventMessage:
			fmt.Printf("received %v %q\n", data.Type, data.Message)
			websocket.Disconnect(conn)
		case websocket.EventError:
			fmt.Println("error:", data.Err)
		case websocket.EventDisconnected:
			fmt.Println("disconnected with code", data.Code)
			close(done)
		}
	}

	if _, err := websocket.Connect(url, nil, callback); err != nil {
		fmt.Println(err) // bad input: no event follows
		return
	}
	<-done
	// Output:
	// connected, status 101
	// received TEXT "hello"
	// disconnected with code 1000
}

// Queue mode in a game loop: every callback runs inside Queue.Dispatch, on
// the loop's goroutine, once per frame, so the game state needs no locks.
func ExampleQueue() {
	url := "ws://" + testServerAddr + "/echo"

	queue := websocket.NewQueue()
	running := true
	moves := 0
	callback := func(conn *websocket.Connection, data *websocket.Data) {
		switch data.Event {
		case websocket.EventConnected:
			fmt.Println("connected")
			for i := 1; i <= 3; i++ {
				websocket.Send(conn, fmt.Appendf(nil, "move %d", i), &websocket.SendOptions{Type: websocket.DataTypeText})
			}
		case websocket.EventMessage:
			moves++
			fmt.Println("server says:", string(data.Message))
			if moves == 3 {
				websocket.Disconnect(conn)
			}
		case websocket.EventError:
			fmt.Println("error:", string(data.Message))
		case websocket.EventDisconnected:
			fmt.Println("disconnected with code", data.Code)
			running = false
		}
	}

	if _, err := websocket.Connect(url, &websocket.Params{Queue: queue}, callback); err != nil {
		fmt.Println(err)
		return
	}

	frame := time.NewTicker(time.Second / 60)
	defer frame.Stop()
	for running {
		<-frame.C
		queue.Dispatch() // network events first; never waits for the network
		// ... update and draw the game ...
	}
	fmt.Println("moves:", moves)
	// Output:
	// connected
	// server says: move 1
	// server says: move 2
	// server says: move 3
	// disconnected with code 1000
	// moves: 3
}

// A loop that is not paced by frames (a bot, a turn-based game, a test
// driver) sleeps until events wait, instead of polling Dispatch, and still
// runs its own timers: it selects on Queue.Ready and a ticker.
func ExampleQueue_Ready() {
	url := "ws://" + testServerAddr + "/echo"

	queue := websocket.NewQueue()
	var conn *websocket.Connection
	open, done := false, false
	callback := func(c *websocket.Connection, data *websocket.Data) {
		switch data.Event {
		case websocket.EventConnected:
			open = true
		case websocket.EventMessage:
			fmt.Println("echo:", string(data.Message))
			websocket.Disconnect(c)
		case websocket.EventDisconnected:
			fmt.Println("disconnected with code", data.Code)
			done = true
		}
	}
	conn, err := websocket.Connect(url, &websocket.Params{Queue: queue}, callback)
	if err != nil {
		fmt.Println(err)
		return
	}

	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	sent := false
	for !done {
		select {
		case <-queue.Ready(): // events wait: run their callbacks here
			queue.Dispatch()
		case <-tick.C: // the loop's own work, on its own schedule
			if open && !sent {
				sent = websocket.Send(conn, []byte("your move"), &websocket.SendOptions{Type: websocket.DataTypeText}) == nil
			}
		}
	}
	// Output:
	// echo: your move
	// disconnected with code 1000
}

// A connection that comes back by itself: after a loss (a server restart,
// a network switch) the callback gets ERROR with RetryIn, then a new
// CONNECTED on the same *Connection. Here the server closes the first
// connection with 1012 (service restart); the second one echoes.
func ExampleReconnect() {
	url := "ws://" + testServerAddr + "/closeonce?code=1012&id=" + uniqueID()

	done := make(chan struct{})
	callback := func(conn *websocket.Connection, data *websocket.Data) {
		switch data.Event {
		case websocket.EventConnected:
			fmt.Println("connected")
			websocket.Send(conn, []byte("hello again"), &websocket.SendOptions{Type: websocket.DataTypeText})
		case websocket.EventMessage:
			fmt.Println("echo:", string(data.Message))
			websocket.Disconnect(conn)
		case websocket.EventError:
			if data.RetryIn > 0 {
				fmt.Println("lost; retrying soon") // data.RetryIn says when
			} else {
				fmt.Println("error:", data.Err)
			}
		case websocket.EventDisconnected:
			fmt.Println("disconnected with code", data.Code)
			close(done)
		}
	}
	params := &websocket.Params{Reconnect: &websocket.Reconnect{MinDelay: 100 * time.Millisecond}}
	if _, err := websocket.Connect(url, params, callback); err != nil {
		fmt.Println(err)
		return
	}
	<-done
	// Output:
	// connected
	// lost; retrying soon
	// connected
	// echo: hello again
	// disconnected with code 1000
}

// uniqueID names a /closeonce connection for one run of a test.
func uniqueID() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }
