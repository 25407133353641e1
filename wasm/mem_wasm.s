//go:build js && wasm

#include "textflag.h"

// func memPages() int32
TEXT ·memPages(SB), NOSPLIT, $0-4
	Get SP
	CurrentMemory
	I32Store ret+0(FP)
	RET
