/* attach.c - embedded files and the EmbeddedFiles name tree. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <stdlib.h>

/* --- Attachments --- */

/* Returns 1 when mime is a plausible MIME type: printable ASCII with one
 * '/', no spaces, short enough for a PDF name. */
static int plain_mime(const char *mime)
{
    size_t n = 0, slashes = 0;
    for (; mime && mime[n]; n++) {
        unsigned char c = (unsigned char)mime[n];
        if (c <= 0x20 || c >= 0x7F || n >= 100)
            return 0;
        slashes += c == '/';
    }
    return n > 0 && slashes == 1;
}

ra_status_t ra_pdf_attach(ra_pdf_t *pdf, const char *name, const char *mime, const char *desc,
                          const void *data, size_t len)
{
    HPDF_MMgr mm;
    ra_buf_t clean = RA_BUF_INIT, ascii = RA_BUF_INIT;
    ra_status_t st;
    if (pdf->err)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    mm = ra_pdf__mmgr(pdf);
    if (pdf->conformance == RA_PDF_PDFA_1B)
        return fail_msg(pdf, "PDF/A-1 forbids embedded files");
    if (!plain_mime(mime))
        return fail_msg(pdf, "attachment MIME type is not type/subtype");
    if (len > 0x7FFFFFFF)
        return fail_msg(pdf, "attachment larger than 2 GiB");
    const char *base = name ? strrchr(name, '/') : NULL;
    base = base ? base + 1 : name ? name : "";
    if (!*base)
        return fail_msg(pdf, "attachment without a file name");
    if ((st = keep(pdf, ra_pdf__clean_text(base, &clean))) != RA_OK)
        goto done;
    /* /F for old readers: the name in ASCII; /UF: in full. */
    for (const char *c = ra_buf_str(&clean); *c && st == RA_OK; c++)
        st = ra_buf_putc(&ascii, (*c > 0x20 && *c < 0x7F && *c != '\\') ? *c : '_');
    /* The name tree's key: the UTF-16BE text string of /UF. */
    ra_buf_t key = RA_BUF_INIT;
    if (st == RA_OK)
        st = ra_pdf__utf16_text(ra_buf_str(&clean), &key);
    if ((st = keep(pdf, st)) != RA_OK)
        goto done;
    for (size_t i = 0; i < pdf->natt; i++)
        if (pdf->att[i].key_bytes.len == key.len &&
            memcmp(pdf->att[i].key_bytes.data, key.data, key.len) == 0) {
            ra_buf_free(&key);
            st = fail_msg(pdf, "two attachments with the same name");
            goto done;
        }
    if (RA_VEC_RESERVE(pdf->att, pdf->natt, pdf->cap_att, 4) != RA_OK) {
        ra_buf_free(&key);
        st = keep(pdf, RA_ERR_NOMEM);
        goto done;
    }
    attach_t *a = &pdf->att[pdf->natt++];
    memset(a, 0, sizeof *a);
    a->key_bytes = key; /* owned by the attachment from here */
    ra_sha256(data, len, a->sha256);

    /* The embedded file stream: type, size and MD5 checksum, no dates. */
    unsigned char md5[16];
    ra_md5(data, len, md5);
    HPDF_Dict file = ra_pdf__new_stream(pdf);
    HPDF_Dict params = HPDF_Dict_New(mm);
    HPDF_Dict ef = HPDF_Dict_New(mm);
    HPDF_Binary sum = HPDF_Binary_New(mm, md5, sizeof md5);
    HPDF_String f = HPDF_String_New(mm, ra_buf_str(&ascii), NULL);
    HPDF_Binary uf = HPDF_Binary_New(mm, (HPDF_BYTE *)key.data, (HPDF_UINT)key.len);
    a->spec = ra_pdf__new_indirect(pdf);
    HPDF_Binary d = desc ? ra_pdf__text_string(pdf, desc) : NULL;
    if (!file || !params || !ef || !sum || !f || !uf || !a->spec || (desc && !d) || pdf->err)
        goto fail;
    HPDF_STATUS s = HPDF_Dict_AddName(file, "Type", "EmbeddedFile");
    s |= HPDF_Dict_AddName(file, "Subtype", mime);
    s |= HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)len);
    s |= HPDF_Dict_Add(params, "CheckSum", sum);
    s |= HPDF_Dict_Add(file, "Params", params);
    s |= HPDF_Dict_Add(ef, "F", file);
    s |= HPDF_Dict_AddName(a->spec, "Type", "Filespec");
    s |= HPDF_Dict_Add(a->spec, "F", f);
    s |= HPDF_Dict_Add(a->spec, "UF", uf);
    s |= HPDF_Dict_Add(a->spec, "EF", ef);
    if (d)
        s |= HPDF_Dict_Add(a->spec, "Desc", d);
    if ((st = hp(pdf, s)) == RA_OK)
        st = ra_pdf__stream_set(pdf, file, data, len, NULL);
    goto done;
fail:
    st = hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
done:
    ra_buf_free(&clean);
    ra_buf_free(&ascii);
    return st;
}

/* Orders attachments by name-tree key (byte order, as name trees are). */
static int attach_cmp(const void *a, const void *b)
{
    const ra_buf_t *x = &((const attach_t *)a)->key_bytes;
    const ra_buf_t *y = &((const attach_t *)b)->key_bytes;
    int c = memcmp(x->data, y->data, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Lists the attachments in the catalog's EmbeddedFiles name tree (one
 * leaf, keys sorted), rebuilt on every save. */
ra_status_t ra_pdf__finish_attachments(ra_pdf_t *pdf)
{
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    HPDF_STATUS s = HPDF_OK;
    if (pdf->natt == 0)
        return RA_OK;
    if (!pdf->att_names) {
        HPDF_Dict names = HPDF_Dict_New(mm), tree = HPDF_Dict_New(mm);
        pdf->att_names = HPDF_Array_New(mm);
        if (!names || !tree || !pdf->att_names || pdf->err)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        s |= HPDF_Dict_Add(ra_pdf__catalog(pdf), "Names", names);
        s |= HPDF_Dict_Add(names, "EmbeddedFiles", tree);
        s |= HPDF_Dict_Add(tree, "Names", pdf->att_names);
        if (hp(pdf, s) != RA_OK)
            return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    }
    qsort(pdf->att, pdf->natt, sizeof *pdf->att, attach_cmp);
    HPDF_Array_Clear(pdf->att_names);
    for (size_t i = 0; i < pdf->natt && s == HPDF_OK; i++) {
        attach_t *a = &pdf->att[i];
        HPDF_Binary key =
            HPDF_Binary_New(mm, (HPDF_BYTE *)a->key_bytes.data, (HPDF_UINT)a->key_bytes.len);
        if (!key)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        s |= HPDF_Array_Add(pdf->att_names, key);
        s |= HPDF_Array_Add(pdf->att_names, a->spec);
    }
    return hp(pdf, s);
}
