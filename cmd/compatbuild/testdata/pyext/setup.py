from setuptools import setup, Extension

setup(
    name="compatbuild-hello",
    version="1.0",
    ext_modules=[Extension("hello", ["hello.c"], py_limited_api=True,
                           define_macros=[("Py_LIMITED_API", "0x03070000")])],
    options={"bdist_wheel": {"py_limited_api": "cp37"}},
)
