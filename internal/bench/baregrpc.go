package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// runBareGRPC serves only gRPC's health service on the Unix socket path:
// the floor under a plugin round trip (two Go processes, gRPC, a socket;
// no go-plugin, no TLS, no Lunas code).
func runBareGRPC(path string) error {
	l, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	s := grpc.NewServer()
	healthpb.RegisterHealthServer(s, health.NewServer())
	return s.Serve(l)
}

// startBareGRPC starts runBareGRPC in another process and returns a Check
// call to it, and a stop function to call when done.
func startBareGRPC(ctx context.Context) (call rpcCall, stop func(), err error) {
	dir, err := os.MkdirTemp("", "lunas-bench-grpc-")
	if err != nil {
		return rpcCall{}, nil, err
	}
	sock := filepath.Join(dir, "grpc.sock")
	exe, err := os.Executable()
	if err != nil {
		os.RemoveAll(dir)
		return rpcCall{}, nil, err
	}
	cmd := exec.Command(exe, "-bare-grpc", sock)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return rpcCall{}, nil, err
	}
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	stop = func() {
		if conn != nil {
			conn.Close()
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		os.RemoveAll(dir)
	}
	if err != nil {
		stop()
		return rpcCall{}, nil, err
	}
	client := healthpb.NewHealthClient(conn)
	check := func() error {
		_, err := client.Check(ctx, &healthpb.HealthCheckRequest{})
		return err
	}
	for deadline := time.Now().Add(10 * time.Second); check() != nil; {
		if time.Now().After(deadline) {
			stop()
			return rpcCall{}, nil, fmt.Errorf("bare gRPC server did not answer on %s", sock)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return rpcCall{name: "bare gRPC health check (no go-plugin, no TLS)", fn: check}, stop, nil
}
