package elfinfo

// ARM's e_flags (ELF for the Arm Architecture, "ELF header": EF_ARM_EABIMASK
// and the float-ABI bits of EABI version 5) tell the two Linux ARM ABIs
// apart, which share EM_ARM, ELFCLASS32 and glibc's symbol versions but
// not the calling convention: armhf passes floating-point values in VFP
// registers (EF_ARM_ABI_FLOAT_HARD, loader /lib/ld-linux-armhf.so.3),
// armel in integer registers (EF_ARM_ABI_FLOAT_SOFT, loader
// /lib/ld-linux.so.3). The bits are those of glibc's elf.h and binutils'
// include/elf/arm.h.
const (
	efARMEABIMask      = 0xff000000 // EF_ARM_EABIMASK: the EABI version in the top byte
	efARMABIFloatSoft  = 0x200      // EF_ARM_ABI_FLOAT_SOFT (EABI 5)
	efARMABIFloatHard  = 0x400      // EF_ARM_ABI_FLOAT_HARD (EABI 5)
	armFloatBitsSince  = 5          // EABI version from which the float bits exist
	armEABIVersionBits = 24
)

// Float ABIs of an ARM file's e_flags.
const (
	ARMFloatUnknown = ""     // not said (EABI < 5, or neither bit)
	ARMFloatHard    = "hard" // EF_ARM_ABI_FLOAT_HARD: armhf
	ARMFloatSoft    = "soft" // EF_ARM_ABI_FLOAT_SOFT: armel
)

// ARMFlags is what an ARM file's e_flags say of its ABI.
type ARMFlags struct {
	// EABI is the EABI version (EF_ARM_EABIMASK >> 24): 5 for every
	// Linux EABI program glibc supports; 0 for the old ABI.
	EABI int
	// Float is ARMFloatHard, ARMFloatSoft or ARMFloatUnknown.
	Float string
}

func armFlags(flags uint32) ARMFlags {
	a := ARMFlags{EABI: int((flags & efARMEABIMask) >> armEABIVersionBits)}
	if a.EABI >= armFloatBitsSince {
		switch {
		case flags&efARMABIFloatHard != 0 && flags&efARMABIFloatSoft == 0:
			a.Float = ARMFloatHard
		case flags&efARMABIFloatSoft != 0 && flags&efARMABIFloatHard == 0:
			a.Float = ARMFloatSoft
		}
	}
	return a
}
