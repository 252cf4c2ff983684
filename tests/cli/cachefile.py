#!/usr/bin/env python3
"""tests/cli/cachefile.py KIND COMMAND FILE [ARG] - reads and alters the
user's cache files of what earlier runs computed: KIND words
(shaped-words, src/pdf/shapestore.c) or breaks (break-opportunities,
src/layout/layout.c). Both are keyed files (src/base/usercache.h): a
header line, then a key (32 bytes), the data and its CRC-32 (4).

  list FILE         words: "FACE TEXT" per entry (a word, or a text shaped
                    whole); breaks: "LANG TEXT" per entry (the text's
                    line ends as \\n)
  forge FILE WORD   words: draws every glyph of WORD's entries as its first
                    glyph (a text's: those of its first glyph's font;
                    each still one of the face's); breaks: a break after
                    every character of each text holding WORD; the CRC
                    made right
  damage FILE HOW   alters the first entry, the CRC made right unless HOW
                    is flip or cut:
                      flip     one byte of it, CRC left
                      cut      the file's last 10 bytes cut off
                      key      one byte of the key
                      count    the entry count one more than there are
                      tail     one byte after the last entry
                    words only (the first word's entry):
                      gid      its first glyph's id 65535
                      cluster  its first glyph's cluster end past its word
                      flags    its first glyph's flags 4
                      byte     its word's first byte 0x80
                      length   its glyph count 3 times its length
                    words only (the first text's entry):
                      kind     its kind 5
                      font     its first glyph's font 255
                      char     its first character U+110000
                      offset   its second character at its first's byte
                      tcluster its first glyph's cluster end past its
                               characters
                    breaks only:
                      value    its first break value 3
                      inside   a break before a UTF-8 continuation byte
                      lang     its language empty
                      length   its text's length past the end
  mutate FILE SEED  sets 1 to 4 bytes of the data (after the key) to
                    random values (seeded), the CRC made right"""
import random
import struct
import sys
import zlib

HEADERS = {"words": b"readyaudit shaped words 2\n",
           "breaks": b"readyaudit break opportunities 1\n"}
WORD_GLYPH, TEXT_CHAR, TEXT_GLYPH = 11, 5, 14


def load(kind, path):
    data = open(path, "rb").read()
    if not data.startswith(HEADERS[kind]):
        sys.exit("%s: not a file of %s" % (path, kind))
    return bytearray(data[len(HEADERS[kind]):])


def save(kind, path, body, fix=True):
    if fix:
        struct.pack_into("<I", body, len(body) - 4, zlib.crc32(bytes(body[:-4])))
    open(path, "wb").write(HEADERS[kind] + bytes(body))


def entries(kind, body):
    """Yields (offset, name, text, rest offset, count) per entry: for words
    (face, word or text, first glyph, glyph count), for breaks (language,
    text, first break value, length)."""
    (n,) = struct.unpack_from("<I", body, 32)
    at = 36
    for _ in range(n):
        if kind == "words" and body[at] == 1:
            face, length, ng = struct.unpack_from("<BBH", body, at + 1)
            yield at, str(face), bytes(body[at + 5:at + 5 + length]), at + 5 + length, ng
            at += 5 + length + ng * WORD_GLYPH
        elif kind == "words":
            face, length, ncp, ng = struct.unpack_from("<BHHH", body, at + 1)
            rest = at + 8 + length + ncp * TEXT_CHAR
            yield at, str(face), bytes(body[at + 8:at + 8 + length]), rest, ng
            at = rest + ng * TEXT_GLYPH
        else:
            nl = body[at]
            lang = bytes(body[at + 1:at + 1 + nl]).decode("ascii")
            (length,) = struct.unpack_from("<I", body, at + 1 + nl)
            t = at + 1 + nl + 4
            yield at, lang, bytes(body[t:t + length]), t + length, length
            at = t + 2 * length


