//go:build linux && amd64

package cgosymbolizer_test

// C threads calling Go (case 6): 8 threads created with pthread_create in C
// call the exported Go function goCheck over and over, all at once. goCheck
// walks its own stack with runtime.Callers + CallersFrames and checks that
// its C callers follow the callback frames: thread_work at the line calling
// goCheck, then thread_main at the line calling thread_work. That exercises
// the context callback on threads Go did not create, the traceback callback
// from those snapshots, and the symbolizer from 8 threads at once. The
// stackall variant also calls runtime.Stack(buf, true) in a loop meanwhile:
// the runtime then unwinds the other threads' callbacks from the world-
// stopping goroutine, and every goroutine in goCheck must show the same two
// C frames. Without the package neither C frame exists (control subtests).

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const threadsIters = 300

func TestThreadsCallers(t *testing.T) {
	t.Parallel()
	bin := buildProgram(t, progsDir, "./threads")
	args := []string{
		"threads.c",
		strconv.Itoa(lineOf(t, "threads", "threads.c", "MARK:work_calls_go")),
		strconv.Itoa(lineOf(t, "threads", "threads.c", "MARK:main_calls_work")),
		strconv.Itoa(threadsIters),
	}
	total := 8 * threadsIters

	for _, mode := range []string{"callers", "stackall"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			r := runProgram(t, bin, nil, append([]string{mode}, args...)...)
			// "callers ok N/N" with N = 8 * iterations exactly (callers),
			// or at least that (stackall keeps the threads going until it
			// has checked 200 goroutines).
			m := regexp.MustCompile(`(?m)^callers ok (\d+)/(\d+)$`).FindStringSubmatch(r.Stdout)
			if m == nil {
				t.Fatalf("no \"callers ok\" line; %v", r)
			}
			ok, calls := atoi(m[1]), atoi(m[2])
			if ok != calls || calls < total || mode == "callers" && calls != total {
				t.Errorf("%d of %d goCheck calls found their C callers (want all, and %d calls)\n%v", ok, calls, total, r)
			}
			if mode == "stackall" {
				m := regexp.MustCompile(`(?m)^stacks ok (\d+)/(\d+) in (\d+) dumps$`).FindStringSubmatch(r.Stdout)
				if m == nil {
					t.Fatalf("no \"stacks ok\" line; %v", r)
				}
				if atoi(m[1]) != atoi(m[2]) || atoi(m[2]) == 0 {
					t.Errorf("%s/%s goroutines in goCheck showed their C frames in runtime.Stack(all) (want all, and some)\n%v", m[1], m[2], r)
				}
			}
			if r.ExitCode != 0 {
				t.Errorf("want exit status 0; %v", r)
			}
		})
	}

	// Control: the same program without the package finds no C caller in
	// any call, so the check above cannot pass by accident.
	t.Run("control-off", func(t *testing.T) {
		t.Parallel()
		r := runProgram(t, bin, []string{"CGOSYMBOLIZER=off"}, append([]string{"callers"}, args...)...)
		if want := fmt.Sprintf("callers ok 0/%d\n", total); !strings.Contains(r.Stdout, want) || r.ExitCode != 1 {
			t.Errorf("want %q and exit status 1 without the package; %v", want, r)
		}
	})
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}
