/* archival.c - archival metadata: the XMP packet, the sRGB output intent, the /ID. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <math.h>

/* --- XMP --- */

/* Appends s with the characters XML gives a meaning escaped. */
static ra_status_t xml_escape(ra_buf_t *out, const char *s)
{
    ra_status_t st = RA_OK;
    for (; *s && st == RA_OK; s++) {
        const char *e = *s == '&'    ? "&amp;"
                        : *s == '<'  ? "&lt;"
                        : *s == '>'  ? "&gt;"
                        : *s == '"'  ? "&quot;"
                        : *s == '\'' ? "&apos;"
                                     : NULL;
        st = e ? ra_buf_puts(out, e) : ra_buf_putc(out, *s);
    }
    return st;
}

/* Returns 1 when s is 1..64 ASCII letters and digits, a letter first: an
 * XML name that needs no checking beyond that. */
static int plain_name(const char *s)
{
    size_t n = 0;
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
        return 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
              (s[n] >= '0' && s[n] <= '9')) ||
            n >= 64)
            return 0;
    return 1;
}

/* Renders the caller's XMP properties and the PDF/A extension schema that
 * declares them (PDF/A-1 accepts no undeclared property). */
ra_status_t ra_pdf__xmp_custom(ra_pdf_t *pdf, const ra_pdf_info_t *info)
{
    ra_buf_t *sc = &pdf->xmp_schema, *pr = &pdf->xmp_props, v = RA_BUF_INIT;
    ra_status_t st = RA_OK;
    ra_buf_clear(sc);
    ra_buf_clear(pr);
    if (info->nxmp_props == 0)
        return RA_OK;
    if (!plain_name(info->xmp_prefix) || !info->xmp_namespace || !*info->xmp_namespace)
        return fail_msg(pdf, "XMP properties need a prefix and a namespace");
    for (size_t i = 0; i < info->nxmp_props; i++)
        if (!plain_name(info->xmp_props[i].name))
            return fail_msg(pdf, "XMP property names must be ASCII letters "
                                 "and digits");
    const char *pfx = info->xmp_prefix;
    st = ra_buf_puts(sc, "<rdf:Description rdf:about=\"\"\n"
                         " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/"
                         "extension/\"\n"
                         " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/"
                         "schema#\"\n"
                         " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/"
                         "property#\">\n"
                         "<pdfaExtension:schemas><rdf:Bag>\n"
                         "<rdf:li rdf:parseType=\"Resource\">\n"
                         "<pdfaSchema:schema>");
    if (st == RA_OK)
        st = xml_escape(sc, info->xmp_schema ? info->xmp_schema : pfx);
    if (st == RA_OK)
        st = ra_buf_puts(sc, "</pdfaSchema:schema>\n<pdfaSchema:namespaceURI>");
    if (st == RA_OK)
        st = xml_escape(sc, info->xmp_namespace);
    if (st == RA_OK)
        st = ra_buf_printf(sc,
                           "</pdfaSchema:namespaceURI>\n"
                           "<pdfaSchema:prefix>%s</pdfaSchema:prefix>\n"
                           "<pdfaSchema:property><rdf:Seq>\n",
                           pfx);
    if (st == RA_OK)
        st = ra_buf_printf(pr, "<rdf:Description rdf:about=\"\" xmlns:%s=\"", pfx);
    if (st == RA_OK)
        st = xml_escape(pr, info->xmp_namespace);
    if (st == RA_OK)
        st = ra_buf_puts(pr, "\">\n");
    for (size_t i = 0; i < info->nxmp_props && st == RA_OK; i++) {
        const ra_pdf_xmp_prop_t *p = &info->xmp_props[i];
        ra_buf_clear(&v);
        st = ra_buf_printf(sc,
                           "<rdf:li rdf:parseType=\"Resource\">"
                           "<pdfaProperty:name>%s</pdfaProperty:name>"
                           "<pdfaProperty:valueType>Text"
                           "</pdfaProperty:valueType>"
                           "<pdfaProperty:category>external"
                           "</pdfaProperty:category>"
                           "<pdfaProperty:description>",
                           p->name);
        if (st == RA_OK)
            st = ra_pdf__clean_text(p->description ? p->description : p->name, &v);
        if (st == RA_OK)
            st = xml_escape(sc, ra_buf_str(&v));
        if (st == RA_OK)
            st = ra_buf_puts(sc, "</pdfaProperty:description></rdf:li>\n");
        ra_buf_clear(&v);
        if (st == RA_OK)
            st = ra_pdf__clean_text(p->value ? p->value : "", &v);
        if (st == RA_OK)
            st = ra_buf_printf(pr, "<%s:%s>", pfx, p->name);
        if (st == RA_OK)
            st = xml_escape(pr, ra_buf_str(&v));
        if (st == RA_OK)
            st = ra_buf_printf(pr, "</%s:%s>\n", pfx, p->name);
    }
    if (st == RA_OK)
        st = ra_buf_puts(sc, "</rdf:Seq></pdfaSchema:property>\n</rdf:li>\n"
                             "</rdf:Bag></pdfaExtension:schemas>\n"
                             "</rdf:Description>\n");
    if (st == RA_OK)
        st = ra_buf_puts(pr, "</rdf:Description>\n");
    ra_buf_free(&v);
    return keep(pdf, st);
}

