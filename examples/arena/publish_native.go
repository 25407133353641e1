//go:build !js

package main

import (
	"fmt"
	"time"
)

var lastPublish time.Time

// publish prints the debug state as one stdout line, at most twice a
// second: "arena-debug {...}".
func publish(state string) {
	if time.Since(lastPublish) < 500*time.Millisecond {
		return
	}
	lastPublish = time.Now()
	fmt.Println("arena-debug " + state)
}

// installDebug has nothing to add natively.
func installDebug(*Game) {}
