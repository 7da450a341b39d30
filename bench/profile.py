#!/usr/bin/env python3
"""CPU profile of the sample proxy under a SIPp step, with async-profiler from Maven Central, as a flame graph.

Usage: python3 bench/profile.py [--jar sample-proxy/target/sample-proxy.jar] [--rate 800] [--seconds 20]
                                [--config-template bench.cfg] [--out bench/results/profile] [--name after]
Writes NAME.collapsed (one line per stack, thread names first) and NAME.svg (bench/flamegraph.py), and prints the
share of samples by thread group and the top frames. The profiler is loaded at the JVM's start and started, through
`jcmd JVMTI.agent_load`, only for the measured step: the warm-up (and most of the JIT's work) stays out of it.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sipp_bench as sb  # noqa: E402

VERSION = "4.2"


def profiler_lib():
    """libasyncProfiler.so out of tools.profiler:async-profiler:VERSION:linux-x64 (fetched by Maven when missing)."""
    jar = os.path.expanduser(f"~/.m2/repository/tools/profiler/async-profiler/{VERSION}/"
                             f"async-profiler-{VERSION}-linux-x64.jar")
    if not os.path.exists(jar):
        subprocess.run(["mvn", "-B", "-q", "dependency:get",
                        f"-Dartifact=tools.profiler:async-profiler:{VERSION}:jar:linux-x64"], check=True)
    lib = os.path.join(tempfile.gettempdir(), f"libasyncProfiler-{VERSION}.so")
    if not os.path.exists(lib):
        with zipfile.ZipFile(jar) as z, open(lib, "wb") as f:
            f.write(z.read("linux-x64/libasyncProfiler.so"))
    return lib


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jar", default=sb.JAR)
    ap.add_argument("--rate", type=int, default=800)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--warmup-seconds", type=int, default=10)
    ap.add_argument("--template", default=None, help="proxy config template (default: sample-proxy/conf/bench.cfg)")
    ap.add_argument("--out", default=os.path.join(sb.ROOT, "bench", "results", "profile"))
    ap.add_argument("--name", default="profile")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sb.JAR = os.path.abspath(args.jar)
    collapsed = os.path.join(args.out, args.name + ".collapsed")
    lib = profiler_lib()
    workdir = tempfile.mkdtemp(prefix="sipmq-profile-")
    kwargs = {"template": args.template} if args.template else {}
    proxy = sb.Proxy(tempfile.mkdtemp(prefix="proxy-", dir=workdir), 0, ["-Xms512m", "-Xmx512m", f"-agentpath:{lib}"], [],
                     **kwargs)
    try:
        sb.warm_up(workdir, proxy, args.warmup_seconds)
        agent(proxy, lib, "start,event=cpu,interval=1ms,threads")
        r = sb.proxied_step(workdir, proxy, args.rate, args.seconds)
        agent(proxy, lib, f"stop,file={collapsed},collapsed")
        print({k: r[k] for k in ("rate", "failed_pct", "proxy_cpu_ms_per_call")}, flush=True)
    finally:
        proxy.stop()
    with open(os.path.join(args.out, args.name + ".svg"), "w") as f:
        subprocess.run([sys.executable, os.path.join(HERE, "flamegraph.py"), collapsed,
                        f"sipmq proxy, {args.rate} calls/s, {args.name}"], stdout=f, check=True)
    summarize(collapsed)


def agent(proxy, lib, options):
    """Sends a command to the profiler already loaded in the proxy's JVM."""
    # jcmd splits its arguments at commas unless the options are quoted
    r = subprocess.run(["jcmd", str(proxy.proc.pid), "JVMTI.agent_load", lib, f'"{options}"'], check=True,
                       capture_output=True, text=True, timeout=60)
    if "ERROR" in r.stdout or "return code: 0" not in r.stdout:
        raise SystemExit(f"async-profiler refused '{options}': {r.stdout.strip()}")


def summarize(path):
    threads, leaves, total = {}, {}, 0
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            n = int(n)
            frames = stack.split(";")
            total += n
            t = sb.thread_group(frames[0].strip("[]").split(" tid=")[0])
            threads[t] = threads.get(t, 0) + n
            leaves[frames[-1]] = leaves.get(frames[-1], 0) + n
    print(f"{total} samples")
    for k, v in sorted(threads.items(), key=lambda kv: -kv[1]):
        print(f"  {100.0 * v / total:5.1f} %  {k}")
    print("top frames:")
    for k, v in sorted(leaves.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {100.0 * v / total:5.1f} %  {k}")


if __name__ == "__main__":
    main()
