"""Run PyTorch on OpenBLAS when Debian's libopenblas0-serial is installed.

Debian's python3-torch links the reference BLAS (about 5 GFLOP/s here); OpenBLAS is ~15x faster on
one thread. Calling `use_openblas()` before `import torch` re-executes the current script with
LD_LIBRARY_PATH pointing at OpenBLAS, leaving the system's BLAS alternatives untouched.
G2P_NO_OPENBLAS=1 turns this off.
"""
import os
import sys

OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-serial"


def use_openblas():
    """Re-executes this process on OpenBLAS if it is installed and not in use yet."""
    if (os.path.exists(os.path.join(OPENBLAS, "libblas.so.3"))
            and OPENBLAS not in os.environ.get("LD_LIBRARY_PATH", "")
            and not os.environ.get("G2P_NO_OPENBLAS")):
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = OPENBLAS + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        env["OPENBLAS_NUM_THREADS"] = "1"
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def using_openblas():
    return OPENBLAS in os.environ.get("LD_LIBRARY_PATH", "")
