#!/usr/bin/env python3
"""tests/cli/cachefile.py KIND COMMAND FILE [ARG] - reads and alters the
user's cache files of what earlier runs computed: KIND words
(shaped-words, src/pdf/shapestore.c), breaks (break-opportunities,
src/layout/layout.c) or subsets (font-subsets, src/pdf/subsetstore.c).
All are keyed files (src/base/usercache.h): a header line, then a key
(32 bytes), the data and its CRC-32 (4).

  list FILE         words: "FACE TEXT" per entry (a word, or a text shaped
                    whole); breaks: "LANG TEXT" per entry (the text's
                    line ends as \\n); subsets: "FONT GLYPHS" per entry
                    (the font file's index in the chain, how many glyphs)
  forge FILE WORD   words: draws every glyph of WORD's entries as its first
                    glyph (a text's: those of its first glyph's font;
                    each still one of the face's); breaks: a break after
                    every character of each text holding WORD; subsets:
                    every new glyph id 1 in the entries of font file WORD
                    (an index); the CRC made right
  damage FILE HOW   alters the first entry, the CRC made right unless HOW
                    is flip or cut:
                      flip     one byte of it, CRC left
                      cut      the file's last 10 bytes cut off
                      key      one byte of the key
                      count    the entry count one more than there are
                      tail     one byte after the last entry
                    words only (the first word's entry; the file holds
                    the x86-64 build's structures, see words_layout):
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
                    subsets only:
                      font     its font file 255
                      order    its second glyph its first
                      glyphs   its glyph count 0
                      zlen     its program's length past the end
                      program  one byte of its compressed program
  mutate FILE SEED  sets 1 to 4 bytes of the data (after the key) to
                    random values (seeded), the CRC made right"""
import random
import struct
import sys
import zlib

HEADERS = {"words": b"readyaudit shaped words 3\n",
           "breaks": b"readyaudit break opportunities 2\n",
           "subsets": b"readyaudit font subsets 1\n"}
# The words file holds src/pdf/pdf_int.h's structures as the x86-64 build
# lays them out: after the key, padding to 8 bytes, four counts (entries,
# glyphs, characters, text bytes), the entries (shaped_t, 40 bytes: hash,
# len, kind, face, text, g, ng, cp, ncp, subst, nsubst), the glyphs
# (glyph_t, 24 bytes: gid, font, flags, ax, dx, dy, c0, c1), the
# characters (4 bytes each) and the texts' bytes.
PAD = (8 - (len(HEADERS["words"]) + 32) % 8) % 8
ENTRY, GLYPH = 40, 24


def words_layout(body):
    """The counts and where the entries, glyphs, characters and texts begin."""
    at = 32 + PAD
    ne, ng, nc, nb = struct.unpack_from("<IIII", body, at)
    e0 = at + 16
    g0 = e0 + ne * ENTRY
    c0 = g0 + ng * GLYPH
    t0 = c0 + nc * 4
    return at, ne, e0, g0, c0, t0


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
    if kind == "words":
        _, ne, e0, g0, _, t0 = words_layout(body)
        for i in range(ne):
            at = e0 + i * ENTRY
            length, _, face, text, g, ng = struct.unpack_from("<IBBxxIII", body, at + 4)
            yield at, str(face), bytes(body[t0 + text:t0 + text + length]), g0 + g * GLYPH, ng
        return
    if kind == "subsets":
        # After the key, the entry count, then per entry its font file,
        # glyph count n, compressed and plain lengths (4 bytes each), the
        # glyph ids (4 bytes each), new ids (2 bytes each) and the program.
        # An entry's rest is where its new ids are.
        n, = struct.unpack_from("<I", body, 32)
        at = 36
        for _ in range(n):
            font, count, zlen, _ = struct.unpack_from("<IIII", body, at)
            yield at, str(font), str(count).encode(), at + 16 + 4 * count, count
            at += 16 + 6 * count + zlen
        return
    # The breaks file: after the key, the counts of entries and bytes, per
    # entry its text's length and offset (4 bytes each), then per entry the
    # language, a NUL, the text and its break values. An entry's offset
    # here is where its length is.
    n, _ = struct.unpack_from("<II", body, 32)
    b0 = 40 + 8 * n
    for i in range(n):
        at = 40 + 8 * i
        length, off = struct.unpack_from("<II", body, at)
        nul = body.index(0, b0 + off)
        lang = bytes(body[b0 + off:nul]).decode("ascii")
        yield at, lang, bytes(body[nul + 1:nul + 1 + length]), nul + 1 + length, length


