// Command kb builds a static intranet knowledge base from a folder of
// Markdown playbooks, checks it, and previews it live.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"kb/builder"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// version is set at link time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes.
const (
	exitOK      = 0
	exitContent = 1
	exitUsage   = 2
	// exitInterrupted is a build or check stopped by a signal, as a shell
	// reports a command ended by Ctrl-C.
	exitInterrupted = 130
)

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

// errHelp marks -h: usage was printed on request (exit status 0).
var errHelp = errors.New("help")

// errContent marks content errors already reported (exit status 1).
var errContent = errors.New("content errors")

// memoryLimit returns the soft memory limit kb sets when the environment
// sets none (GOMEMLIMIT, "off" included; then it returns -1): an eighth of
// the machine's memory (total bytes, 0 when unknown: no limit). Past it the
// garbage collector runs more often, which keeps the build of a very large
// site near it, at some cost in time, and leaves the rest of the machine to
// the rest; a build that fits under it is not affected. (100,000 pages on a
// machine with 23.5 GB: 3.6 GB peak in 3:21 with an eighth, 4.4 GB in 3:08
// with a quarter.)
func memoryLimit(env string, total uint64) int64 {
	if env != "" || total == 0 {
		return -1
	}
	return int64(total / 8)
}

func main() { os.Exit(command(os.Args[1:])) }

// command runs kb as the process does: with its memory limit, and a
// context that Ctrl-C or SIGTERM ends. It returns the exit status.
func command(args []string) int {
	if limit := memoryLimit(os.Getenv("GOMEMLIMIT"), totalMemory()); limit >= 0 {
		debug.SetMemoryLimit(limit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, os.Stdout, os.Stderr)
}

const usage = `kb turns a folder of Markdown playbooks into a static intranet knowledge base.

Usage:
  kb build    [--source DIR] [--dest DIR] [--force] [--base-url URL]
              [--drafts] [--watch [--poll DUR]]
      build the site
  kb serve    [--source DIR] [--addr HOST:PORT] [--poll DUR] [--no-watch]
              [--dest DIR] [--force] [--base-url URL] [--drafts]
              [--verbose] [--allowed-host HOST] [--no-build]
      preview the site: build, serve and rebuild on change
  kb check    [--source DIR] [--format human|github|json] [--strict]
              [--changed-since REF] [--drafts]
      validate without writing
  kb new      KIND "Title" [--lang CODE] [--source DIR]
      start a new playbook
  kb version  print the version
  kb help     show this help

Run "kb COMMAND -h" for what each flag does.
`

// Run executes one kb command and returns its exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "build":
		err = runBuild(ctx, args[1:], stdout, stderr)
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr)
	case "check":
		err = runCheck(ctx, args[1:], stdout, stderr)
	case "new":
		err = runNew(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "kb %s\n", version)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "kb: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case errors.Is(err, builder.ErrUnsafeDest):
		fmt.Fprintf(stderr, "kb: %s\n", strings.TrimPrefix(err.Error(), builder.ErrUnsafeDest.Error()+": "))
		return exitUsage
	case errors.Is(err, errUsage):
		if err != errUsage { // a message beyond the flag package's own
			fmt.Fprintf(stderr, "kb: %s\n", strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
		}
		return exitUsage
	case errors.Is(err, errContent):
		return exitContent
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "kb: interrupted")
		return exitInterrupted
	default:
		fmt.Fprintf(stderr, "kb: %v\n", err)
		return exitContent
	}
}
