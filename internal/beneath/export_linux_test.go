package beneath

// disable makes w use its os.Root alone.
func disable(w *Folder) { w.sys.off.Store(true) }

// usesSys reports whether w writes through openat2.
func usesSys(w *Folder) bool { return w.sys.dir != nil && !w.sys.off.Load() }
