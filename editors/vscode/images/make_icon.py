#!/usr/bin/env python3
"""Draws images/icon.png (128x128): a page of notes with a speech bubble.

Standard library only (zlib + struct), 4x supersampled for smooth edges.
Run from editors/vscode: python3 images/make_icon.py
"""

import os
import struct
import zlib

SIZE = 128
SS = 4  # supersampling factor
N = SIZE * SS

BACKGROUND = (37, 52, 94)  # deep blue
PAGE = (250, 248, 240)
FOLD = (214, 210, 196)
LINE = (150, 160, 185)
TITLE = (37, 52, 94)
BUBBLE = (242, 125, 82)  # coral
BUBBLE_DOT = (255, 255, 255)


def rounded_rect(x, y, x0, y0, x1, y1, r):
    """Whether (x, y) is inside the rectangle with corners rounded by r."""
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def pixel(x, y):
    """Colour (RGBA) at a point in 128-unit coordinates."""
    # Speech bubble (drawn over the page's lower right corner) with its tail.
    bx, by, br = 92.0, 90.0, 24.0
    in_tail = (
        y >= by + 8
        and y <= by + 30
        and x >= bx - 22 + (y - (by + 8)) * 0.9
        and x <= bx - 6
    )
    if (x - bx) ** 2 + (y - by) ** 2 <= br * br or in_tail:
        for dx in (-9.0, 0.0, 9.0):
            if (x - (bx + dx)) ** 2 + (y - by) ** 2 <= 3.6**2:
                return BUBBLE_DOT + (255,)
        return BUBBLE + (255,)
    # Page with a folded top-right corner.
    px0, py0, px1, py1, fold = 26.0, 16.0, 94.0, 112.0, 18.0
    if px0 <= x <= px1 and py0 <= y <= py1:
        if x > px1 - fold and y < py0 + fold:
            # The fold: the triangle below the diagonal is the flap, above it is background.
            if (x - (px1 - fold)) > (y - py0):
                return None
            return FOLD + (255,)
        if rounded_rect(x, y, px0, py0, px1, py1, 4):
            # A heading bar and lines of notes.
            if 28 <= y <= 35 and px0 + 9 <= x <= px1 - 24:
                return TITLE + (255,)
            for i, width in enumerate((46, 40, 48, 30, 38, 22)):
                ly = 46 + i * 10
                if ly <= y <= ly + 3.5 and px0 + 9 <= x <= px0 + 9 + width:
                    return LINE + (255,)
            return PAGE + (255,)
    return None


def render():
    rows = []
    for py in range(SIZE):
        row = bytearray([0])  # PNG filter type 0
        for px in range(SIZE):
            acc = [0, 0, 0, 0]
            for sy in range(SS):
                for sx in range(SS):
                    x = px + (sx + 0.5) / SS
                    y = py + (sy + 0.5) / SS
                    colour = pixel(x, y)
                    if colour is None:
                        if rounded_rect(x, y, 0, 0, SIZE, SIZE, 24):
                            colour = BACKGROUND + (255,)
                        else:
                            colour = (0, 0, 0, 0)
                    a = colour[3]
                    acc[0] += colour[0] * a
                    acc[1] += colour[1] * a
                    acc[2] += colour[2] * a
                    acc[3] += a
            alpha = acc[3] / (SS * SS)
            if acc[3] == 0:
                row += bytes((0, 0, 0, 0))
            else:
                row += bytes(
                    (
                        round(acc[0] / acc[3]),
                        round(acc[1] / acc[3]),
                        round(acc[2] / acc[3]),
                        round(alpha),
                    )
                )
        rows.append(bytes(row))
    return b"".join(rows)


def chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def main():
    raw = render()
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icon.png")
    with open(out, "wb") as f:
        f.write(png)
    print(f"wrote {out} ({len(png)} bytes)")


if __name__ == "__main__":
    main()
