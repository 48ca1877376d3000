package queue

import "time"

// SetLaneWait sets how long an enqueue waits for a lane, until restore.
func SetLaneWait(d time.Duration) (restore func()) {
	old := laneWait
	laneWait = d
	return func() { laneWait = old }
}
