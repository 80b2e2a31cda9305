//go:build unix

package builder

import (
	"errors"
	"os"
	"syscall"
)

// lockExclusive takes an exclusive lock on f if no other open file holds
// one on the same folder, without waiting.
func lockExclusive(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

// lockShared takes (or turns an exclusive lock into) a shared lock on f,
// waiting while another holds an exclusive one.
func lockShared(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
