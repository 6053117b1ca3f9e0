"""The size budget (convfig.limits) per figure kind: the largest input each kind accepts, and what that
figure costs to render and encode (CPU time, wall time and peak memory of a fresh process). Goals:
<= 10 s and <= 1 GiB for every kind. The time goal is checked on CPU time (what one idle core takes;
wall time on a busy machine is longer). Prints numbers, asserts nothing.

Run: python bench/bench_limits.py [KIND ...]
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

TIME_GOAL_S = 10.0
MEMORY_GOAL_MB = 1024.0
MAX_SIDE = 4096

# figures beyond each kind's defaults whose size is also worth pushing (name suffix, extra params)
VARIANTS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "channels": [("8 ch x 8 f", {"channels": 8, "filters": 8})],
    "conv1d": [("3 ch x 4 f", {"channels": 3, "filters": 4})],
}

_CHILD = """
import json, resource, sys, time
from convfig.render.encode import encode
from convfig.render.registry import make_spec, render
kind, params = sys.argv[1], json.loads(sys.argv[2])
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
t0, c0 = time.perf_counter(), cpu()
r = render(make_spec(kind, params))
files = encode(r)
print(json.dumps({"s": time.perf_counter() - t0, "cpu": cpu() - c0,
                  "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "w": r.width, "h": r.height, "frames": len(r.frames), "bytes": sum(map(len, files.values()))}))
"""


def accepted(kind: str, params: dict[str, Any]) -> bool:
    """The budget and the kind's own rules accept it (make_spec, then the kind's compute: no drawing)."""
    from convfig.errors import ConvfigError
    from convfig.render.protocol import kind_module
    from convfig.render.registry import make_spec

    try:
        spec = make_spec(kind, params)
        kind_module(kind).compute(spec)
    except ConvfigError:
        return False
    return True


def largest(kind: str, extra: dict[str, Any]) -> dict[str, Any] | None:
    """The largest square input (every axis n) this kind accepts, by bisection on n."""
    from convfig.render.registry import KINDS

    defaults = KINDS[kind].defaults
    if "input" not in defaults:
        return extra if accepted(kind, extra) else None
    rank = len(defaults["input"])

    def params(n: int) -> dict[str, Any]:
        return {**extra, "input": "x".join([str(n)] * rank)}

    lo, hi = 1, MAX_SIDE
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if accepted(kind, params(mid)):
            lo = mid
        else:
            hi = mid - 1
    return params(lo) if accepted(kind, params(lo)) else None


def measure(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", _CHILD, kind, json.dumps(params)], capture_output=True, text=True,
                         timeout=600)
    if out.returncode:
        return {"error": (out.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(out.stdout)


def bench_limits(only: list[str] | None = None) -> list[tuple]:
    """Largest accepted figure of every kind: render + encode time and peak memory (fresh process)."""
    from convfig.limits import BUDGET
    from convfig.render.registry import KINDS

    rows: list[tuple] = []
    for kind in only or list(KINDS):
        for label, extra in [("", {})] + VARIANTS.get(kind, []):
            t0 = time.perf_counter()
            p = largest(kind, extra)
            search = time.perf_counter() - t0
            name = f"{kind}{' ' + label if label else ''}"
            if p is None:
                rows.append((f"largest {name}", 0, "s", "nothing accepted?"))
                continue
            m = measure(kind, p)
            if "error" in m:
                rows.append((f"largest {name} {p.get('input', '')}", 0, "s", f"ERROR {m['error']}"))
                continue
            ok = m["cpu"] <= TIME_GOAL_S and m["mb"] <= MEMORY_GOAL_MB
            shown = p.get("input", "defaults")
            rows.append((f"largest {name}: input {shown}", m["cpu"], "s CPU",
                         f"wall {m['s']:.1f} s, peak {m['mb']:.0f} MB, {m['frames']} frames of {m['w']}x{m['h']}, "
                         f"{m['bytes']:,} B; "
                         f"search {search:.1f} s; goal <= {TIME_GOAL_S:g} s CPU and <= {MEMORY_GOAL_MB:g} MB -> "
                         + ("MET" if ok else "MISSED")))
    rows.append(("budget", 0, "", "; ".join(f"{k} {v}" for k, v in BUDGET.rows())))
    return rows


if __name__ == "__main__":
    for row in bench_limits(sys.argv[1:] or None):
        print(*row, sep="\t", flush=True)