def forge(kind, body, word):
    found = 0
    for at, name, text, rest, count in entries(kind, body):
        if kind == "words" and text == word:
            first, font = struct.unpack_from("<HB", body, rest)
            for k in range(count):
                if body[rest + k * GLYPH + 2] == font:
                    struct.pack_into("<H", body, rest + k * GLYPH, first)
            found += 1
        elif kind == "subsets" and name == word.decode():
            for k in range(count):
                struct.pack_into("<H", body, rest + 2 * k, 1)
            found += 1
        elif kind == "breaks" and word in text:
            for i in range(count - 1):
                if text[i + 1] & 0xC0 != 0x80:
                    body[rest + i] = 1
            found += 1
    return found


def damage(kind, body, how):
    texts = kind == "words" and how in ("kind", "font", "char", "offset", "tcluster")
    ncp = lambda at: struct.unpack_from("<I", body, at + 28)[0]
    at, _, text, rest, count = next(
        e for e in entries(kind, body)
        if kind != "words" or ((body[e[0] + 8] != 1) == texts and (how != "offset" or ncp(e[0]) > 1)))
    if kind == "words":
        counts, _, _, _, c0, _ = words_layout(body)
        chars = c0 + 4 * struct.unpack_from("<I", body, at + 24)[0]
    if how == "flip":
        body[at + 1] ^= 1
    elif how == "cut":
        pass  # save cuts
    elif how == "key":
        body[0] ^= 1
    elif how == "count":
        n = counts if kind == "words" else 32
        struct.pack_into("<I", body, n, struct.unpack_from("<I", body, n)[0] + 1)
    elif how == "tail":
        body[-4:-4] = b"\0"
    elif kind == "words" and how == "gid":
        struct.pack_into("<H", body, rest, 65535)
    elif kind == "words" and how == "cluster":
        struct.pack_into("<I", body, rest + 20, len(text) + 1)
    elif kind == "words" and how == "flags":
        body[rest + 3] = 4
    elif kind == "words" and how == "byte":
        _, _, _, _, _, t0 = words_layout(body)
        body[t0 + struct.unpack_from("<I", body, at + 12)[0]] = 0x80
    elif kind == "words" and how == "length":
        struct.pack_into("<I", body, at + 20, 3 * len(text))
    elif texts and how == "kind":
        body[at + 8] = 5
    elif texts and how == "font":
        body[rest + 2] = 255
    elif texts and how == "char":
        struct.pack_into("<I", body, chars, 0x110000)
    elif texts and how == "offset":
        offsets = chars + 4 * ncp(at)
        body[offsets + 4:offsets + 8] = body[offsets:offsets + 4]
    elif texts and how == "tcluster":
        struct.pack_into("<I", body, rest + 20, ncp(at) + 1)
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
        n, _ = struct.unpack_from("<II", body, 32)
        body[40 + 8 * n + struct.unpack_from("<I", body, at + 4)[0]] = 0
    elif kind == "breaks" and how == "length":
        struct.pack_into("<I", body, at, len(body))
    elif kind == "subsets" and how == "font":
        struct.pack_into("<I", body, at, 255)
    elif kind == "subsets" and how == "order":
        body[at + 20:at + 24] = body[at + 16:at + 20]
    elif kind == "subsets" and how == "glyphs":
        struct.pack_into("<I", body, at + 4, 0)
    elif kind == "subsets" and how == "zlen":
        struct.pack_into("<I", body, at + 8, len(body))
    elif kind == "subsets" and how == "program":
        body[rest + 2 * count + 7] ^= 0x10
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
