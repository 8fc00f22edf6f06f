"""Run PyTorch on OpenBLAS when Debian's libopenblas0-serial is installed, and say which BLAS ran.

Debian's python3-torch links libblas.so.3, which is whatever the system's BLAS alternative points
at: the reference BLAS (netlib, about 5 GFLOP/s), or OpenBLAS (pthread or serial build) when one is
installed. Calling `use_openblas()` before `import torch` re-executes the current script with
LD_LIBRARY_PATH pointing at the serial OpenBLAS if it is installed, leaving the system's BLAS
alternatives untouched; otherwise nothing changes. G2P_NO_OPENBLAS=1 turns this off.
`blas_info()` (after `import torch`) reports what was actually loaded, never what was hoped for.
"""
import ctypes
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


def blas_info():
    """The BLAS this process runs on, detected: the shared library mapped for libblas (from
    /proc/self/maps), OpenBLAS's own config string and thread count when it is OpenBLAS, torch's
    BLAS_INFO (from torch.__config__.show()) and torch's intra-op thread count."""
    info = {"library": None, "openblas_config": None, "openblas_threads": None}
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1].lower() and "/" in line})
        info["library"] = next((l for l in libs if "libblas" in l or "openblas" in l), libs[0] if libs else None)
        real = os.path.realpath(info["library"]) if info["library"] else None
        info["library_file"] = real
        if real:
            lib = ctypes.CDLL(real)
            if hasattr(lib, "openblas_get_config"):
                lib.openblas_get_config.restype = ctypes.c_char_p
                info["openblas_config"] = lib.openblas_get_config().decode()
                info["openblas_threads"] = lib.openblas_get_num_threads()
    except OSError:
        pass
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        show = torch.__config__.show()
        info["torch_blas_info"] = next((l.split("BLAS_INFO=")[1].split(",")[0] for l in show.splitlines() if "BLAS_INFO=" in l), None)
        info["torch_threads"] = torch.get_num_threads()
    return info


def blas_label(info):
    """A short label from blas_info(): e.g. "OpenBLAS 0.3.21 (openblas-pthread), 1 thread"."""
    lib = info.get("library_file") or info.get("library") or "?"
    where = os.path.basename(os.path.dirname(lib)) if lib != "?" else "?"
    if info.get("openblas_config"):
        name = " ".join(info["openblas_config"].split()[:2])
        return f"{name} ({where}), {info['openblas_threads']} BLAS thread(s), torch {info.get('torch_threads')} thread(s)"
    return f"{os.path.basename(lib)} in {where} (not OpenBLAS; e.g. netlib's reference BLAS), torch {info.get('torch_threads')} thread(s)"
