//go:build !js

package main

// watchVisibility does nothing natively: a minimized window's loop keeps
// running (SetRunnableOnUnfocused) and keeps dispatching.
func watchVisibility(*Game) {}
