# A C extension module built by setuptools; stat() is GLIBC_2.33 when linked
# plainly on a new glibc. FORCE_SYSCONFIG_LINKER=1 makes build_ext link with
# sysconfig's LDSHARED whatever the environment says, as old-style
# distutils setups that set the linker themselves do.
import os
import sysconfig
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class SysconfigLinker(build_ext):
    def build_extensions(self):
        if os.environ.get("FORCE_SYSCONFIG_LINKER") == "1":
            self.compiler.set_executables(linker_so=sysconfig.get_config_var("LDSHARED"))
        super().build_extensions()


setup(
    name="statext",
    version="1.0",
    ext_modules=[Extension("statext", ["statext.c"])],
    cmdclass={"build_ext": SysconfigLinker},
)
