#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <sys/stat.h>

static PyObject *is_dir(PyObject *self, PyObject *args) {
	const char *path;
	struct stat st;
	if (!PyArg_ParseTuple(args, "s", &path))
		return NULL;
	return PyBool_FromLong(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

static PyMethodDef methods[] = {{"is_dir", is_dir, METH_VARARGS, "stat() a path"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "statext", NULL, -1, methods};

PyMODINIT_FUNC PyInit_statext(void) { return PyModule_Create(&module); }
