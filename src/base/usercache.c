/* usercache.c - reading and replacing the user's cache files (usercache.h). */
#define _POSIX_C_SOURCE 200809L
#include "base/usercache.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

bool ra_usercache_read(const char *path, const char *header, size_t max, ra_buf_t *text)
{
    ra_buf_clear(text);
    if (!path || !own_dir(path))
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return false;
    struct stat sb;
    bool ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && own_only(&sb) && sb.st_size >= 0 &&
              (uintmax_t)sb.st_size <= max && ra_buf_reserve(text, (size_t)sb.st_size) == RA_OK;
    ssize_t got = 0;
    while (ok && text->len < (size_t)sb.st_size &&
           (got = read(fd, text->data + text->len, (size_t)sb.st_size - text->len)) > 0)
        text->len += (size_t)got;
    close(fd);
    size_t hl = strlen(header);
    ok = ok && got >= 0 && text->len >= hl && memcmp(text->data, header, hl) == 0;
    if (!ok) {
        ra_buf_free(text);
        return false;
    }
    memmove(text->data, text->data + hl, text->len - hl);
    text->len -= hl;
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

void ra_usercache_write(const char *path, const char *header, const char *text, size_t len)
{
    char dir[4096], parent[4096];
    if (!path || !dir_of(path, dir, sizeof dir))
        return;
    if (dir_of(dir, parent, sizeof parent))
        make_dir(parent);
    make_dir(dir);
    if (!own_dir(path))
        return;
    /* A whole new file renamed over the old one: a reader sees one or the
     * other, and of two runs writing at once the last one's entries stay. */
    ra_buf_t tmp = RA_BUF_INIT;
    int fd = ra_buf_printf(&tmp, "%s.XXXXXX", path) == RA_OK ? mkstemp(tmp.data) : -1;
    if (fd >= 0) {
        size_t hl = strlen(header);
        bool ok = write(fd, header, hl) == (ssize_t)hl && write(fd, text, len) == (ssize_t)len;
        if (close(fd) != 0 || !ok || rename(tmp.data, path) != 0)
            unlink(tmp.data);
    }
    ra_buf_free(&tmp);
}
