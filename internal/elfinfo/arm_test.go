package elfinfo

import "testing"

func TestARMFlags(t *testing.T) {
	for flags, want := range map[uint32]ARMFlags{
		0x05000400: {5, ARMFloatHard}, // armhf
		0x05000200: {5, ARMFloatSoft}, // armel
		0x05000000: {5, ARMFloatUnknown},
		0x04000000: {4, ARMFloatUnknown}, // the bits mean nothing before EABI 5
		0x00000600: {0, ARMFloatUnknown},
	} {
		if got := armFlags(flags); got != want {
			t.Errorf("%#x: %+v, want %+v", flags, got, want)
		}
	}
}
