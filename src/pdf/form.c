/* form.c - the interactive form: empty signature fields and the catalog's AcroForm.
 *
 * What a signer (readyaudit sign, pdfsig, Acrobat) expects to find, and
 * replaces in an incremental update: the catalog's /AcroForm is an
 * indirect object << /Fields [...] >>, so an update can replace it alone
 * (adding /SigFlags 3); each field is one indirect object, field and
 * widget merged, in the page's /Annots and in /Fields, with no /V. PDF/A-1
 * wants every annotation printable (/F 4) and with a normal appearance,
 * and forbids /NeedAppearances. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <math.h>

#define FIELD_NAME_MAX 64

/* Returns 1 when name is a field name we write: 1 to FIELD_NAME_MAX ASCII
 * letters, digits, '-' or '_' (no '.', which separates partial names,
 * nothing a literal string would have to escape). */
static int plain_field_name(const char *name)
{
    size_t n = 0;
    for (; name && name[n]; n++) {
        char c = name[n];
        if (n >= FIELD_NAME_MAX || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                     (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return n > 0;
}

/* Rounds v to a quarter point: libharu's reals are floats, and a quarter
 * is exact in a float and written exactly, so /Rect and /BBox agree to the
 * last digit. */
static double round_q(double v)
{
    return round(v * 4.0) / 4.0;
}

/* Frees direct objects that were made but not yet added to anything (once
 * added, libharu owns them, even when the adding fails). */
static void free_loose(ra_pdf_t *pdf, void *a, void *b, void *c)
{
    void *objs[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (objs[i])
            HPDF_Obj_Free(ra_pdf__mmgr(pdf), objs[i]);
}

/* Adds the four numbers of a rectangle to array a. */
static HPDF_STATUS add_rect(HPDF_Array a, double x1, double y1, double x2, double y2)
{
    HPDF_STATUS s = HPDF_Array_AddReal(a, (HPDF_REAL)x1);
    s |= HPDF_Array_AddReal(a, (HPDF_REAL)y1);
    s |= HPDF_Array_AddReal(a, (HPDF_REAL)x2);
    s |= HPDF_Array_AddReal(a, (HPDF_REAL)y2);
    return s;
}

/* Creates the catalog's /AcroForm << /Fields [] >>, an indirect object,
 * unless it exists. */
static ra_status_t ensure_acroform(ra_pdf_t *pdf)
{
    if (pdf->acroform)
        return RA_OK;
    HPDF_Dict form = ra_pdf__new_indirect(pdf);
    HPDF_Array fields = HPDF_Array_New(ra_pdf__mmgr(pdf));
    if (!form || !fields || pdf->err) {
        free_loose(pdf, fields, NULL, NULL);
        return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    }
    HPDF_STATUS s = HPDF_Dict_Add(form, "Fields", fields);
    s |= HPDF_Dict_Add(ra_pdf__catalog(pdf), "AcroForm", form);
    if (hp(pdf, s) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    pdf->acroform = form;
    pdf->fields = fields;
    return RA_OK;
}

/* Creates the widget's appearance: a form XObject w by h points that
 * strokes a thin grey frame just inside its box. NULL on error (recorded). */
static HPDF_Dict appearance(ra_pdf_t *pdf, double w, double h)
{
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    const double lw = 0.5, grey[3] = {0.62, 0.64, 0.68};
    const double frame[4] = {lw / 2, lw / 2, w - lw, h - lw};
    ra_buf_t b = RA_BUF_INIT;
    ra_status_t st = ra_pdf__put_op(&b, grey, 3, "RG");
    if (st == RA_OK)
        st = ra_pdf__put_op(&b, &lw, 1, "w");
    if (st == RA_OK)
        st = ra_pdf__put_op(&b, frame, 4, "re");
    if (st == RA_OK)
        st = ra_buf_puts(&b, "S\n");
    HPDF_Dict xo = NULL;
    if (keep(pdf, st) != RA_OK)
        goto done;
    xo = ra_pdf__new_stream(pdf);
    HPDF_Array bbox = HPDF_Array_New(mm);
    HPDF_Dict res = HPDF_Dict_New(mm);
    if (!xo || !bbox || !res || pdf->err) {
        free_loose(pdf, bbox, res, NULL);
        hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        xo = NULL;
        goto done;
    }
    ra_pdf__mark_xobject(xo);
    HPDF_STATUS s = HPDF_Dict_AddName(xo, "Type", "XObject");
    s |= HPDF_Dict_AddName(xo, "Subtype", "Form");
    s |= add_rect(bbox, 0, 0, w, h);
    s |= HPDF_Dict_Add(xo, "BBox", bbox);
    s |= HPDF_Dict_Add(xo, "Resources", res);
    if (hp(pdf, s) != RA_OK || ra_pdf__stream_set(pdf, xo, b.data, b.len, NULL) != RA_OK)
        xo = NULL;
done:
    ra_buf_free(&b);
    return xo;
}

ra_status_t ra_pdf_sig_field(ra_pdf_t *pdf, const char *name, double x, double y, double w,
                             double h)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (!plain_field_name(name))
        return fail_msg(pdf, "signature field name is not 1 to 64 letters, digits, '-' or '_'");
    if (!(w >= 1 && h >= 1 && x >= 0 && y >= 0 && x + w <= pg->w && y + h <= pg->h))
        return fail_msg(pdf, "signature field outside its page");
    /* Field names are unique in a document: field_names is "\n" and
     * each name followed by "\n". */
    ra_buf_t key = RA_BUF_INIT;
    ra_status_t st = ra_buf_printf(&key, "\n%s\n", name);
    if (st == RA_OK && pdf->field_names.len == 0)
        st = ra_buf_putc(&pdf->field_names, '\n');
    if ((st = keep(pdf, st)) != RA_OK) {
        ra_buf_free(&key);
        return st;
    }
    int dup = strstr(ra_buf_str(&pdf->field_names), ra_buf_str(&key)) != NULL;
    if (!dup)
        st = keep(pdf, ra_buf_append(&pdf->field_names, key.data + 1, key.len - 1));
    ra_buf_free(&key);
    if (dup)
        return fail_msg(pdf, "two signature fields with the same name");
    if (st != RA_OK || (st = ensure_acroform(pdf)) != RA_OK)
        return st;

    /* PDF space, rounded once so that /Rect and /BBox agree exactly. */
    double x1 = round_q(x), y2 = round_q(pg->h - y), x2 = round_q(x + w),
           y1 = round_q(pg->h - y - h);
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    HPDF_Dict ap_n = appearance(pdf, round_q(x2 - x1), round_q(y2 - y1));
    HPDF_Dict field = ra_pdf__new_indirect(pdf);
    HPDF_Dict ap = HPDF_Dict_New(mm);
    HPDF_Array rect = HPDF_Array_New(mm);
    HPDF_String t = HPDF_String_New(mm, name, NULL);
    HPDF_Array annots = HPDF_Dict_GetItem(pg->page, "Annots", HPDF_OCLASS_ARRAY);
    HPDF_Array new_annots = annots ? NULL : HPDF_Array_New(mm);
    if (!ap_n || !field || !ap || !rect || !t || (!annots && !new_annots) || pdf->err) {
        free_loose(pdf, ap, rect, t);
        free_loose(pdf, new_annots, NULL, NULL);
        return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    }
    /* A failed add frees the array: nothing may use it then. */
    if (new_annots && hp(pdf, HPDF_Dict_Add(pg->page, "Annots", new_annots)) != RA_OK) {
        free_loose(pdf, ap, rect, t);
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    }
    annots = annots ? annots : new_annots;
    HPDF_STATUS s = HPDF_Dict_AddName(field, "Type", "Annot");
    s |= HPDF_Dict_AddName(field, "Subtype", "Widget");
    s |= HPDF_Dict_AddName(field, "FT", "Sig");
    s |= HPDF_Dict_Add(field, "T", t);
    s |= HPDF_Dict_AddNumber(field, "F", 4);
    s |= add_rect(rect, x1, y1, x2, y2);
    s |= HPDF_Dict_Add(field, "Rect", rect);
    s |= HPDF_Dict_Add(field, "P", pg->page);
    s |= HPDF_Dict_Add(ap, "N", ap_n);
    s |= HPDF_Dict_Add(field, "AP", ap);
    s |= HPDF_Array_Add(annots, field);
    s |= HPDF_Array_Add(pdf->fields, field);
    if (hp(pdf, s) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;

    /* The field is part of what the document is: into the /ID. */
    ra_buf_t what = RA_BUF_INIT;
    unsigned char digest[32];
    st = ra_buf_printf(&what, "sig-field %s %lld %lld %lld %lld %zu", name, llround(x1 * 4),
                       llround(y1 * 4), llround(x2 * 4), llround(y2 * 4), pdf->cur);
    if (st == RA_OK) {
        ra_sha256(what.data, what.len, digest);
        st = ra_buf_append(&pdf->xobject_digests, (const char *)digest, 32);
    }
    ra_buf_free(&what);
    return keep(pdf, st);
}
