/* hpdf_internals.c - the only file touching libharu's structs: streams, writer, flags. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <stdlib.h>

/* --- The document's objects --- */

/* Returns the document's memory manager. */
HPDF_MMgr ra_pdf__mmgr(const ra_pdf_t *pdf)
{
    return pdf->doc->mmgr;
}

/* Returns the document catalog. */
HPDF_Dict ra_pdf__catalog(const ra_pdf_t *pdf)
{
    return pdf->doc->catalog;
}

/* Returns the document information dictionary. */
HPDF_Dict ra_pdf__info(const ra_pdf_t *pdf)
{
    return pdf->doc->info;
}

/* Returns the trailer dictionary. */
HPDF_Dict ra_pdf__trailer(const ra_pdf_t *pdf)
{
    return pdf->doc->trailer;
}

/* Makes the file PDF 1.4 (XMP needs it; PDF/A-1 allows no later). */
void ra_pdf__use_pdf14(ra_pdf_t *pdf)
{
    pdf->doc->pdf_version = HPDF_VER_14;
}

/* Creates a dictionary registered as an indirect object (NULL on error). */
HPDF_Dict ra_pdf__new_indirect(ra_pdf_t *pdf)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->doc->mmgr);
    if (!d || hp(pdf, HPDF_Xref_Add(pdf->doc->xref, d)) != RA_OK)
        return NULL;
    return d;
}

/* Creates a stream dictionary in the document (NULL on error). */
HPDF_Dict ra_pdf__new_stream(ra_pdf_t *pdf)
{
    return HPDF_DictStream_New(pdf->doc->mmgr, pdf->doc->xref);
}

/* Marks d as an XObject, as libharu's resource lookup wants. */
void ra_pdf__mark_xobject(HPDF_Dict d)
{
    d->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
}

/* Marks a as a destination, as libharu's destination checks want. */
void ra_pdf__mark_destination(HPDF_Array a)
{
    a->header.obj_class |= HPDF_OSUBCLASS_DESTINATION;
}

/* libharu hook run while a stream dictionary is written, after its keys:
 * declares the compression we applied (libharu drops a /Filter key of a
 * stream it does not compress itself). */
static HPDF_STATUS write_flate_key(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* libharu hook: declares /Filter /DCTDecode (a JPEG embedded as it is). */
static HPDF_STATUS write_dct_key(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /DCTDecode\012");
}

/* Declares /Filter /DCTDecode for a JPEG's bytes. */
void ra_pdf__mark_dct(HPDF_Dict d)
{
    d->write_fn = write_dct_key;
}

/* Declares /Filter /FlateDecode for data we compressed ourselves. */
void ra_pdf__mark_flate(HPDF_Dict d)
{
    d->write_fn = write_flate_key;
}

/* --- Stream data ---
 *
 * The data of every stream we write stays in our memory: the stream
 * dictionary's libharu memory stream is replaced by a callback reader over
 * a blob, which libharu reads when it writes the file. So the bytes are
 * not copied, a byte at a time, into and out of libharu's 4 KiB chunks. */

/* Reads the next bytes of a blob; HPDF_STREAM_EOF with the last ones. */
static HPDF_STATUS blob_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    blob_t *b = s->attr;
    size_t n = b->len - b->pos < *siz ? b->len - b->pos : *siz;
    if (n)
        memcpy(ptr, b->data + b->pos, n);
    b->pos += n;
    *siz = (HPDF_UINT)n;
    return b->pos == b->len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS blob_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    blob_t *b = s->attr;
    long long at = mode == HPDF_SEEK_CUR   ? (long long)b->pos + pos
                   : mode == HPDF_SEEK_END ? (long long)b->len - pos
                                           : pos;
    if (at < 0 || at > (long long)b->len)
        return HPDF_SetError(s->error, HPDF_STREAM_EOF, 0);
    b->pos = (size_t)at;
    return HPDF_OK;
}

static HPDF_INT32 blob_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((blob_t *)s->attr)->pos;
}

static HPDF_UINT32 blob_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((blob_t *)s->attr)->len;
}

/* Makes data[0..len) (copied) the data of stream dictionary d, written
 * as it is; on the first call for d, its memory stream is replaced (for a
 * page's contents, also the page's pointer to it). */
static ra_status_t put_data(ra_pdf_t *pdf, HPDF_Dict d, HPDF_PageAttr page, const void *data,
                            size_t len)
{
    blob_t *b = NULL;
    if (len > 0x7FFFFFFF)
        return fail_msg(pdf, "stream larger than 2 GiB");
    if (d->stream && d->stream->read_fn == blob_read) {
        b = d->stream->attr;
    } else {
        if (RA_VEC_RESERVE(pdf->blobs, pdf->nblobs, pdf->cap_blobs, 64) != RA_OK)
            return keep(pdf, RA_ERR_NOMEM);
        if (!(b = calloc(1, sizeof *b)))
            return keep(pdf, RA_ERR_NOMEM);
        pdf->blobs[pdf->nblobs++] = b;
        HPDF_Stream rs =
            HPDF_CallbackReader_New(pdf->doc->mmgr, blob_read, blob_seek, blob_tell, blob_size, b);
        if (!rs)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        HPDF_Stream old = d->stream;
        d->stream = rs;
        if (page && page->stream == old)
            page->stream = rs;
        HPDF_Stream_Free(old);
    }
    char *copy = len ? malloc(len) : NULL;
    if (len && !copy)
        return keep(pdf, RA_ERR_NOMEM);
    if (len)
        memcpy(copy, data, len);
    free(b->data);
    b->data = copy;
    b->len = len;
    b->pos = 0;
    d->filter = HPDF_STREAM_FILTER_NONE;
    d->write_fn = NULL;
    return RA_OK;
}

