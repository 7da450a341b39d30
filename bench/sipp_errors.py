#!/usr/bin/env python3
"""Summary of SIPp's -trace_err files: python3 bench/sipp_errors.py FILE_errors.log [...] [--calls N] [--json]

Groups the events by kind ("unexpected": a call aborted on a message its scenario did not expect; "dead call": a
message for a call already ended; "discarded": a message that maps to no call) with what was expected and what
arrived (start line and CSeq method), counts them per second, and prints the first calls of each group, so that
which message arrived out of turn, and when, can be read without wading through the whole file.
Python 3.11 standard library only.
"""
import argparse
import collections
import json
import re
import sys

# an event starts a line, or follows the closing quote of the message before it
EVENT = re.compile(r"(?:^|(?<='))(\d{4}-\d\d-\d\d)\t(\d\d:\d\d:\d\d)\.(\d+)\t[\d.]+: ", re.M)
EXPECTING = re.compile(r"while expecting '([^']*)' \(index (\d+)\)")
DEAD = re.compile(r"Dead call (\S+) \(([^)]*)\)")


def events(text):
    """(time 'HH:MM:SS.ffffff', body) of each event in a -trace_err file."""
    marks = list(EVENT.finditer(text))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        yield f"{m.group(2)}.{m.group(3)}", text[m.end():end]


def header(message, name):
    m = re.search(r"^" + name + r":\s*(.*)$", message, re.M | re.I)
    return m.group(1).strip() if m else None


def classify(body):
    """(kind, expected, received, call id) of one event."""
    quote = body.find("'", body.find("received") if "received" in body else 0)
    message = body[quote + 1:].rstrip().removesuffix("'") if quote >= 0 else ""
    if body.startswith("Discarding"):
        message = body.split(":", 1)[1] if ":" in body else ""
    start = message.strip().splitlines()[0].strip() if message.strip() else "?"
    cseq = header(message, "CSeq") or "?"
    received = f"{start.split(' sip:')[0] if not start.startswith('SIP/') else start} (CSeq {cseq})"
    call = header(message, "Call-ID") or "?"
    if m := EXPECTING.search(body):
        return "unexpected", f"{m.group(1)} (index {m.group(2)})", received, call
    if m := DEAD.search(body):
        return "dead call", m.group(2), received, m.group(1)
    if body.startswith("Discarding"):
        return "discarded", "-", received, call
    return "other", "-", body.splitlines()[0][:80] if body else "?", call


def summarize(path, first_calls):
    with open(path, errors="replace") as f:
        text = f.read()
    groups = collections.OrderedDict()
    for t, body in events(text):
        kind, expected, received, call = classify(body)
        g = groups.setdefault((kind, expected, received), {"count": 0, "first": t, "last": t, "per_second": {},
                                                           "calls": []})
        g["count"] += 1
        g["last"] = t
        second = t[:8]
        g["per_second"][second] = g["per_second"].get(second, 0) + 1
        if len(g["calls"]) < first_calls:
            g["calls"].append(f"{t} {call}")
    return [{"kind": k, "expected": e, "received": r, **g} for (k, e, r), g in groups.items()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--calls", type=int, default=3, help="calls listed per group")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = {path: summarize(path, args.calls) for path in args.files}
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        return
    for path, groups in out.items():
        print(f"== {path}: {sum(g['count'] for g in groups)} events")
        for g in sorted(groups, key=lambda g: -g["count"]):
            busiest = sorted(g["per_second"].items(), key=lambda kv: -kv[1])[:5]
            print(f"{g['count']:>9}  {g['kind']}: expected {g['expected']}, received {g['received']}; "
                  f"{g['first']} .. {g['last']}; busiest seconds {busiest}")
            for c in g["calls"]:
                print(f"           {c}")


if __name__ == "__main__":
    main()
