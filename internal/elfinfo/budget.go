package elfinfo

import (
	"runtime"
	"sync"
)

// MemoryBudget is the memory, in bytes, that the tables of all ELF files
// being read at once may hold: check reads files in parallel, and each
// reader asks for its tables' size before allocating them. A file whose
// tables alone exceed the budget is read when no other file holds any, so
// the peak is the budget or the largest real file's tables, whichever is
// larger (plus small fixed costs per reader).
const MemoryBudget = 48 << 20

var budget = struct {
	sync.Mutex
	cond sync.Cond
	used uint64
}{}

func init() { budget.cond.L = &budget.Mutex }

// acquire waits until n bytes fit the budget (or nothing else is held).
// A reader calls it once, after learning its tables' sizes and before
// reading them, so no reader holds part of the budget while waiting for
// more: there is no deadlock.
func acquire(n uint64) {
	budget.Lock()
	for budget.used > 0 && budget.used+n > MemoryBudget {
		budget.cond.Wait()
	}
	budget.used += n
	budget.Unlock()
}

func release(n uint64) {
	budget.Lock()
	budget.used -= n
	budget.Unlock()
	if n >= collectAbove {
		// The tables just read are garbage now. Collect before the next
		// reader allocates its own, or the heap would grow to twice the
		// budget before the collector's own pacing frees them.
		runtime.GC()
	}
	budget.cond.Broadcast()
}

// collectAbove is the table size from which a reader's release collects.
const collectAbove = 8 << 20