/* Makes z[0..len), compressed, the data of stream dictionary s (page: see
 * put_data). */
static ra_status_t deflated(ra_pdf_t *pdf, HPDF_Dict s, HPDF_PageAttr page, const void *z,
                            size_t len)
{
    ra_status_t st = put_data(pdf, s, page, z, len);
    if (st == RA_OK)
        s->write_fn = write_flate_key;
    return st;
}

/* Replaces the data of stream dictionary s with data[0..len), which we
 * compress ourselves (see STREAM_ZLEVEL). When digest is not NULL, the
 * compressed bytes (as they are in the file) are added to it. page: see
 * put_data. */
static ra_status_t set_data(ra_pdf_t *pdf, HPDF_Dict s, HPDF_PageAttr page, const void *data,
                            size_t len, ra_sha256_ctx_t *digest)
{
    if (len == 0)
        return put_data(pdf, s, page, "", 0);
    ra_buf_t *z = &pdf->zout;
    size_t zlen;
#ifdef RA_HAVE_LIBDEFLATE
    if (!pdf->z && !(pdf->z = libdeflate_alloc_compressor(STREAM_LIBDEFLATE_LEVEL)))
        return keep(pdf, RA_ERR_NOMEM);
    size_t bound = libdeflate_zlib_compress_bound(pdf->z, len);
    ra_buf_clear(z);
    if (ra_buf_reserve(z, bound) != RA_OK)
        return keep(pdf, RA_ERR_NOMEM);
    zlen = libdeflate_zlib_compress(pdf->z, data, len, z->data, bound);
    if (zlen == 0)
        return fail_msg(pdf, "compression failed");
    z->len = zlen;
#else
    if (!pdf->z_ready) {
        int zs =
            deflateInit2(&pdf->z, STREAM_ZLEVEL, Z_DEFLATED, 15, STREAM_ZMEM, Z_DEFAULT_STRATEGY);
        if (zs == Z_MEM_ERROR)
            return keep(pdf, RA_ERR_NOMEM);
        if (zs != Z_OK)
            return fail_msg(pdf, "zlib initialisation failed");
        pdf->z_ready = 1;
    } else if (deflateReset(&pdf->z) != Z_OK) {
        return fail_msg(pdf, "zlib reset failed");
    }
    uLong bound = deflateBound(&pdf->z, (uLong)len);
    ra_buf_clear(z);
    if (ra_buf_reserve(z, bound) != RA_OK)
        return keep(pdf, RA_ERR_NOMEM);
    pdf->z.next_in = (Bytef *)data;
    pdf->z.avail_in = (uInt)len;
    pdf->z.next_out = (Bytef *)z->data;
    pdf->z.avail_out = (uInt)bound;
    if (deflate(&pdf->z, Z_FINISH) != Z_STREAM_END)
        return fail_msg(pdf, "zlib compression failed");
    zlen = pdf->z.total_out;
    z->len = zlen;
#endif
    if (digest)
        ra_sha256_update(digest, z->data, zlen);
    return deflated(pdf, s, page, z->data, zlen);
}

/* libharu's output: appends to the ra_buf_t in the stream's attr. */
static HPDF_STATUS out_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    ra_buf_t *b = s->attr;
    if (b->cap - b->len <= siz && ra_buf_reserve(b, siz) != RA_OK)
        return HPDF_SetError(s->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
    memcpy(b->data + b->len, ptr, siz);
    b->len += siz;
    b->data[b->len] = '\0';
    return HPDF_OK;
}

/* Makes data (copied) the data of stream dictionary d, as it is. */
ra_status_t ra_pdf__stream_put(ra_pdf_t *pdf, HPDF_Dict d, const void *data, size_t len)
{
    return put_data(pdf, d, NULL, data, len);
}

ra_status_t ra_pdf__stream_set_deflated(ra_pdf_t *pdf, HPDF_Dict s, const void *z, size_t len)
{
    return deflated(pdf, s, NULL, z, len);
}

/* Makes data, compressed here, the data of stream dictionary s. */
ra_status_t ra_pdf__stream_set(ra_pdf_t *pdf, HPDF_Dict s, const void *data, size_t len,
                               ra_sha256_ctx_t *digest)
{
    return set_data(pdf, s, NULL, data, len, digest);
}

/* Makes data, compressed here, the content stream of page. */
ra_status_t ra_pdf__page_content_set(ra_pdf_t *pdf, HPDF_Page page, const void *data, size_t len,
                                     ra_sha256_ctx_t *digest)
{
    HPDF_PageAttr pa = page->attr;
    return set_data(pdf, pa->contents, pa, data, len, digest);
}

/* Writes the whole file through libharu straight into out. */
ra_status_t ra_pdf__write(ra_pdf_t *pdf, ra_buf_t *out)
{
    ra_status_t st;
    /* libharu writes the file straight into out through a callback
     * writer in place of its memory stream; the offsets in the xref are
     * counted from the stream's size, so it starts from 0. */
    HPDF_Doc doc = pdf->doc;
    if (!doc->stream || doc->stream->write_fn != out_write) {
        HPDF_Stream w = HPDF_CallbackWriter_New(doc->mmgr, out_write, NULL);
        if (!w)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        HPDF_Stream_Free(doc->stream);
        doc->stream = w;
    }
    size_t start = out->len, bytes = 0;
    for (size_t i = 0; i < pdf->nblobs; i++)
        bytes += pdf->blobs[i]->len;
    if ((st = keep(pdf, ra_buf_reserve(out, bytes + 65536))) != RA_OK)
        return st;
    doc->stream->attr = out;
    doc->stream->size = 0;
    if (hp(pdf, HPDF_SaveToStream(doc)) != RA_OK) {
        out->len = start;
        out->data[start] = '\0';
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    }
    return RA_OK;
}
