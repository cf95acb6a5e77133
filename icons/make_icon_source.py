"""Draws Faultline's icon source (icon-source.png, 1024x1024) with no image library:
a dark rounded tile, three broker dots, and a bright fault line cutting across them.
`npx tauri icon icon-source.png -o .` then renders every size Tauri wants."""
import math
import struct
import zlib

SIZE = 1024
RADIUS = 200
BG = (18, 24, 38)
DOT = (86, 156, 214)
LINE = (255, 107, 53)

# The fault line: a zigzag from lower left to upper right.
POINTS = [(150, 700), (380, 560), (470, 640), (640, 380), (720, 450), (880, 300)]


def inside_tile(x, y):
    cx = min(max(x, RADIUS), SIZE - RADIUS)
    cy = min(max(y, RADIUS), SIZE - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2


def distance_to_segment(px, py, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def pixel(x, y):
    if not inside_tile(x, y):
        return (0, 0, 0, 0)
    for cx, cy in ((300, 330), (512, 780), (740, 640)):
        if (x - cx) ** 2 + (y - cy) ** 2 <= 70 ** 2:
            return DOT + (255,)
    if min(distance_to_segment(x, y, POINTS[i], POINTS[i + 1]) for i in range(len(POINTS) - 1)) <= 34:
        return LINE + (255,)
    return BG + (255,)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


rows = b"".join(b"\x00" + bytes(c for x in range(SIZE) for c in pixel(x, y)) for y in range(SIZE))
png = (
    b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(rows, 9))
    + chunk(b"IEND", b"")
)
with open("icon-source.png", "wb") as out:
    out.write(png)
