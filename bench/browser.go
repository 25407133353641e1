package main

import (
	"errors"

	"github.com/hybridws/websocket/bench/internal/work"
)

const chromiumPath = "/usr/bin/chromium"

var browserLibs = []string{"js", "hybrid-wasm", "shim", "coder-wasm"}

const browserBlurb = ""

type browserSetup struct{ dir string }

func prepareBrowser() (*browserSetup, error) { return nil, errors.New("not yet") }

func runBrowser(bw *browserSetup, base string, o runOpts) ([]work.Result, error) { return nil, nil }