def forge(kind, body, word):
    found = 0
    for at, _, text, rest, count in entries(kind, body):
        if kind == "words" and text == word and body[at] == 1:
            (first,) = struct.unpack_from("<H", body, rest)
            for k in range(count):
                struct.pack_into("<H", body, rest + k * WORD_GLYPH, first)
            found += 1
        elif kind == "words" and text == word:
            font, first = struct.unpack_from("<BH", body, rest)
            for k in range(count):
                if body[rest + k * TEXT_GLYPH] == font:
                    struct.pack_into("<H", body, rest + k * TEXT_GLYPH + 1, first)
            found += 1
        elif kind == "breaks" and word in text:
            for i in range(count - 1):
                if text[i + 1] & 0xC0 != 0x80:
                    body[rest + i] = 1
            found += 1
    return found


def damage(kind, body, how):
    texts = kind == "words" and how in ("kind", "font", "char", "offset", "tcluster")
    at, _, text, rest, count = next(
        e for e in entries(kind, body)
        if kind != "words" or ((body[e[0]] != 1) == texts and
                               (how != "offset" or struct.unpack_from("<H", body, e[0] + 4)[0] > 1)))
    if how == "flip":
        body[at + 1] ^= 1
    elif how == "cut":
        pass  # save cuts
    elif how == "key":
        body[0] ^= 1
    elif how == "count":
        struct.pack_into("<I", body, 32, struct.unpack_from("<I", body, 32)[0] + 1)
    elif how == "tail":
        body[-4:-4] = b"\0"
    elif kind == "words" and how == "gid":
        struct.pack_into("<H", body, rest, 65535)
    elif kind == "words" and how == "cluster":
        body[rest + 9] = len(text) + 1
    elif kind == "words" and how == "flags":
        body[rest + 10] = 4
    elif kind == "words" and how == "byte":
        body[at + 5] = 0x80
    elif kind == "words" and how == "length":
        struct.pack_into("<H", body, at + 3, 3 * len(text))
    elif texts and how == "kind":
        body[at] = 5
    elif texts and how == "font":
        body[rest] = 255
    elif texts and how == "char":
        body[at + 8 + len(text):at + 11 + len(text)] = b"\0\0\x11"
    elif texts and how == "offset":
        first = at + 8 + len(text)
        body[first + TEXT_CHAR + 3:first + TEXT_CHAR + 5] = body[first + 3:first + 5]
    elif texts and how == "tcluster":
        (ncp,) = struct.unpack_from("<H", body, at + 4)
        struct.pack_into("<H", body, rest + 11, ncp + 1)
    elif kind == "breaks" and how == "value":
        body[rest] = 3
    elif kind == "breaks" and how == "inside":
        for e in entries(kind, body):
            t = e[2]
            i = next((i for i in range(len(t) - 1) if t[i + 1] & 0xC0 == 0x80), None)
            if i is not None:
                body[e[3] + i] = 1
                return
        sys.exit("no text with a character of several bytes")
    elif kind == "breaks" and how == "lang":
        body[at:at + 1 + body[at]] = b"\0"
    elif kind == "breaks" and how == "length":
        struct.pack_into("<I", body, rest - count - 4, len(body))
    else:
        sys.exit("unknown damage %r" % how)


def main(argv):
    kind, cmd, path = argv[1], argv[2], argv[3]
    body = load(kind, path)
    if cmd == "list":
        for _, name, text, _, _ in entries(kind, body):
            print(name, text.decode("utf-8", "replace").replace("\n", "\\n"))
    elif cmd == "forge":
        if not forge(kind, body, argv[4].encode()):
            sys.exit("%s: no entry for %r" % (path, argv[4]))
        save(kind, path, body)
    elif cmd == "mutate":
        rnd = random.Random(int(argv[4]))
        for _ in range(rnd.randint(1, 4)):
            body[rnd.randrange(32, len(body) - 4)] = rnd.randrange(256)
        save(kind, path, body)
    elif cmd == "damage":
        damage(kind, body, argv[4])
        save(kind, path, body[:-10] if argv[4] == "cut" else body,
             fix=argv[4] not in ("flip", "cut"))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
