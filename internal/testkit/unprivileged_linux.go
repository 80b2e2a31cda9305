package testkit

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// Nobody is the user and group ID RunUnprivileged runs tests as.
const Nobody = 65534

// RunUnprivileged runs the calling top-level test again, in a new process,
// as the unprivileged user Nobody, when the tests run as root: root reads
// and writes files whatever their mode, so a test about permissions means
// nothing as root. It returns true when it did so and that run passed (the
// caller then returns), fails the test when that run failed, and returns
// false when the tests do not run as root (the caller goes on itself).
func RunUnprivileged(t *testing.T) bool {
	t.Helper()
	if os.Geteuid() != 0 {
		return false
	}
	// A copy of the test binary that Nobody may run, and a temporary
	// folder Nobody may write.
	dir, err := os.MkdirTemp("", "kb-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	tmp := filepath.Join(dir, "tmp")
	bin := filepath.Join(dir, "test")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{copyFile(os.Args[0], bin), os.Chmod(dir, 0o755), os.Chmod(bin, 0o755), os.Chown(tmp, Nobody, Nobody)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+tmp)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: Nobody, Gid: Nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run as user %d: %v\n%s", Nobody, err, out)
	}
	t.Logf("run as user %d:\n%s", Nobody, out)
	return true
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
