/* _Fork (glibc 2.34): fork without the atfork handlers (pthread_atfork)
 * and without the locking fork does around them, so it may be called from
 * a signal handler. Done as glibc does it: clone with SIGCHLD that has the
 * kernel store the child's thread ID into the calling thread's descriptor
 * (CLONE_CHILD_SETTID, and CLONE_CHILD_CLEARTID for its exit), then in the
 * child an empty robust-mutex list registered again (the kernel drops the
 * registration in a fork). glibc before 2.25 also caches the process ID
 * next to the thread ID; the child sets it too (the field is unused from
 * 2.25 on). Signals are blocked meanwhile so no handler sees the child
 * half set up. The offsets are glibc's, the same in every release (see
 * arch.h). */
#include <stddef.h>
#include "compat.h"

extern int sigprocmask(int how, const void *set, void *old);

#define COMPAT_SIGCHLD 17
#define COMPAT_CLONE_CHILD_CLEARTID 0x00200000
#define COMPAT_CLONE_CHILD_SETTID 0x01000000

struct compat_robust_head {
	void *list;
	long futex_offset;
	void *list_op_pending;
};

COMPAT_HIDDEN int _Fork(void)
{
	/* glibc's sigset_t: 1024 bits, which sigprocmask may copy whole. */
	unsigned long all[16], old[16];
	char *self;
	struct compat_robust_head *head = NULL;
	size_t len = 0;

	__asm__("mov %%fs:%c1, %0" : "=r"(self) : "i"(COMPAT_TCB_SELF_OFFSET));
	int *tid = (int *)(self + COMPAT_PTHREAD_TID_OFFSET);
	for (int i = 0; i < 16; i++)
		all[i] = ~0ul;
	syscall(COMPAT_SYS_get_robust_list, 0, &head, &len);
	sigprocmask(0 /* SIG_BLOCK */, all, old);
	long pid = syscall(COMPAT_SYS_clone, COMPAT_CLONE_CHILD_SETTID | COMPAT_CLONE_CHILD_CLEARTID | COMPAT_SIGCHLD,
			   0L, NULL, tid, 0L);
	if (pid == 0) {
		*(int *)(self + COMPAT_PTHREAD_PID_OFFSET) = *tid;
		if (head != NULL) {
			/* glibc keeps the list's previous-pointer right before
			 * the head (__PTHREAD_MUTEX_HAVE_PREV on x86_64). */
			((void **)head)[-1] = head;
			head->list = head;
			syscall(COMPAT_SYS_set_robust_list, head, len);
		}
	}
	sigprocmask(2 /* SIG_SETMASK */, old, NULL);
	return (int)pid;
}
