package main

import (
	"fmt"
	"os"
	"time"
)

// progress reports on standard error which workload and round is running and an estimate of
// the time left. On a terminal it rewrites one line; otherwise it prints a line per round.
type progress struct {
	on, tty  bool
	rounds   int
	total    int // workloads to run
	start    time.Time
	index    int // the current workload
	name     string
	sides    string        // who runs in the current workload
	wStart   time.Time     // when the current workload started
	finished time.Duration // the time of the workloads done
	done     int
	shown    bool // a line is on the terminal, to be cleared
}

func newProgress(on bool, rounds int) *progress {
	st, err := os.Stderr.Stat()
	tty := err == nil && st.Mode()&os.ModeCharDevice != 0
	return &progress{on: on, tty: tty, rounds: rounds, start: time.Now()}
}

// note shows what the program is doing before the workloads start.
func (p *progress) note(what string) {
	p.print("%s ...", what)
}

// startWorkload reports that workload i starts; both says whether go-sql-driver runs it too.
func (p *progress) startWorkload(i int, name string, both bool) {
	p.index, p.name, p.wStart = i, name, time.Now()
	p.sides = "myx only"
	if both {
		p.sides = "myx and go-sql-driver"
	}
}

// round reports that round k (from 0) of the current workload starts.
func (p *progress) round(k int) {
	left := "time left: estimated after the first workload"
	if d, ok := p.estimate(k, time.Now()); ok {
		left = "about " + d.Round(time.Second).String() + " left"
	}
	p.print("[%d/%d] %s: round %d of %d (%s), %s", p.index+1, p.total, p.name, k+1, p.rounds, p.sides, left)
}

// estimate gives the time left before round k of the current workload: the rounds left of
// this workload at the pace of its rounds so far (or of the workloads done), and the
// workloads left at the average time of those done.
func (p *progress) estimate(k int, now time.Time) (time.Duration, bool) {
	var perWorkload time.Duration
	if p.done > 0 {
		perWorkload = p.finished / time.Duration(p.done)
	}
	var current time.Duration
	switch {
	case k > 0:
		perRound := now.Sub(p.wStart) / time.Duration(k)
		current = perRound * time.Duration(p.rounds-k)
	case p.done > 0:
		current = perWorkload
	default:
		return 0, false
	}
	if p.done == 0 && p.total-p.index-1 > 0 {
		// Only this workload's pace is known: take it for the others too.
		perWorkload = now.Sub(p.wStart) + current
	}
	return current + perWorkload*time.Duration(p.total-p.index-1), true
}

func (p *progress) endWorkload() {
	p.finished += time.Since(p.wStart)
	p.done++
	p.clear()
}

// finish reports the total time.
func (p *progress) finish() {
	if p.on {
		p.clear()
		fmt.Fprintf(os.Stderr, "done in %s\n", time.Since(p.start).Round(100*time.Millisecond))
	}
}

func (p *progress) print(format string, args ...any) {
	if !p.on {
		return
	}
	line := fmt.Sprintf(format, args...)
	if p.tty {
		fmt.Fprintf(os.Stderr, "\r\033[K%s", line)
		p.shown = true
		return
	}
	fmt.Fprintln(os.Stderr, line)
}

// clear removes the terminal's progress line before other output.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(os.Stderr, "\r\033[K")
		p.shown = false
	}
}
