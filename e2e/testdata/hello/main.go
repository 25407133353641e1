//go:build js && wasm

// Command hello is a Go program that is not the shim: TestModuleUnderStrictCSP
// loads it to see load() reject it, and its output reach the console.
package main

import "fmt"

func main() {
	fmt.Println("hello from a Go program that is not the shim")
}
