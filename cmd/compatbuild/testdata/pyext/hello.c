/* A Python extension module for the limited API (abi3) of Python 3.7 and
 * later. hello() returns 42 from a thread after a stat(): built by a plain
 * compiler on a new glibc it needs GLIBC_2.34 (pthread_create) and 2.33
 * (stat). */
#include <Python.h>
#include <pthread.h>
#include <sys/stat.h>

static void *worker(void *arg)
{
	return arg;
}

static PyObject *hello(PyObject *self, PyObject *args)
{
	pthread_t t;
	void *out = NULL;
	struct stat st;

	(void)self;
	(void)args;
	if (pthread_create(&t, NULL, worker, (void *)42) != 0 || pthread_join(t, &out) != 0)
		return PyErr_Format(PyExc_OSError, "threads failed");
	if (stat("/", &st) != 0)
		return PyErr_Format(PyExc_OSError, "stat failed");
	return PyLong_FromLong((long)(size_t)out);
}

static PyMethodDef methods[] = {
	{"hello", hello, METH_NOARGS, "returns 42 from a thread"},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "hello", NULL, -1, methods};

PyMODINIT_FUNC PyInit_hello(void)
{
	return PyModule_Create(&module);
}
