/* compatbuild's mark on the start files it builds, included by every
 * ABI's start.S: a note, owner "compatbuild", type 1 (COMPAT_START_NOTE in
 * libcompat.go), no descriptor. The linker gathers allocated notes into
 * the executable's PT_NOTE segment, which strip and --gc-sections keep,
 * so the driver can tell after a link that the compiler took crt1.o or
 * Scrt1.o from the sysroot and not the host's (whose start code calls
 * __libc_start_main the 2.34 way: on an older glibc the program's
 * constructors would never run). */
	.pushsection .note.compatbuild, "a", %note
	.p2align 2
	.long 12                    /* n_namesz: "compatbuild" and its NUL */
	.long 0                     /* n_descsz */
	.long 1                     /* n_type */
	.asciz "compatbuild"
	.p2align 2
	.popsection
