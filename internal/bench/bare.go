package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/hibiken/asynq"
)

const bareDB = 2

// runBare is the baseline: the least a correct handler can do. Read the
// body, check the HMAC, decode the array, enqueue one task per mutation
// (its own JSON as payload) with its TaskID, one after the other, answer.
// No IP checks, no validation of fields, no audit, no metrics.
func runBare(addr, redisAddr string) error {
	if profileDir != "" {
		f, err := os.Create(filepath.Join(profileDir, "bare.pprof"))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: redisAddr, DB: bareDB})
	defer client.Close()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		mac := hmac.New(sha256.New, []byte(benchSecret))
		mac.Write(body)
		got, _ := hex.DecodeString(r.Header.Get("Signature"))
		if !hmac.Equal(mac.Sum(nil), got) {
			http.Error(w, "signature", http.StatusUnauthorized)
			return
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(body, &raws); err != nil {
			http.Error(w, "json", http.StatusBadRequest)
			return
		}
		for _, raw := range raws {
			var m struct {
				MutationID string `json:"mutation_id"`
				BankID     string `json:"bank_id"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				http.Error(w, "json", http.StatusBadRequest)
				return
			}
			_, err := client.EnqueueContext(r.Context(), asynq.NewTask("mutation:process", raw),
				asynq.TaskID("moota:"+m.BankID+":"+m.MutationID), asynq.Retention(14*24*time.Hour))
			if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
				http.Error(w, "queue", http.StatusServiceUnavailable)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"accepted":%d}`, len(raws))
	})
	srv := &http.Server{Addr: addr, Handler: h}
	go func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt)
		<-ch
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func startBare(redisAddr string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"-bare-listen", addr, "-redis", redisAddr}
	if profileDir != "" {
		args = append(args, "-profile", profileDir)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{name: "bare", url: "http://" + addr + "/webhooks/moota", db: bareDB, cmd: cmd}
	return s, waitListening(addr)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitListening(addr string) error {
	for range 400 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("%s did not start listening", addr)
}