/* --- Archival metadata: XMP, output intent, /ID --- */

/* Appends the XMP packet: the info dictionary's values (dc:title,
 * dc:creator, dc:description, xmp:CreatorTool and dates, pdf:Keywords and
 * pdf:Producer), the PDF/A identification and the caller's properties. */
static ra_status_t build_xmp(const ra_pdf_t *pdf, ra_buf_t *x)
{
    static const struct {
        int field;
        const char *open, *close;
    } dc[] = {
        {INFO_TITLE, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">",
         "</rdf:li></rdf:Alt></dc:title>\n"},
        {INFO_AUTHOR, "<dc:creator><rdf:Seq><rdf:li>", "</rdf:li></rdf:Seq></dc:creator>\n"},
        {INFO_SUBJECT, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">",
         "</rdf:li></rdf:Alt></dc:description>\n"},
        {INFO_CREATOR, "<xmp:CreatorTool>", "</xmp:CreatorTool>\n"},
        {INFO_KEYWORDS, "<pdf:Keywords>", "</pdf:Keywords>\n"},
        {INFO_PRODUCER, "<pdf:Producer>", "</pdf:Producer>\n"},
    };
    ra_status_t st = ra_buf_puts(x, "<?xpacket begin=\"\xEF\xBB\xBF\""
                                    " id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                                    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                                    "<rdf:RDF\n"
                                    " xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                                    "<rdf:Description rdf:about=\"\"\n"
                                    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                                    " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                                    " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                                    "<dc:format>application/pdf</dc:format>\n");
    for (size_t i = 0; i < sizeof dc / sizeof dc[0] && st == RA_OK; i++) {
        if (!pdf->has_info[dc[i].field])
            continue;
        st = ra_buf_puts(x, dc[i].open);
        if (st == RA_OK)
            st = xml_escape(x, ra_buf_str(&pdf->info[dc[i].field]));
        if (st == RA_OK)
            st = ra_buf_puts(x, dc[i].close);
    }
    if (st == RA_OK && pdf->xmp_date[0])
        st = ra_buf_printf(x,
                           "<xmp:CreateDate>%s</xmp:CreateDate>\n"
                           "<xmp:ModifyDate>%s</xmp:ModifyDate>\n",
                           pdf->xmp_date, pdf->xmp_date);
    if (st == RA_OK)
        st = ra_buf_puts(x, "</rdf:Description>\n");
    if (st == RA_OK && pdf->conformance == RA_PDF_PDFA_1B)
        st = ra_buf_puts(x, "<rdf:Description rdf:about=\"\"\n"
                            " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/"
                            "id/\">\n"
                            "<pdfaid:part>1</pdfaid:part>\n"
                            "<pdfaid:conformance>B</pdfaid:conformance>\n"
                            "</rdf:Description>\n");
    if (st == RA_OK)
        st = ra_buf_append(x, pdf->xmp_schema.data, pdf->xmp_schema.len);
    if (st == RA_OK)
        st = ra_buf_append(x, pdf->xmp_props.data, pdf->xmp_props.len);
    if (st == RA_OK)
        st = ra_buf_puts(x, "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
    return st;
}

/* Number of points of the ICC profile's tone curves: enough for sRGB to
 * within 1e-4 with linear interpolation, and few, because a reader that
 * colour-manages inverts the curves per page at a cost proportional to
 * their length (poppler with lcms2 spent 50 ms a page on the 1024-point
 * curves of Debian's sRGB.icc). */
#define ICC_TRC_POINTS 64

/* Appends an ICC tag header: type signature and four reserved bytes. */
static ra_status_t icc_type(ra_buf_t *b, const char *sig)
{
    ra_status_t st = ra_buf_append(b, sig, 4);
    return st == RA_OK ? ra_buf_append(b, "\0\0\0\0", 4) : st;
}

/* Appends a big-endian 32-bit word. */
static ra_status_t icc_u32(ra_buf_t *b, uint32_t v)
{
    unsigned char w[4];
    put32(w, v);
    return ra_buf_append(b, (char *)w, 4);
}

/* Appends an XYZType of the given tristimulus values (s15Fixed16). */
static ra_status_t icc_xyz(ra_buf_t *b, double x, double y, double z)
{
    ra_status_t st = icc_type(b, "XYZ ");
    double v[3] = {x, y, z};
    for (int i = 0; i < 3 && st == RA_OK; i++)
        st = icc_u32(b, (uint32_t)(int32_t)lround(v[i] * 65536.0));
    return st;
}

/* Builds the output intent's profile: sRGB (IEC 61966-2.1) as an ICC
 * version 2.1 RGB display profile, the primaries adapted to D50 (Bradford)
 * as the PCS requires, the tone curve sampled at ICC_TRC_POINTS points and
 * shared by the three channels. Our own, so no profile file is needed. */
static ra_status_t build_srgb_icc(ra_buf_t *b)
{
    static const char desc[] = "sRGB IEC61966-2.1";
    static const char cprt[] = "No copyright, use freely";
    enum { NTAGS = 9, HDR = 128 + 4 + 12 * NTAGS };
    /* Tag data, in order: desc, cprt, wtpt, rXYZ, gXYZ, bXYZ, TRC. */
    ra_buf_t d = RA_BUF_INIT;
    uint32_t off[7], len[7];
    ra_status_t st = RA_OK;
    for (int t = 0; t < 7 && st == RA_OK; t++) {
        off[t] = HDR + (uint32_t)d.len;
        switch (t) {
        case 0: /* textDescriptionType: ASCII, empty Unicode and Script */
            st = icc_type(&d, "desc");
            if (st == RA_OK)
                st = icc_u32(&d, sizeof desc);
            if (st == RA_OK)
                st = ra_buf_append(&d, desc, sizeof desc);
            for (int k = 0; k < 4 + 4 + 2 + 1 + 67 && st == RA_OK; k++)
                st = ra_buf_putc(&d, 0);
            break;
        case 1:
            st = icc_type(&d, "text");
            if (st == RA_OK)
                st = ra_buf_append(&d, cprt, sizeof cprt);
            break;
        case 2: /* media white point: D50, as the colorants are adapted */
            st = icc_xyz(&d, 0.9642, 1.0, 0.8249);
            break;
        case 3:
            st = icc_xyz(&d, 0.4360747, 0.2225045, 0.0139322);
            break;
        case 4:
            st = icc_xyz(&d, 0.3850649, 0.7168786, 0.0971045);
            break;
        case 5:
            st = icc_xyz(&d, 0.1430804, 0.0606169, 0.7141733);
            break;
        case 6: /* the sRGB transfer function, encoded value -> linear */
            st = icc_type(&d, "curv");
            if (st == RA_OK)
                st = icc_u32(&d, ICC_TRC_POINTS);
            for (int i = 0; i < ICC_TRC_POINTS && st == RA_OK; i++) {
                double v = (double)i / (ICC_TRC_POINTS - 1);
                double lin = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
                unsigned char e[2];
                put16(e, (uint32_t)lround(lin * 65535.0));
                st = ra_buf_append(&d, (char *)e, 2);
            }
            break;
        }
        len[t] = HDR + (uint32_t)d.len - off[t];
        while (st == RA_OK && d.len % 4)
            st = ra_buf_putc(&d, 0);
    }
    /* Header: size, version 2.1, display class, RGB data, XYZ PCS, a fixed
     * date, 'acsp', perceptual intent, the D50 illuminant. */
    unsigned char h[128];
    memset(h, 0, sizeof h);
    put32(h, (uint32_t)(HDR + d.len));
    put32(h + 8, 0x02100000);
    memcpy(h + 12, "mntrRGB XYZ ", 12);
    put16(h + 24, 2026);
    put16(h + 26, 1);
    put16(h + 28, 1);
    memcpy(h + 36, "acsp", 4);
    put32(h + 68, 0x0000F6D6);
    put32(h + 72, 0x00010000);
    put32(h + 76, 0x0000D32D);
    static const struct {
        char sig[5];
        int data;
    } tags[NTAGS] = {{"desc", 0}, {"cprt", 1}, {"wtpt", 2}, {"rXYZ", 3}, {"gXYZ", 4},
                     {"bXYZ", 5}, {"rTRC", 6}, {"gTRC", 6}, {"bTRC", 6}};
    if (st == RA_OK)
        st = ra_buf_append(b, (char *)h, sizeof h);
    if (st == RA_OK)
        st = icc_u32(b, NTAGS);
    for (int i = 0; i < NTAGS && st == RA_OK; i++) {
        st = ra_buf_append(b, tags[i].sig, 4);
        if (st == RA_OK)
            st = icc_u32(b, off[tags[i].data]);
        if (st == RA_OK)
            st = icc_u32(b, len[tags[i].data]);
    }
    if (st == RA_OK)
        st = ra_buf_append(b, d.data, d.len);
    ra_buf_free(&d);
    return st;
}

/* Adds the sRGB output intent (the colours the pages use are DeviceRGB,
 * which PDF/A accepts only with an RGB output intent). */
static ra_status_t add_output_intent(ra_pdf_t *pdf)
{
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    HPDF_Dict icc = ra_pdf__new_stream(pdf);
    HPDF_Dict intent = HPDF_Dict_New(mm);
    HPDF_Array intents = HPDF_Array_New(mm);
    if (!icc || !intent || !intents || pdf->err)
        return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    const char *id = "sRGB IEC61966-2.1";
    HPDF_STATUS s = HPDF_Dict_AddNumber(icc, "N", 3);
    s |= HPDF_Dict_AddName(intent, "Type", "OutputIntent");
    s |= HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
    s |= HPDF_Dict_Add(intent, "OutputConditionIdentifier", HPDF_String_New(mm, id, NULL));
    s |= HPDF_Dict_Add(intent, "RegistryName", HPDF_String_New(mm, "http://www.color.org", NULL));
    s |= HPDF_Dict_Add(intent, "Info", HPDF_String_New(mm, id, NULL));
    s |= HPDF_Dict_Add(intent, "DestOutputProfile", icc);
    s |= HPDF_Array_Add(intents, intent);
    s |= HPDF_Dict_Add(ra_pdf__catalog(pdf), "OutputIntents", intents);
    if (hp(pdf, s) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    ra_buf_t prof = RA_BUF_INIT;
    ra_status_t st = keep(pdf, build_srgb_icc(&prof));
    if (st == RA_OK)
        st = ra_pdf__stream_set(pdf, icc, prof.data, prof.len, NULL);
    ra_buf_free(&prof);
    return st;
}

/* Writes the XMP metadata stream (uncompressed, as PDF/A requires), the
 * output intent (once) and the /ID: twice the first 16 bytes of SHA-256
 * over the XMP packet, the digest of the compressed page content and the
 * attachments' and images' digests, so
 * that the same document gets the same ID and a different one another. */
ra_status_t ra_pdf__finish_archival(ra_pdf_t *pdf, const unsigned char content_digest[32])
{
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    ra_buf_t x = RA_BUF_INIT;
    ra_status_t st;
    if (!pdf->metadata) {
        pdf->metadata = ra_pdf__new_stream(pdf);
        pdf->id = HPDF_Array_New(mm);
        if (!pdf->metadata || !pdf->id || pdf->err)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        HPDF_STATUS s = HPDF_Dict_AddName(pdf->metadata, "Type", "Metadata");
        s |= HPDF_Dict_AddName(pdf->metadata, "Subtype", "XML");
        s |= HPDF_Dict_Add(ra_pdf__catalog(pdf), "Metadata", pdf->metadata);
        s |= HPDF_Dict_Add(ra_pdf__trailer(pdf), "ID", pdf->id);
        if (hp(pdf, s) != RA_OK || add_output_intent(pdf) != RA_OK)
            return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    }
    if ((st = keep(pdf, build_xmp(pdf, &x))) != RA_OK)
        goto done;
    if ((st = ra_pdf__stream_put(pdf, pdf->metadata, x.data, x.len)) != RA_OK)
        goto done;

    unsigned char digest[32];
    ra_sha256_ctx_t ctx;
    ra_sha256_init(&ctx);
    ra_sha256_update(&ctx, x.data, x.len);
    ra_sha256_update(&ctx, content_digest, 32);
    for (size_t i = 0; i < pdf->natt; i++)
        ra_sha256_update(&ctx, pdf->att[i].sha256, 32);
    ra_sha256_update(&ctx, pdf->xobject_digests.data, pdf->xobject_digests.len);
    ra_sha256_final(&ctx, digest);
    HPDF_Array_Clear(pdf->id);
    st = hp(pdf, HPDF_Array_Add(pdf->id, HPDF_Binary_New(mm, digest, 16)) |
                     HPDF_Array_Add(pdf->id, HPDF_Binary_New(mm, digest, 16)));
done:
    ra_buf_free(&x);
    return st;
}
