/* A library another one needs (DT_NEEDED libdep.so, no RUNPATH). */
int dep_value(void)
{
	return 5;
}
