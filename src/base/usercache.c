/* usercache.c - reading and replacing the user's cache files (usercache.h). */
#define _POSIX_C_SOURCE 200809L
#include "base/usercache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef RA_HAVE_LIBDEFLATE
#include <libdeflate.h>
#else
#include <zlib.h>
#endif

#include "base/version.h"

/* Whether st is the user's own and no one else may write it. */
static bool own_only(const struct stat *st)
{
    return st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* The directory part of path into dir (at most n bytes); false when none. */
static bool dir_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 0;
    if (!slash || len == 0 || len >= n)
        return false;
    memcpy(dir, path, len);
    dir[len] = '\0';
    return true;
}

/* Whether the directory of path is the user's own and only theirs. */
static bool own_dir(const char *path)
{
    char dir[4096];
    struct stat sb;
    return dir_of(path, dir, sizeof dir) && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
           own_only(&sb);
}

/* Opens the file at path when it and its directory are the user's alone
 * and it is a regular file of at most max bytes that starts with header;
 * returns its descriptor, past the header, and sets *rest to the bytes
 * after it; -1 otherwise. */
static int open_own(const char *path, const char *header, size_t max, size_t *rest)
{
    if (!path || !own_dir(path))
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -1;
    struct stat sb;
    size_t hl = strlen(header);
    char head[64];
    bool ok = hl <= sizeof head && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && own_only(&sb) &&
              sb.st_size >= (off_t)hl && (uintmax_t)sb.st_size <= max &&
              read(fd, head, hl) == (ssize_t)hl && memcmp(head, header, hl) == 0;
    if (!ok) {
        close(fd);
        return -1;
    }
    *rest = (size_t)sb.st_size - hl;
    return fd;
}

bool ra_usercache_read(const char *path, const char *header, size_t max, ra_buf_t *text)
{
    size_t rest;
    ra_buf_clear(text);
    int fd = open_own(path, header, max, &rest);
    if (fd < 0)
        return false;
    ssize_t got = 1;
    if (ra_buf_reserve(text, rest) == RA_OK)
        while (text->len < rest && (got = read(fd, text->data + text->len, rest - text->len)) > 0)
            text->len += (size_t)got;
    close(fd);
    if (text->len < rest || ra_buf_failed(text)) {
        ra_buf_free(text);
        return false;
    }
    text->data[text->len] = '\0';
    return true;
}

/* Makes the directory dir for the user alone (as the XDG base directory
 * specification asks of the cache directory) when it is missing and its
 * parent is the user's: root with another user's HOME (sudo) leaves that
 * home as it is. */
static void make_dir(const char *dir)
{
    char parent[4096];
    struct stat sb;
    if (stat(dir, &sb) == 0 || !dir_of(dir, parent, sizeof parent) || stat(parent, &sb) != 0 ||
        sb.st_uid != geteuid())
        return;
    mkdir(dir, 0700);
}

/* Whether path holds nothing, or a cache file of readyaudit's (of any
 * version: its header begins "readyaudit "; or what is left of one cut
 * short, down to an empty file): anything else there (a report written to
 * that name, say) is the user's, and is never replaced. */
static bool ours_or_none(const char *path)
{
    static const char ours[] = "readyaudit ";
    char head[sizeof ours - 1];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return errno == ENOENT;
    ssize_t got = read(fd, head, sizeof head);
    close(fd);
    return got >= 0 && memcmp(head, ours, (size_t)got) == 0;
}

/* Replaces the cache file at path with the n pieces of iov (the header
 * first), as ra_usercache_write says. */
