module github.com/hybridws/websocket/e2e

go 1.26

replace github.com/hybridws/websocket => ../

replace github.com/hybridws/websocket/tools/wasmrun => ../tools/wasmrun

require (
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.23.0
	github.com/coder/websocket v1.8.15
	github.com/hybridws/websocket v0.0.0-00010101000000-000000000000
	github.com/hybridws/websocket/tools/wasmrun v0.0.0-00010101000000-000000000000
)

require github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
