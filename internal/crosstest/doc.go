// Package crosstest holds the end-to-end tests of cross builds: for every
// ABI besides x86_64, programs and libraries linked on this machine with
// Debian's cross compilers through internal/driver, for the ABI's oldest
// glibc, and run under a real glibc of that architecture through
// qemu-user (i386 natively). They live in their own package because each
// ABI builds its sysroots and polyfill archive from cold, which is most of
// a test binary's time budget.
package crosstest
