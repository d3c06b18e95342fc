/* __x86_get_cpuid_feature_leaf (glibc 2.33): what <sys/platform/x86.h>'s
 * CPU_FEATURE_PRESENT and CPU_FEATURE_ACTIVE read. For each cpuid leaf the
 * header knows (1; 7; 0x80000001; 0xd/1; 0x80000007; 0x80000008; 7/1;
 * 0x19; 0x14) the registers as the CPU reports them, and the features
 * that are also usable: the ones that need no operating-system support,
 * the AVX, AVX-512 and AMX families when the kernel saves their register
 * state (XCR0), and the rest by the rules of glibc 2.41's update_active.
 * Not reproduced: the features glibc turns off for particular CPU models,
 * and GLIBC_TUNABLES. Leaves newer headers add (AVX10's 0x24) read as
 * all zero, as glibc answers for an index it does not know.
 *
 * Filled on first use, not in a constructor, so other constructors may
 * ask too. */
#include <cpuid.h>
#include "compat.h"

struct compat_cpuid_feature {
	unsigned int cpuid[4]; /* eax, ebx, ecx, edx */
	unsigned int active[4];
};

enum { EAX, EBX, ECX, EDX };
#define LEAVES 9

/* A feature: leaf index, register, bit. */
struct compat_bit {
	unsigned char leaf, reg, bit;
};

/* Usable whenever present: no OS support needed. */
static const struct compat_bit always[] = {
	{0, ECX, 0}, {0, ECX, 1}, {0, ECX, 9}, {0, ECX, 13}, {0, ECX, 19}, {0, ECX, 20}, {0, ECX, 22},
	{0, ECX, 23}, {0, ECX, 25}, {0, ECX, 27}, {0, ECX, 30}, {0, EDX, 4}, {0, EDX, 8}, {0, EDX, 15},
	{0, EDX, 19}, {0, EDX, 23}, {0, EDX, 24}, {0, EDX, 25}, {0, EDX, 26}, {0, EDX, 28},
	{1, EBX, 3}, {1, EBX, 4}, {1, EBX, 8}, {1, EBX, 9}, {1, EBX, 18}, {1, EBX, 19}, {1, EBX, 23},
	{1, EBX, 24}, {1, EBX, 29}, {1, ECX, 0}, {1, ECX, 4}, {1, ECX, 5}, {1, ECX, 8}, {1, ECX, 22},
	{1, ECX, 25}, {1, ECX, 27}, {1, ECX, 28}, {1, EDX, 4}, {1, EDX, 11}, {1, EDX, 14}, {1, EDX, 16},
	{2, ECX, 0}, {2, ECX, 5}, {2, ECX, 6}, {2, ECX, 8}, {2, ECX, 21}, {2, EDX, 27},
	{5, EBX, 9}, {6, EAX, 3}, {6, EAX, 7}, {6, EAX, 10}, {6, EAX, 11}, {6, EAX, 12}, {6, EDX, 14},
	{8, EBX, 4},
};
/* With AVX usable (XMM and YMM state): AVX-IFMA, AVX-NE-CONVERT,
 * AVX-VNNI, AVX-VNNI-INT8, FMA, VAES, VPCLMULQDQ, XOP, F16C. */
static const struct compat_bit with_avx[] = {
	{6, EAX, 23}, {6, EDX, 5}, {6, EAX, 4}, {6, EDX, 4}, {0, ECX, 12}, {1, ECX, 9}, {1, ECX, 10},
	{2, ECX, 11}, {0, ECX, 29},
};
/* With AVX512F usable (opmask and ZMM state). */
static const struct compat_bit with_avx512[] = {
	{1, EBX, 28}, {1, EBX, 27}, {1, EBX, 26}, {1, EBX, 31}, {1, EBX, 17}, {1, EBX, 30}, {1, EDX, 3},
	{1, EDX, 2}, {1, ECX, 12}, {1, EBX, 21}, {1, ECX, 1}, {1, ECX, 6}, {1, ECX, 11}, {1, ECX, 14},
	{1, EDX, 8}, {6, EAX, 5}, {1, EDX, 23},
};
/* With the tile state: AMX-BF16, AMX-TILE, AMX-INT8, AMX-FP16,
 * AMX-COMPLEX. */
