package proc

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

func TestRSSAndChildren(t *testing.T) {
	if RSSKiB(os.Getpid()) <= 0 {
		t.Fatal("no resident memory read for this process")
	}
	cmd := exec.Command("sleep", "10")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep command:", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if kids := Children(os.Getpid()); !slices.Contains(kids, cmd.Process.Pid) {
		t.Fatalf("Children = %v, want %d among them", kids, cmd.Process.Pid)
	}
	if RSSKiB(-1) != 0 || len(Children(-1)) != 0 {
		t.Fatal("a process that does not exist has memory or children")
	}
}
