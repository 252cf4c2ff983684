#!/usr/bin/env python3
"""tests/cli/shapestore.py COMMAND FILE [ARG] - reads and alters the user's
cache file of shaped words (src/pdf/shapestore.c says its format).

  list FILE          prints "FACE WORD" for each entry, in file order
  forge FILE WORD    draws every glyph of WORD's entries as its first glyph
                     (each still one of the face's), the CRC made right
  damage FILE HOW    alters the file; the CRC is made right unless HOW is
                     flip or cut:
                       flip     one byte of the first entry, CRC left
                       cut      the last 10 bytes cut off
                       key      one byte of the key
                       count    the entry count one more than there are
                       gid      the first glyph's id 65535
                       cluster  the first glyph's cluster end past its word
                       flags    the first glyph's flags 4
                       byte     the first word's first byte 0x80
                       length   the first entry's glyph count 3 times its length
                       tail     one byte after the last entry"""
import struct
import sys
import zlib

HEADER = b"readyaudit shaped words 1\n"
GLYPH = 11


def load(path):
    data = open(path, "rb").read()
    if not data.startswith(HEADER):
        sys.exit("%s: not a file of shaped words" % path)
    return bytearray(data[len(HEADER):])


def entries(body):
    """Yields (offset, face, word, glyph count) per entry."""
    (n,) = struct.unpack_from("<I", body, 32)
    at = 36
    for _ in range(n):
        face, length, ng = struct.unpack_from("<BBH", body, at)
        yield at, face, bytes(body[at + 4:at + 4 + length]), ng
        at += 4 + length + ng * GLYPH


def save(path, body, fix=True):
    if fix:
        struct.pack_into("<I", body, len(body) - 4, zlib.crc32(bytes(body[:-4])))
    open(path, "wb").write(HEADER + bytes(body))


def main(argv):
    cmd, path = argv[1], argv[2]
    body = load(path)
    if cmd == "list":
        for _, face, word, _ in entries(body):
            print(face, word.decode("ascii"))
        return
    if cmd == "forge":
        found = 0
        for at, _, word, ng in entries(body):
            if word.decode("ascii") != argv[3]:
                continue
            g0 = at + 4 + len(word)
            (first,) = struct.unpack_from("<H", body, g0)
            for k in range(ng):
                struct.pack_into("<H", body, g0 + k * GLYPH, first)
            found += 1
        if not found:
            sys.exit("%s: no entry for %r" % (path, argv[3]))
        save(path, body)
        return
    how = argv[3]
    at, _, word, ng = next(entries(body))
    g0 = at + 4 + len(word)
    if how == "flip":
        body[at + 4] ^= 1
        save(path, body, fix=False)
    elif how == "cut":
        save(path, body[:-10], fix=False)
    elif how == "key":
        body[0] ^= 1
        save(path, body)
    elif how == "count":
        struct.pack_into("<I", body, 32, struct.unpack_from("<I", body, 32)[0] + 1)
        save(path, body)
    elif how == "gid":
        struct.pack_into("<H", body, g0, 65535)
        save(path, body)
    elif how == "cluster":
        body[g0 + 9] = len(word) + 1
        save(path, body)
    elif how == "flags":
        body[g0 + 10] = 4
        save(path, body)
    elif how == "byte":
        body[at + 4] = 0x80
        save(path, body)
    elif how == "length":
        struct.pack_into("<H", body, at + 2, 3 * len(word))
        save(path, body)
    elif how == "tail":
        body[-4:-4] = b"\0"
        save(path, body)
    else:
        sys.exit("unknown damage %r" % how)


if __name__ == "__main__":
    main(sys.argv)