static const struct compat_bit with_amx[] = {
	{1, EDX, 22}, {1, EDX, 24}, {1, EDX, 25}, {6, EAX, 21}, {6, EDX, 8},
};
/* With OSXSAVE: XSAVEOPT, XSAVEC, XGETBV_ECX_1, XFD. */
static const struct compat_bit with_osxsave[] = {
	{3, EAX, 0}, {3, EAX, 1}, {3, EAX, 2}, {3, EAX, 4},
};

static struct compat_cpuid_feature features[LEAVES];
static const struct compat_cpuid_feature unknown;
static int state; /* 0 not filled, 1 being filled, 2 filled */

extern unsigned long getauxval(unsigned long type);

static int present(struct compat_bit b)
{
	return (features[b.leaf].cpuid[b.reg] >> b.bit) & 1;
}

static void activate(struct compat_bit b)
{
	features[b.leaf].active[b.reg] |= features[b.leaf].cpuid[b.reg] & (1u << b.bit);
}

#define ACTIVATE_ALL(list)                                                      \
	for (unsigned int i = 0; i < sizeof list / sizeof list[0]; i++) \
	activate(list[i])

static void query(int leaf, unsigned int fn, unsigned int sub)
{
	unsigned int *r = features[leaf].cpuid;
	__cpuid_count(fn, sub, r[EAX], r[EBX], r[ECX], r[EDX]);
}

static void fill(void)
{
	unsigned int max, ext, a, b, c, d;

	__cpuid(0, max, b, c, d);
	__cpuid(0x80000000, ext, b, c, d);
	query(0, 1, 0);
	if (max >= 7) {
		query(1, 7, 0);
		query(6, 7, 1);
	}
	if (ext >= 0x80000001)
		query(2, 0x80000001, 0);
	if (max >= 0xd)
		query(3, 0xd, 1);
	if (ext >= 0x80000007)
		query(4, 0x80000007, 0);
	if (ext >= 0x80000008)
		query(5, 0x80000008, 0);
	if (max >= 0x19)
		query(7, 0x19, 0);
	if (max >= 0x14)
		query(8, 0x14, 0);

	ACTIVATE_ALL(always);
	if (!present((struct compat_bit){1, EDX, 11})) /* RTM unless RTM_ALWAYS_ABORT */
		activate((struct compat_bit){1, EBX, 11});
	if (present((struct compat_bit){0, ECX, 27})) { /* OSXSAVE: XCR0 readable */
		__asm__("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
		if ((a & 6) == 6) { /* XMM and YMM state */
			if (present((struct compat_bit){0, ECX, 28})) { /* AVX */
				activate((struct compat_bit){0, ECX, 28});
				activate((struct compat_bit){1, EBX, 5}); /* AVX2 */
				ACTIVATE_ALL(with_avx);
			}
			if ((a & 0xe0) == 0xe0 && present((struct compat_bit){1, EBX, 16})) { /* AVX512F */
				activate((struct compat_bit){1, EBX, 16});
				ACTIVATE_ALL(with_avx512);
			}
		}
		if ((a & 0x60000) == 0x60000) /* XTILECFG and XTILEDATA state */
			ACTIVATE_ALL(with_amx);
		activate((struct compat_bit){0, ECX, 26}); /* XSAVE */
		ACTIVATE_ALL(with_osxsave);
	}
	if (present((struct compat_bit){1, ECX, 4})) /* OSPKE: PKU */
		activate((struct compat_bit){1, ECX, 3});
	if (present((struct compat_bit){7, EBX, 0})) { /* AESKLE: KL, WIDE_KL */
		activate((struct compat_bit){7, EBX, 0});
		activate((struct compat_bit){1, ECX, 23});
		activate((struct compat_bit){7, EBX, 2});
	}
	if (getauxval(26 /* AT_HWCAP2 */) & 2 /* HWCAP2_FSGSBASE */)
		activate((struct compat_bit){1, EBX, 0});
}

COMPAT_HIDDEN const struct compat_cpuid_feature *__x86_get_cpuid_feature_leaf(unsigned int leaf)
{
	int s = __atomic_load_n(&state, __ATOMIC_ACQUIRE);
	if (s != 2) {
		int expect = 0;
		if (__atomic_compare_exchange_n(&state, &expect, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
			fill();
			__atomic_store_n(&state, 2, __ATOMIC_RELEASE);
		} else {
			while (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
				__asm__ __volatile__("pause");
		}
	}
	return leaf < LEAVES ? &features[leaf] : &unknown;
}
