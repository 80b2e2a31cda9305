//go:build !linux

package beneath

// disable makes w use its os.Root alone, as it always does here.
func disable(*Folder) {}

func usesSys(*Folder) bool { return false }
