#!/usr/bin/env python3
"""SIPp ramp through N sample proxies that share acc in Redis (docs/scale-out.md): bench/run.sh --scale-out.

A redis-server of the run's own on a free port (so that the machine's shared Redis is left alone), then --nodes
sample proxies on sample-proxy/conf/bench-redis.cfg. Each rate step splits its calls evenly over the nodes: one
SIPp UAC/UAS pair per node, all at once, each bounded in calls and time. After each step the shared queue must
drain (as every node sees it) and the items fetched by all nodes must equal the items added on all nodes.
Results go to bench/results/scale-out/: results.json and results.md.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sipp_bench  # noqa: E402  (the same proxy runner and SIPp step)


def metric(admin_port, name, queue="acc"):
    with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + "{") and f'queue="{queue}"' in line:
                return float(line.rsplit(" ", 1)[1])
    return None


def start_redis(workdir):
    port = sipp_bench.free_port(socket.SOCK_STREAM)
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", workdir], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(100):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() \
                == "PONG":
            return proc, port
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("bench: redis-server did not answer within 10 s")


def step(workdir, nodes, rate, seconds):
    share = max(rate // len(nodes), 1)
    results = [None] * len(nodes)
    cpu0 = [n.cpu_ms() for n in nodes]

    def run(i):
        results[i] = sipp_bench.sipp_step(workdir, share, seconds, nodes[i].port)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(nodes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    drained = [n.wait_drained(60) for n in nodes]
    cpu1 = [n.cpu_ms() for n in nodes]
    ok = sum(r["successful"] for r in results)
    calls = sum(r["calls"] for r in results)
    adds = sum(metric(n.admin_port, "mqueue_adds_total") or 0 for n in nodes)
    fetches = sum(metric(n.admin_port, "mqueue_fetches_total") or 0 for n in nodes)
    return {"rate": share * len(nodes), "per_node": share, "calls": calls, "successful": ok, "failed": calls - ok,
            "failed_pct": round(100.0 * (calls - ok) / calls, 3),
            "p50_ms": max(r["p50_ms"] or 0 for r in results), "p99_ms": max(r["p99_ms"] or 0 for r in results),
            "cpu_ms_per_call": round(sum(b - a for a, b in zip(cpu0, cpu1)) / max(ok, 1), 3),
            "acc_size_after_drain": drained, "adds_all_nodes_so_far": adds, "fetches_all_nodes_so_far": fetches,
            "loadavg_after": sipp_bench.loadavg()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=2)
    ap.add_argument("--rates", default="200,400,800,1200,1600,2000", help="total calls/s over all nodes")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--warmup-seconds", type=int, default=5)
    ap.add_argument("--jvm", default="-Xms512m -Xmx512m")
    ap.add_argument("--out", default=os.path.join(sipp_bench.ROOT, "bench", "results", "scale-out"))
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="sipmq-scale-out-")
    load_at_start, commit = sipp_bench.loadavg(), sipp_bench.git_commit()
    redis, redis_port = start_redis(workdir)
    nodes, results = [], []
    try:
        for i in range(args.nodes):
            extra = [f'modparam("mqueue", "redis_url", "redis://127.0.0.1:{redis_port}/0")']
            nodes.append(sipp_bench.Proxy(tempfile.mkdtemp(prefix=f"node{i}-", dir=workdir), 0, args.jvm.split(),
                                          extra, "bench-redis.cfg"))
        for rate in (100, 300):
            r = step(workdir, nodes, rate, args.warmup_seconds)
            print(f"#   warm-up {rate}/s: {r['successful']}/{r['calls']} calls", flush=True)
        for rate in [int(x) for x in args.rates.split(",")]:
            r = step(workdir, nodes, rate, args.seconds)
            print(json.dumps(r), flush=True)
            results.append(r)
            if r["failed_pct"] >= sipp_bench.FAIL_PCT:
                break
    finally:
        for n in nodes:
            n.stop()
        redis.terminate()
        redis.wait(timeout=30)
    good = [r["rate"] for r in results if r["failed_pct"] < sipp_bench.FAIL_PCT]
    summary = {"command": " ".join(sys.argv), "git_commit": commit, "nodes": args.nodes,
               "machine": {"nproc": os.cpu_count(), "loadavg_at_start": load_at_start,
                           "loadavg_at_end": sipp_bench.loadavg()},
               "max_rate": max(good) if good else None, "steps": results}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(summary, f, indent=2)
    lines = [f"# SIPp through {args.nodes} nodes sharing acc in Redis", "",
             f"commit {commit}; load average {load_at_start} at start, {summary['machine']['loadavg_at_end']} at end",
             "", "| calls/s (all nodes) | per node | failed % | p50 ms | p99 ms | CPU ms/call (all nodes) |"
             " acc left after drain | adds = fetches |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['rate']} | {r['per_node']} | {r['failed_pct']} | {r['p50_ms']} | {r['p99_ms']} |"
                     f" {r['cpu_ms_per_call']} | {r['acc_size_after_drain']} |"
                     f" {r['adds_all_nodes_so_far'] == r['fetches_all_nodes_so_far']} |")
    lines.append("")
    lines.append(f"max rate with < {sipp_bench.FAIL_PCT} % failed calls: {summary['max_rate']} calls/s")
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
