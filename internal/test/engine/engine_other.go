//go:build !js

package engine

// Name is Native outside a browser.
const Name = Native
