"""Small helpers shared by the benchmark scripts: timing, headers, tables."""

import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from datetime import date

import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


_BLAS_LIMITS = None


def set_single_thread(blas_threads=1):
    """One torch thread for all timings; numpy's BLAS limited to ``blas_threads``.

    ``skbimt``'s swap search runs numpy matrix products, whose OpenBLAS thread
    pool is *not* governed by ``torch.set_num_threads``. On a 2-core machine
    with another busy process, a 2-thread OpenBLAS pool makes a 100x784 @
    784x100 product ~80x slower than one thread, so the default limits BLAS
    to one thread as well; ``blas_threads=None`` leaves numpy's default.
    """
    global _BLAS_LIMITS
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set, or parallel work already started
        pass
    if blas_threads is not None:
        from threadpoolctl import threadpool_limits

        _BLAS_LIMITS = threadpool_limits(limits=blas_threads, user_api="blas")


def add_thread_arguments(parser):
    parser.add_argument(
        "--blas-threads",
        default="1",
        help="numpy BLAS threads: an integer, or 'default' to leave numpy's own "
        "setting (default: 1)",
    )


def blas_threads_argument(value):
    return None if value == "default" else int(value)


def blas_thread_count():
    from threadpoolctl import threadpool_info

    counts = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return ",".join(map(str, counts)) or "?"


def timed(fn, *args, **kwargs):
    """Run ``fn`` once; return ``(seconds, result)``."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def median(values):
    return statistics.median(values)


def _git(*args):
    try:
        return subprocess.run(
            ["git", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def reproduce_command():
    script = os.path.relpath(os.path.abspath(sys.argv[0]), REPO)
    return f"cd {shlex.quote(REPO)} && python {shlex.join([script, *sys.argv[1:]])}"


def print_header(title):
    """Machine, versions, commit and the command that reproduces this run."""
    import numpy
    import sklearn

    commit = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--", "skbimt")
    print("=" * 78)
    print(title)
    print("=" * 78)
    print(f"date        : {date.today().isoformat()}")
    print(
        f"machine     : {platform.machine()}, {os.cpu_count()} logical cores, "
        f"{platform.processor() or platform.platform()}"
    )
    print(
        f"versions    : python {platform.python_version()}, torch {torch.__version__}, "
        f"numpy {numpy.__version__}, scikit-learn {sklearn.__version__}"
    )
    print(
        f"threads     : torch {torch.get_num_threads()} intra-op, numpy BLAS "
        f"{blas_thread_count()}"
    )
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load is not None:
        print(
            f"load average: {load[0]:.2f} (1 min) at start"
            + (
                "  -- other processes are busy; absolute times are noisy, "
                "ratios less so"
                if load[0] > 0.5
                else ""
            )
        )
    print(
        f"skbimt      : commit {commit}"
        + (" + uncommitted changes in skbimt/" if dirty and dirty != "?" else "")
    )
    print(f"reproduce   : {reproduce_command()}")
    print("-" * 78)
    sys.stdout.flush()


def print_table(rows, headers):
    """Plain fixed-width table; ``rows`` are lists of already formatted cells."""
    widths = [
        max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)
    ]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    sys.stdout.flush()


def fmt_time(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def verdict(value, target, smaller_is_better=True):
    """'met' or 'MISSED by x%' for a target."""
    ok = value <= target if smaller_is_better else value >= target
    if ok:
        return "target met"
    if smaller_is_better:
        return f"target MISSED by {100 * (value / target - 1):.0f}%"
    short = 100 * (1 - value / target)
    return f"target MISSED ({value:.0f}x < {target:.0f}x, {short:.0f}% short)"


def print_footer():
    """Load at the end: tells whether other processes competed for the cores."""
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()
        print(
            f"\nload average at end: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min)"
            + (
                "  -- this machine has 2 cores: a load above ~1 means another "
                "process competed with the benchmark"
                if load[1] > 1
                else ""
            )
        )
    print(f"reproduce: {reproduce_command()}")
    sys.stdout.flush()