static void replace(const char *path, const struct iovec *iov, int n)
{
    char dir[4096], parent[4096];
    if (!path || !dir_of(path, dir, sizeof dir))
        return;
    if (dir_of(dir, parent, sizeof parent))
        make_dir(parent);
    make_dir(dir);
    if (!own_dir(path) || !ours_or_none(path))
        return;
    /* A whole new file renamed over the old one: a reader sees one or the
     * other, and of two runs writing at once the last one's entries stay. */
    ra_buf_t tmp = RA_BUF_INIT;
    int fd = ra_buf_printf(&tmp, "%s.XXXXXX", path) == RA_OK ? mkstemp(tmp.data) : -1;
    if (fd >= 0) {
        size_t len = 0;
        for (int i = 0; i < n; i++)
            len += iov[i].iov_len;
        bool ok = writev(fd, iov, n) == (ssize_t)len;
        if (close(fd) != 0 || !ok || rename(tmp.data, path) != 0)
            unlink(tmp.data);
    }
    ra_buf_free(&tmp);
}

void ra_usercache_write(const char *path, const char *header, const char *text, size_t len)
{
    struct iovec iov[2] = {{(void *)header, strlen(header)}, {(void *)text, len}};
    replace(path, iov, 2);
}

bool ra_usercache_key_begin(ra_sha256_ctx_t *c, const char *header)
{
    struct stat sb;
    if (stat("/proc/self/exe", &sb) != 0)
        return false;
    int64_t exe[5] = {(int64_t)sb.st_dev, (int64_t)sb.st_ino, (int64_t)sb.st_size,
                      (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec,
                      (int64_t)sb.st_ctim.tv_sec * 1000000000 + sb.st_ctim.tv_nsec};
    ra_sha256_init(c);
    ra_sha256_update(c, header, strlen(header) + 1);
    ra_sha256_update(c, RA_TOOL, sizeof RA_TOOL);
    ra_sha256_update(c, exe, sizeof exe);
    return true;
}

/* The CRC-32 of what crc is the CRC-32 of, then data[0..len) (a few MiB
 * at most: the readers' caps); 0 for nothing. */
static uint32_t crc_more(uint32_t crc, const void *data, size_t len)
{
    if (len == 0) /* zlib's crc32 starts again for no data */
        return crc;
#ifdef RA_HAVE_LIBDEFLATE
    return libdeflate_crc32(crc, data, len);
#else
    return (uint32_t)crc32(crc, (const Bytef *)data, (uInt)len);
#endif
}

const char *ra_usercache_map_keyed(const char *path, const char *header,
                                   const unsigned char key[32], size_t max, size_t *len,
                                   ra_usercache_map_t *map)
{
    size_t rest, hl = strlen(header);
    *map = (ra_usercache_map_t){0};
    int fd = open_own(path, header, max, &rest);
    if (fd < 0)
        return NULL;
    void *p = rest >= 32 + 4 ? mmap(NULL, hl + rest, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    close(fd);
    if (p == MAP_FAILED)
        return NULL;
    const unsigned char *key_at = (const unsigned char *)p + hl, *data = key_at + 32;
    *len = rest - 32 - 4;
    if (memcmp(key_at, key, 32) != 0 ||
        crc_more(crc_more(0, key, 32), data, *len) != ra_le_get(data + *len, 4)) {
        munmap(p, hl + rest);
        return NULL;
    }
    map->addr = p;
    map->len = hl + rest;
    return (const char *)data;
}

void ra_usercache_unmap(ra_usercache_map_t *map)
{
    if (map->addr)
        munmap(map->addr, map->len);
    *map = (ra_usercache_map_t){0};
}

void ra_usercache_write_keyed(const char *path, const char *header, const unsigned char key[32],
                              const ra_usercache_part_t *parts, size_t nparts)
{
    /* Written from where the parts are, their CRC-32 summed as they go. */
    struct iovec iov[RA_USERCACHE_PARTS_MAX + 3] = {{(void *)header, strlen(header)},
                                                    {(void *)key, 32}};
    unsigned char crc[4];
    uint32_t sum = crc_more(0, key, 32);
    if (nparts > RA_USERCACHE_PARTS_MAX)
        return;
    for (size_t i = 0; i < nparts; i++) {
        iov[2 + i] = (struct iovec){(void *)parts[i].data, parts[i].len};
        sum = crc_more(sum, parts[i].data, parts[i].len);
    }
    ra_le_put(crc, sum, 4);
    iov[2 + nparts] = (struct iovec){crc, 4};
    replace(path, iov, (int)nparts + 3);
}
