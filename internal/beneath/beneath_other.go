//go:build !linux

package beneath

import (
	"io/fs"
	"os"
)

// sysFolder does nothing of its own: the os.Root does the work.
type sysFolder struct{}

func newSys(*os.Root) sysFolder                                        { return sysFolder{} }
func (*sysFolder) close() error                                        { return nil }
func (*sysFolder) writeFile(string, []byte, fs.FileMode) (bool, error) { return false, nil }
func (*sysFolder) rename(string, string) (bool, error)                 { return false, nil }
func (*sysFolder) mkdir(string, fs.FileMode) (bool, error)             { return false, nil }
