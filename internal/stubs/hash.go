package stubs

// elfHash is the SysV ELF hash used by .hash and by vd_hash/vda_hash.
func elfHash(s string) uint32 {
	var h uint32
	for i := 0; i < len(s); i++ {
		h = h<<4 + uint32(s[i])
		g := h & 0xf0000000
		if g != 0 {
			h ^= g >> 24
		}
		h &^= g
	}
	return h
}

// gnuHash is the DJB-style hash used by .gnu.hash.
func gnuHash(s string) uint32 {
	h := uint32(5381)
	for i := 0; i < len(s); i++ {
		h = h*33 + uint32(s[i])
	}
	return h
}

// sysvBucketCount picks the .hash bucket count the way GNU ld does.
func sysvBucketCount(nsyms int) uint32 {
	buckets := [...]uint32{1, 3, 17, 37, 67, 97, 131, 197, 263, 521, 1031, 2053, 4099, 8209, 16411, 32771}
	best := buckets[0]
	for i, b := range buckets {
		best = b
		if i+1 == len(buckets) || uint32(nsyms) < buckets[i+1] {
			break
		}
	}
	return best
}

// gnuHashParams returns the .gnu.hash bucket count and bloom filter size in
// words (a power of two) for nsyms hashed symbols, like lld.
func gnuHashParams(nsyms int, wordBits int) (nbuckets, maskWords uint32) {
	nbuckets = uint32(max(nsyms/4, 1))
	bits := nsyms * 12 / wordBits
	maskWords = 1
	for int(maskWords) < bits {
		maskWords <<= 1
	}
	return nbuckets, maskWords
}

const gnuBloomShift = 26
