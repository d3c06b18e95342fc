package driver

import (
	"slices"
	"testing"
)

func TestDropZOption(t *testing.T) {
	for _, tc := range []struct {
		in, want []string
		dropped  bool
	}{
		{[]string{"a.o", "-Wl,-z,mark-plt", "-o", "x"}, []string{"a.o", "-o", "x"}, true},
		{[]string{"-Wl,-O1,-z,mark-plt,--as-needed"}, []string{"-Wl,-O1,--as-needed"}, true},
		{[]string{"-Wl,-zmark-plt"}, nil, true},
		{[]string{"-Xlinker", "-z", "-Xlinker", "mark-plt", "a.o"}, []string{"a.o"}, true},
		{[]string{"-z", "mark-plt", "a.o"}, []string{"a.o"}, true},
		{[]string{"-zmark-plt", "a.o"}, []string{"a.o"}, true},
		// Other -z options, and look-alikes, stay.
		{[]string{"-Wl,-z,now,-z,relro", "-z", "noexecstack"}, []string{"-Wl,-z,now,-z,relro", "-z", "noexecstack"}, false},
		{[]string{"-Wl,-z,nomark-plt", "-Dmark-plt"}, []string{"-Wl,-z,nomark-plt", "-Dmark-plt"}, false},
		{[]string{"-z"}, []string{"-z"}, false},
	} {
		got, dropped := dropZOption(tc.in, "mark-plt")
		if !slices.Equal(got, tc.want) || dropped != tc.dropped {
			t.Errorf("dropZOption(%q) = %q, %v; want %q, %v", tc.in, got, dropped, tc.want, tc.dropped)
		}
	}
}
