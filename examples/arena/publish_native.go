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

// publishTrace does nothing natively, where no hook asks for a trace (the
// netcode's feel is measured natively by arena/server/feel_test.go).
func publishTrace(string) {}

// installDebug has nothing to add natively.
func installDebug(*Game) {}
