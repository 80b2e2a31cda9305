// Package browsertest holds helpers shared by kb's browser tests.
package browsertest

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Press presses a key as a keyboard does: one keydown carrying the text,
// which the page may cancel (and with it the typing or the form's
// submission), then the keyup. (chromedp.KeyEvent sends the text as a
// separate event that no keydown handler can cancel.)
func Press(t testing.TB, ctx context.Context, key, code string, keyCode int64, text string) {
	t.Helper()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
		p := input.DispatchKeyEventParams{Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode}
		if typ == input.DispatchKeyEventTypeKeyDown {
			p.Text, p.UnmodifiedText = text, text
		}
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
			t.Fatal(err)
		}
	}
}
