/* fontcache.c - the font files a user's earlier runs checked against the
 * chain's digests, so that a report need not read four files whole again.
 *
 * An entry says: the file with this device, inode, size, modification and
 * change time (in ns) had this SHA-256 when it was read, as git's index
 * says it of a work tree's files. Only the kernel sets a change time (a
 * write, a truncation, a rename, a chmod, or a new file under a reused
 * inode sets it to now), so a file changed since it was read no longer
 * matches its entry and is read and checked again. Three rules keep that
 * true:
 *   - a file changed in the same clock tick as it was read would keep its
 *     times: a file is remembered only when it was last changed 3 s or more
 *     before it was read (git's "racily clean" entries);
 *   - a file server or a FUSE file system says what it likes of a file:
 *     only files of local file systems whose times the kernel keeps are
 *     remembered or looked up;
 *   - whoever can write the cache could vouch for any file: it is read only
 *     when it is the user's alone (base/usercache.h).
 * A cache that cannot be read or written is no error: the files are read
 * and checked as without one, and the report's bytes are the same. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "base/usercache.h"

#define CACHE_HEADER "readyaudit verified fonts 1\n"
#define CACHE_ENTRIES_MAX FONTCACHE_ENTRIES_MAX
#define CACHE_QUIET_NS 3000000000LL /* how long a file must be unchanged before it is read */

/* File systems whose files' times only their kernel sets (statfs f_type). */
static const long local_fs[] = {
    0xEF53,     /* ext2, ext3, ext4 */
    0x58465342, /* xfs */
    0x9123683E, /* btrfs */
    0x01021994, /* tmpfs */
    0x794C7630, /* overlayfs */
    0x73717368, /* squashfs */
    0xE0F5E1E2, /* erofs */
    0xF2F52010, /* f2fs */
};

/* Whether the file open at fd is on one of local_fs. */
static int on_local_fs(int fd)
{
    struct statfs fs;
    if (fstatfs(fd, &fs) != 0)
        return 0;
    for (size_t i = 0; i < sizeof local_fs / sizeof *local_fs; i++)
        if ((long)fs.f_type == local_fs[i])
            return 1;
    return 0;
}

void ra_pdf__stat_of(const struct stat *sb, int fd, font_stat_t *out)
{
    out->dev = (uint64_t)sb->st_dev;
    out->ino = (uint64_t)sb->st_ino;
    out->size = (int64_t)sb->st_size;
    out->mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
    out->ctime_ns = (int64_t)sb->st_ctim.tv_sec * 1000000000 + sb->st_ctim.tv_nsec;
    out->local = on_local_fs(fd);
}

/* Whether a and b say the same of a file. */
static int same_stat(const font_stat_t *a, const font_stat_t *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

/* Parses one entry line ("dev ino size mtime_ns ctime_ns sha256") into e. */
static int parse_entry(const char *line, fontcache_entry_t *e)
{
    unsigned long long dev, ino;
    long long size, mt, ct;
    char hex[65];
    int used = 0;
    if (sscanf(line, "%llu %llu %lld %lld %lld %64[0-9a-f]%n", &dev, &ino, &size, &mt, &ct, hex,
               &used) != 6 ||
        strlen(hex) != 64 || line[used] != '\0')
        return 0;
    e->st = (font_stat_t){dev, ino, size, mt, ct, 1};
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return 0;
        e->sha256[i] = (unsigned char)v;
    }
    return 1;
}

void ra_pdf__cache_read(ra_pdf_fonts_t *fonts, const char *path)
{
    ra_buf_t text = RA_BUF_INIT;
    fonts->cache_path = path ? strdup(path) : NULL;
    if (fonts->cache_path && ra_usercache_read(path, CACHE_HEADER, RA_USERCACHE_MAX, &text))
        for (char *p = text.data, *next; *p && fonts->nseen < CACHE_ENTRIES_MAX; p = next) {
            char *eol = strchr(p, '\n');
            next = eol ? eol + 1 : p + strlen(p);
            if (eol)
                *eol = '\0';
            fontcache_entry_t e;
            if (parse_entry(p, &e))
                fonts->seen[fonts->nseen++] = e;
        }
    ra_buf_free(&text);
}

int ra_pdf__cache_knows(const ra_pdf_fonts_t *fonts, const font_t *f)
{
    if (!f->st.local)
        return 0;
    for (size_t i = 0; i < fonts->nseen; i++)
        if (same_stat(&fonts->seen[i].st, &f->st) &&
            memcmp(fonts->seen[i].sha256, f->sha256, 32) == 0)
            return 1;
    return 0;
}

void ra_pdf__cache_note(ra_pdf_fonts_t *fonts, const font_t *f)
{
    struct timespec now;
    struct stat sb;
    if (!fonts->cache_path || !f->st.local || clock_gettime(CLOCK_REALTIME, &now) != 0)
        return;
    int64_t quiet = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - CACHE_QUIET_NS;
    /* The file read is the file at its path still, unchanged since it was
     * opened, and was quiet for long enough before. */
    int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    font_stat_t again = {0};
    if (fd < 0)
        return;
    if (fstat(fd, &sb) == 0)
        ra_pdf__stat_of(&sb, fd, &again);
    close(fd);
    if (!again.local || !same_stat(&again, &f->st) || f->st.mtime_ns > quiet ||
        f->st.ctime_ns > quiet || ra_pdf__cache_knows(fonts, f))
        return;
    size_t keep = fonts->nseen < CACHE_ENTRIES_MAX ? fonts->nseen : CACHE_ENTRIES_MAX - 1;
    memmove(fonts->seen + 1, fonts->seen, keep * sizeof *fonts->seen);
    fonts->seen[0].st = f->st;
    memcpy(fonts->seen[0].sha256, f->sha256, 32);
    fonts->nseen = keep + 1;
    fonts->cache_dirty = 1;
}

void ra_pdf__cache_save(ra_pdf_fonts_t *fonts)
{
    if (!fonts->cache_dirty || !fonts->cache_path)
        return;
    fonts->cache_dirty = 0;
    ra_buf_t text = RA_BUF_INIT;
    ra_status_t st = RA_OK;
    for (size_t i = 0; st == RA_OK && i < fonts->nseen; i++) {
        const fontcache_entry_t *e = &fonts->seen[i];
        char hex[65];
        ra_hex(e->sha256, 32, hex);
        st = ra_buf_printf(&text, "%llu %llu %lld %lld %lld %s\n", (unsigned long long)e->st.dev,
                           (unsigned long long)e->st.ino, (long long)e->st.size,
                           (long long)e->st.mtime_ns, (long long)e->st.ctime_ns, hex);
    }
    if (st == RA_OK)
        ra_usercache_write(fonts->cache_path, CACHE_HEADER, text.data, text.len);
    ra_buf_free(&text);
}
