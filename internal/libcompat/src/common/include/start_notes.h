/* The notes every ABI's start.S carries, included at its end.
 *
 * compatbuild's mark: owner "compatbuild", type 1 (StartNoteOwner and
 * StartNoteType in libcompat.go), no descriptor. The linker gathers
 * allocated notes into the executable's PT_NOTE segment, which strip and
 * --gc-sections keep, so the driver can tell after a link that the
 * compiler took crt1.o or Scrt1.o from the sysroot and not the host's
 * (whose start code calls __libc_start_main the 2.34 way: on an older
 * glibc the program's constructors would never run).
 *
 * The ABI tag (NT_GNU_ABI_TAG): the oldest Linux kernel the target glibc
 * supports (COMPAT_KERNEL_*, set by the builder per release), which the
 * loader of that glibc checks.
 *
 * Note words are 4 bytes on every ABI (.long); "%note" is the section type
 * spelling every assembler accepts (arm reads "@" as a comment). */
	.pushsection .note.compatbuild, "a", %note
	.p2align 2
	.long 12                    /* n_namesz: "compatbuild" and its NUL */
	.long 0                     /* n_descsz */
	.long 1                     /* n_type */
	.asciz "compatbuild"
	.p2align 2
	.popsection

	.pushsection .note.ABI-tag, "a", %note
	.p2align 2
	.long 4, 16, 1              /* n_namesz, n_descsz, NT_GNU_ABI_TAG */
	.asciz "GNU"
	.long 0                     /* ELF_NOTE_OS_LINUX */
	.long COMPAT_KERNEL_MAJOR, COMPAT_KERNEL_MINOR, COMPAT_KERNEL_PATCH
	.popsection
