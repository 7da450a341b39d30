#!/usr/bin/env python3
"""Renders async-profiler's collapsed stacks ("frame;frame;frame count" per line) as a flame graph SVG.

Usage: bench/flamegraph.py profile.collapsed title > profile.svg
A plain, static SVG (hover shows each frame's name, samples and share in a <title>), so that it can be committed and
read in a browser or on GitHub without scripts.
"""
import html
import sys
import zlib

WIDTH, ROW, FONT = 1600, 16, 11
MIN_PX = 0.3  # frames narrower than this are not drawn


def parse(path):
    root = {"n": 0, "c": {}}
    with open(path, errors="replace") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            node = root
            node["n"] += n
            for frame in stack.split(";"):
                node = node["c"].setdefault(frame, {"n": 0, "c": {}})
                node["n"] += n
    return root


def colour(name):
    h = zlib.crc32(name.encode()) & 0xFFFF
    if name.startswith(("org/sipmq", "org.sipmq")):
        return f"rgb({50 + h % 40},{150 + h % 80},{60 + h % 40})"  # ours: green
    if name.startswith(("gov/nist", "gov.nist", "javax/sip", "javax.sip")):
        return f"rgb({220 + h % 35},{110 + h % 60},{40 + h % 30})"  # JAIN-SIP: orange
    if "[k]" in name or name.endswith("_[k]"):
        return f"rgb({200 + h % 55},{180 + h % 50},{60 + h % 40})"  # kernel: yellow
    return f"rgb({200 + h % 55},{70 + h % 60},{60 + h % 40})"


def render(root, title):
    depth = [0]

    def walk(node, d):
        depth[0] = max(depth[0], d)
        for child in node["c"].values():
            walk(child, d + 1)

    walk(root, 0)
    height = (depth[0] + 3) * ROW
    total = root["n"] or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'font-family="monospace" font-size="{FONT}">',
           f'<rect width="100%" height="100%" fill="#fdfdf6"/>',
           f'<text x="{WIDTH / 2}" y="{ROW}" text-anchor="middle" font-size="14">{html.escape(title)} '
           f'({total} samples; green: sipmq, orange: JAIN-SIP)</text>']

    def draw(name, node, x, d):
        w = node["n"] * WIDTH / total
        if w < MIN_PX:
            return
        y = height - (d + 1) * ROW
        label = html.escape(name)
        share = 100.0 * node["n"] / total
        out.append(f'<g><title>{label} ({node["n"]} samples, {share:.2f} %)</title>'
                   f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{ROW - 1}" fill="{colour(name)}"/>')
        chars = int(w / (FONT * 0.6))
        if chars >= 3:
            text = name if len(name) <= chars else name[:chars - 2] + ".."
            out.append(f'<text x="{x + 2:.2f}" y="{y + ROW - 4}">{html.escape(text)}</text>')
        out.append("</g>")
        cx = x
        for cname, child in sorted(node["c"].items()):
            draw(cname, child, cx, d + 1)
            cx += child["n"] * WIDTH / total

    x = 0.0
    for name, child in sorted(root["c"].items()):
        draw(name, child, x, 0)
        x += child["n"] * WIDTH / total
    out.append("</svg>")
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(render(parse(sys.argv[1]), sys.argv[2]))
