//go:build !linux

package testkit

import "testing"

// RunUnprivileged runs the calling test again as an unprivileged user when
// the tests run as root; only on Linux. Elsewhere it returns false and the
// caller goes on itself.
func RunUnprivileged(t *testing.T) bool { return false }
