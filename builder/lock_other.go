//go:build !unix

package builder

import "os"

// lockExclusive never succeeds where there is no flock: a live build's
// staging folder cannot be told from a dead one's, so none is removed.
func lockExclusive(*os.File) bool { return false }

// lockShared does nothing where there is no flock.
func lockShared(*os.File) error { return nil }
