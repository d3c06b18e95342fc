# compatbuild verify's Python host, run by the runtime's own Python 3:
#
#   python3 -s -c <this> module PATH   CALL CALLMODE
#   python3 -s -c <this> wheel  SITE   CALL CALLMODE NAME... -- MODULE...
#
# "module" imports the extension module file PATH under its own name;
# "wheel" imports, from the private site directory SITE the wheel was
# installed into, the top-level packages NAME... and then every extension
# module MODULE... by its dotted name (pkg._native), so that each one is
# loaded even when no package imports it at import time. CALL ("" for none) is then
# called with no arguments (CALLMODE "int": its result must be an int).
# Progress goes to file descriptor 3, one line per step, in the protocol of
# the dlopen host (host.c), plus:
#
#   libc VERSION       the C library this Python runs on
#   python X.Y
#   mismatch TEXT      this Python does not import such a file   exit 6
import os
import sys


def report(*words):
    line = " ".join(str(w) for w in words).replace("\n", " ").replace("\r", " ")
    data = (line + "\n").encode("utf-8", "replace")
    try:
        os.write(3, data)
    except OSError:
        sys.stderr.buffer.write(data)


mode, target, call, callmode = sys.argv[1:5]
names, modnames = sys.argv[5:], []
if "--" in names:
    cut = names.index("--")
    names, modnames = names[:cut], names[cut + 1:]
report("libc", os.confstr("CS_GNU_LIBC_VERSION").split()[-1])
report("python", "%d.%d" % sys.version_info[:2])

import importlib
import importlib.machinery
import importlib.util

modules = []
try:
    if mode == "module":
        # `import NAME` finds NAME + one of this Python's extension
        # suffixes: a module name has no dot, so the suffix is all from
        # the first dot on.
        base = os.path.basename(target)
        name, dot, rest = base.partition(".")
        suffixes = importlib.machinery.EXTENSION_SUFFIXES
        if "." + rest not in suffixes:
            report("mismatch", "Python %d.%d imports extension modules named NAME%s, not %s" % (
                sys.version_info[0], sys.version_info[1], " or NAME".join(suffixes), base))
            sys.exit(6)
        spec = importlib.util.spec_from_file_location(name, target)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        modules.append(module)
    else:
        sys.path.insert(0, target)
        for name in names + modnames:
            module = importlib.import_module(name)
            if module not in modules:
                modules.append(module)
except ImportError as e:
    report("dlopen-failed", e)
    sys.exit(4)
except Exception as e:
    report("dlopen-failed", "importing raised %s: %s" % (type(e).__name__, e))
    sys.exit(4)
sys.stdout.flush()
report("loaded", " ".join(m.__name__ for m in modules))
if call:
    fn = next((getattr(m, call) for m in modules if callable(getattr(m, call, None))), None)
    if fn is None:
        report("dlsym-failed", "no function %s in %s" % (call, ", ".join(m.__name__ for m in modules)))
        sys.exit(5)
    report("calling", call)
    result = fn()
    sys.stdout.flush()
    if callmode == "int":
        if not isinstance(result, int):
            report("returned-other", repr(result))
        else:
            report("returned", result)
report("ok")
