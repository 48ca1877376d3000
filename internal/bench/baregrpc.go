package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// timeBareGRPC starts runBareGRPC in another process and times n Check calls.
func timeBareGRPC(ctx context.Context, n int) (rpcResult, error) {
	dir, err := os.MkdirTemp("", "lunas-bench-grpc-")
	if err != nil {
		return rpcResult{}, err
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "grpc.sock")
	exe, err := os.Executable()
	if err != nil {
		return rpcResult{}, err
	}
	cmd := exec.Command(exe, "-bare-grpc", sock)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return rpcResult{}, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return rpcResult{}, err
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)
	check := func() error {
		_, err := client.Check(ctx, &healthpb.HealthCheckRequest{})
		return err
	}
	for deadline := time.Now().Add(10 * time.Second); check() != nil; {
		if time.Now().After(deadline) {
			return rpcResult{}, fmt.Errorf("bare gRPC server did not answer on %s", sock)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for range 200 {
		if err := check(); err != nil {
			return rpcResult{}, err
		}
	}
	lat := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		if err := check(); err != nil {
			return rpcResult{}, err
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	return rpcResult{name: "bare gRPC health check (no go-plugin, no TLS)", lat: lat}, nil
}
