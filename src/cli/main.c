/* main.c - the readyaudit command line: a table of subcommands over one pipeline. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/cleanup.h"
#include "base/env.h"
#include "model/load.h"
#include "pdf/pdf.h"
#include "base/version.h"

#ifndef RA_DATADIR
#define RA_DATADIR "/usr/local/share/readyaudit"
#endif

/* Option letters that a subcommand accepts beyond --help and --checklist. */
typedef struct {
    const char *name;
    int (*fn)(ra_cli_t *cli);
    const char *options; /* letters from the long-option table below */
    const char *usage;
    const char *help;
    bool uses_epoch; /* dates its output from SOURCE_DATE_EPOCH */
} command_t;

enum {
    OPT_CHECKLIST = 'C',
    OPT_PROFILE = 'p',
    OPT_FORMAT = 'f',
    OPT_OUTPUT = 'o',
    OPT_TEMPLATE = 't',
    OPT_FAIL_UNDER = 'F',
    OPT_QUIET = 'q',
    OPT_ATTACH = 'A',
    OPT_HELP = 'h',
    OPT_METHOD = 'M',
    OPT_FORCE = 'x',
    OPT_JOBS = 'j',
    OPT_SHARD = 'S',
    OPT_MANIFEST = 'm',
    OPT_SUMMARY = 's',
    OPT_VERBOSE = 'v',
    OPT_ROLE = 'r',
    OPT_KEY = 'k',
    OPT_CERT = 'c',
    OPT_CHAIN = 'n',
    OPT_P12 = 'P',
    OPT_PASSWORD = 'w',
    OPT_PKCS11 = 'K',
    OPT_PIN = 'i',
    OPT_TRUST = 'T',
    OPT_STRICT = 'Z',
    OPT_PREVIOUS = 'R'
};

static const struct option long_options[] = {
    {"checklist", required_argument, NULL, OPT_CHECKLIST},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"template", required_argument, NULL, OPT_TEMPLATE},
    {"fail-under", required_argument, NULL, OPT_FAIL_UNDER},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"attach-source", no_argument, NULL, OPT_ATTACH},
    {"methodology", no_argument, NULL, OPT_METHOD},
    {"force", no_argument, NULL, OPT_FORCE},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"manifest", required_argument, NULL, OPT_MANIFEST},
    {"summary", required_argument, NULL, OPT_SUMMARY},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"role", required_argument, NULL, OPT_ROLE},
    {"key", required_argument, NULL, OPT_KEY},
    {"cert", required_argument, NULL, OPT_CERT},
    {"chain", required_argument, NULL, OPT_CHAIN},
    {"p12", required_argument, NULL, OPT_P12},
    {"password-file", required_argument, NULL, OPT_PASSWORD},
    {"pkcs11", required_argument, NULL, OPT_PKCS11},
    {"pin-file", required_argument, NULL, OPT_PIN},
    {"trust", required_argument, NULL, OPT_TRUST},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"previous", required_argument, NULL, OPT_PREVIOUS},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static const command_t commands[] = {
    {"validate", ra_cmd_validate, "qvZ", "validate [-q] [-v] [--strict] FILE...",
     "Check records against the schema and the checklist; errors as FILE:LINE: message.", false},
    {"init", ra_cmd_init, "po", "init --profile P [-o FILE]",
     "Print a blank record listing every check of profile P, ready to fill in.", true},
    {"checklist", ra_cmd_checklist, "pM", "checklist [--profile P] [--methodology]",
     "List the checks (of profile P, or all) as a table, or print the scoring methodology.", false},
    {"score", ra_cmd_score, "pfFvZ",
     "score FILE [--format text|json|csv|junit] [--profile P] [--fail-under N] [--strict] [-v]",
     "Score a record: maturity score, band, verdict, sign-off status, gaps.", false},
    {"report", ra_cmd_report, "otqAvZR",
     "report FILE -o OUT.pdf [--template T] [--attach-source] [--previous OLD.xml] [--strict] [-v]",
     "Lay out the PDF readiness report of a record; with --previous, what changed since that\n"
     "earlier assessment of the same system.",
     true},
    {"batch", ra_cmd_batch, "ojSmsxqAZ",
     "batch FILE|DIR... -o OUTDIR [-j N] [--manifest M] [--summary S.pdf] [--shard K/N] [--force] "
     "[--strict]",
     "Report on many records at once into OUTDIR, one worker process per core.", true},
    {"verify", ra_cmd_verify, "tfTR",
     "verify REPORT.pdf [RECORD.xml] [--template T] [--previous OLD.xml] [--trust CA.pem] "
     "[--format text|json]",
     "Regenerate a report from the inputs it names (the record given or embedded, the checklist\n"
     "and template found by digest) and compare it byte for byte; check every signature added\n"
     "after issue and match its signer with the approval the record holds for its role.\n"
     "Exit 0 only when it matches and every later update is a valid signature (with --trust, a\n"
     "trusted one); 5 record mismatch, 6 damaged or truncated, 7 modified after issue (or a\n"
     "signature not valid), 8 not a readyaudit report, 9 made by another version, 10 an input\n"
     "missing, 11 rewritten by another PDF tool, 12 signed but not trusted under --trust.",
     false},
    {"diff", ra_cmd_diff, "fx", "diff OLD.xml NEW.xml [--format text|json] [--force]",
     "Compare two assessments of one system: scores, layers, every check, remediations, risk\n"
     "acceptances and approvals. Exit 14 when the records are of different systems (their\n"
     "<system id> or organisation and name differ) unless --force.",
     false},
    {"manifest", ra_cmd_manifest, "oq",
     "manifest merge MANIFEST... -o OUT | manifest summary MANIFEST -o PORTFOLIO.pdf",
     "Merge the manifests of sharded batch runs into one, or write the portfolio summary of a\n"
     "manifest (read one row at a time; a merged manifest of shards gives the whole pack's).",
     false},
    {"sign", ra_cmd_sign, "orkcnPwKiq",
     "sign REPORT.pdf --role ROLE (--key KEY.pem --cert CERT.pem [--chain CHAIN.pem] | --p12 "
     "FILE.p12 [--password-file F] | --pkcs11 URI [--cert CERT.pem] [--pin-file F]) [-o OUT.pdf]",
     "Sign a report in the signature field of ROLE (PAdES B-B, an incremental update); in place "
     "without -o.",
     true},
};

static void print_usage(FILE *f, const char *prog)
{
    fprintf(f, "usage: %s COMMAND [OPTIONS] [FILE...]\n\ncommands:\n", prog);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f,
            "\noptions of every command:\n"
            "  --checklist FILE  use this checklist instead of the shipped one\n"
            "  --help            describe the command\n\n"
            "%s --version prints the version. Exit codes: 0 success, 1 not ready (with a\n"
            "gate such as --fail-under), 2 usage error, 3 invalid input, 4 I/O or output\n"
            "failure, 5-12 verify outcomes (see verify --help), 13 text the font chain\n"
            "cannot draw (with --strict), 14 diff of different systems; sign refuses with\n"
            "20 no such field, 21 already signed, 22 not an intact report, 23 key and\n"
            "certificate differ, 24 certificate expired or not yet valid, 25 key usage\n"
            "forbids signing, 26 wrong PIN or password.\n",
            prog);
}

static void print_command_help(const command_t *c, const char *prog)
{
    printf("usage: %s %s\n\n%s\n\noptions:\n", prog, c->usage, c->help);
    /* One line per option; where an option means something else to one
     * command, that command's line comes first. The man page's OPTIONS
     * section lists the same options per command (tests/cli/help.sh). */
    static const struct {
        char letter;
        const char *command; /* NULL: every command that takes it */
        const char *text;
    } docs[] = {
        {'p', "init",
         "  --profile P       list the checks of profile P (minimum-viable, startup, ...)"},
        {'p', "checklist", "  --profile P       list only the checks profile P scores"},
        {'p', "score", "  --profile P       score for profile P instead of the record's own"},
        {'f', "verify", "  --format F        text (default) or json"},
        {'f', "diff", "  --format F        text (default) or json"},
        {'f', NULL, "  --format F        text (default), json, csv or junit"},
        {'F', NULL,
         "  --fail-under N    exit 1 when the score is below N or the verdict is not ready"},
        {'o', "report", "  -o, --output FILE write the PDF to FILE (- for standard output)"},
        {'o', "batch", "  -o, --output DIR  write one report per record into the directory DIR"},
        {'o', "sign",
         "  -o, --output FILE write the signed report to FILE (default: sign in place)"},
        {'o', "manifest",
         "  -o, --output FILE write the merged manifest (.csv or .json) or the summary PDF to "
         "FILE"},
        {'o', NULL, "  -o, --output FILE write to FILE instead of standard output"},
        {'t', "verify",
         "  --template FILE   the template to regenerate with when the report's is not a shipped "
         "one"},
        {'t', NULL, "  --template FILE   report template (default: the shipped one)"},
        {'A', "batch", "  --attach-source   embed each record in its report"},
        {'A', NULL, "  --attach-source   embed the record in the PDF"},
        {'q', "validate",
         "  -q, --quiet       print nothing for valid records (errors and warnings still)"},
        {'q', "batch", "  -q, --quiet       no progress bar and no summary line; failures still"},
        {'q', NULL, "  -q, --quiet       print nothing on success"},
        {'v', NULL, "  -v, --verbose     follow each XML or schema error with libxml2's own words"},
        {'M', NULL, "  --methodology     print how scores, verdicts and sign-off are decided"},
        {'j', NULL, "  -j, --jobs N      worker processes (default: one per core)"},
        {'m', NULL, "  --manifest FILE   write the audit pack's index (.csv or .json)"},
        {'s', NULL, "  --summary FILE    write a portfolio summary PDF over the batch"},
        {'S', NULL,
         "  --shard K/N       process only the K-th of N deterministic parts of the input"},
        {'x', "diff", "  --force           compare records of different systems"},
        {'x', NULL, "  --force           redo records whose report is already up to date"},
        {'Z', "batch",
         "  --strict          a record with text the fonts cannot draw fails (exit 13)"},
        {'Z', NULL,
         "  --strict          text the fonts cannot draw is an error (exit 13), not a warning"},
        {'r', NULL,
         "  --role ROLE       the signature field to sign: the role id (technical-owner, ...)"},
        {'k', NULL, "  --key FILE        the signer's private key (PEM or DER, unencrypted)"},
        {'c', NULL,
         "  --cert FILE       the signer's certificate (PEM), then any chain certificates"},
        {'n', NULL, "  --chain FILE      intermediate certificates to include (PEM)"},
        {'P', NULL, "  --p12 FILE        key and certificates from a PKCS#12 file"},
        {'w', NULL, "  --password-file F the PKCS#12 password: the first line of F"},
        {'K', NULL,
         "  --pkcs11 URI      a key on a PKCS#11 token (RFC 7512; module-path= names the module)"},
        {'i', NULL, "  --pin-file F      the token's PIN: the first line of F"},
        {'T', NULL, "  --trust FILE      trust anchors (PEM certificates) for the signatures"},
        {'R', "verify",
         "  --previous FILE   the previous record a report made with --previous compares with"},
        {'R', NULL,
         "  --previous FILE   add the changes since this earlier assessment of the system"},
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        if (!strchr(c->options, docs[i].letter) ||
            (docs[i].command && strcmp(docs[i].command, c->name) != 0))
            continue;
        /* Only the first line of a letter that applies. */
        bool earlier = false;
        for (size_t k = 0; k < i; k++)
            earlier |= docs[k].letter == docs[i].letter &&
                       (!docs[k].command || strcmp(docs[k].command, c->name) == 0);
        if (!earlier)
            printf("%s\n", docs[i].text);
    }
    printf("  --checklist FILE  use this checklist instead of the shipped one\n"
           "  --help            show this help\n");
}

/* Parses "N" as a number between 0 and 100, locale-independently. */
static int parse_percent(const char *s, double *out)
{
    char *end;
    errno = 0;
    long whole = strtol(s, &end, 10);
    double v = (double)whole;
    if (end == s || errno || whole < 0)
        return -1;
    if (*end == '.') {
        double scale = 1;
        const char *p = end + 1;
        if (!*p)
            return -1;
        for (; *p >= '0' && *p <= '9'; p++) {
            scale /= 10;
            v += (*p - '0') * scale;
        }
        end = (char *)p;
    }
    if (*end || v > 100)
        return -1;
    *out = v;
    return 0;
}

/* Parses the subcommand's options into cli->opts; returns an exit code or -1 to go on. */
static int parse_options(ra_cli_t *cli, const command_t *c, int argc, char **argv)
{
    ra_opts_t *o = &cli->opts;
    o->fail_under = -1;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":o:qvhj:", long_options, NULL)) != -1) {
        if (ch == OPT_HELP) {
            print_command_help(c, cli->prog);
            return RA_EXIT_OK;
        }
        if (ch == '?' || ch == ':') {
            const char *bad = argv[optind - 1];
            fprintf(stderr, "%s %s: %s '%s'\nTry '%s %s --help'.\n", cli->prog, c->name,
                    ch == ':' ? "missing argument for" : "unknown option", bad, cli->prog, c->name);
            return RA_EXIT_USAGE;
        }
        if (ch != OPT_CHECKLIST && !strchr(c->options, ch)) {
            const char *name = "?";
            for (const struct option *lo = long_options; lo->name; lo++)
                if (lo->val == ch)
                    name = lo->name;
            fprintf(stderr,
                    "%s %s: option '--%s' does not apply to this command\nTry '%s %s --help'.\n",
                    cli->prog, c->name, name, cli->prog, c->name);
            return RA_EXIT_USAGE;
        }
        if ((ch == OPT_OUTPUT || ch == OPT_MANIFEST || ch == OPT_SUMMARY || ch == OPT_CHECKLIST ||
             ch == OPT_TEMPLATE || ch == OPT_ROLE || ch == OPT_KEY || ch == OPT_CERT ||
             ch == OPT_CHAIN || ch == OPT_P12 || ch == OPT_PASSWORD || ch == OPT_PKCS11 ||
             ch == OPT_PIN || ch == OPT_TRUST || ch == OPT_PREVIOUS) &&
            !*optarg) {
            const char *name = "-o";
            for (const struct option *lo = long_options; lo->name; lo++)
                if (lo->val == ch && ch != OPT_OUTPUT)
                    name = lo->name;
            const char *what = ch == OPT_ROLE     ? "a role id"
                               : ch == OPT_PKCS11 ? "a PKCS#11 URI"
                                                  : "a file name";
            fprintf(stderr, "%s %s: %s%s wants %s, not an empty string\nTry '%s %s --help'.\n",
                    cli->prog, c->name, ch == OPT_OUTPUT ? "" : "--", name, what, cli->prog,
                    c->name);
            return RA_EXIT_USAGE;
        }
        switch (ch) {
        case OPT_CHECKLIST:
            o->checklist_path = optarg;
            break;
        case OPT_PROFILE:
            o->profile = optarg;
            break;
        case OPT_FORMAT:
            o->format = optarg;
            break;
        case OPT_OUTPUT:
            o->output = optarg;
            break;
        case OPT_TEMPLATE:
            o->template_path = optarg;
            break;
        case OPT_QUIET:
            o->quiet = true;
            break;
        case OPT_VERBOSE:
            o->verbose = true;
            break;
        case OPT_ATTACH:
            o->attach_source = true;
            break;
        case OPT_METHOD:
            o->methodology = true;
            break;
        case OPT_FORCE:
            o->force = true;
            break;
        case OPT_STRICT:
            o->strict = true;
            break;
        case OPT_SHARD:
            o->shard = optarg;
            break;
        case OPT_MANIFEST:
            o->manifest = optarg;
            break;
        case OPT_SUMMARY:
            o->summary = optarg;
            break;
        case OPT_ROLE:
            o->role = optarg;
            break;
        case OPT_KEY:
            o->key = optarg;
            break;
        case OPT_CERT:
            o->cert = optarg;
            break;
        case OPT_CHAIN:
            o->chain = optarg;
            break;
        case OPT_P12:
            o->p12 = optarg;
            break;
        case OPT_PASSWORD:
            o->password_file = optarg;
            break;
        case OPT_PKCS11:
            o->pkcs11 = optarg;
            break;
        case OPT_PIN:
            o->pin_file = optarg;
            break;
        case OPT_TRUST:
            o->trust = optarg;
            break;
        case OPT_PREVIOUS:
            o->previous = optarg;
            break;
        case OPT_JOBS: {
            char *end;
            long j = strtol(optarg, &end, 10);
            if (end == optarg || *end || j < 1 || j > 256) {
                fprintf(stderr, "%s %s: -j wants a number of jobs from 1 to 256, not '%s'\n",
                        cli->prog, c->name, optarg);
                return RA_EXIT_USAGE;
            }
            o->jobs = (unsigned)j;
            break;
        }
        case OPT_FAIL_UNDER:
            if (parse_percent(optarg, &o->fail_under) != 0) {
                fprintf(stderr, "%s %s: --fail-under wants a number from 0 to 100, not '%s'\n",
                        cli->prog, c->name, optarg);
                return RA_EXIT_USAGE;
            }
            break;
        }
    }
    o->args = argv + optind;
    o->nargs = argc - optind;
    return -1;
}

/* Does dir hold our data files (schemas)? */
static int has_data(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/schemas/assessment.xsd", dir) >= (int)sizeof path)
        return 0;
    return access(path, R_OK) == 0;
}

/* Finds the data directory: $READYAUDIT_DATADIR, beside the executable (a
 * build tree), or the installed share directory. */
static char *find_datadir(void)
{
    const char *env = getenv("READYAUDIT_DATADIR");
    if (env && *env)
        return strdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if (has_data(exe))
                return strdup(exe);
            char up[PATH_MAX];
            if (snprintf(up, sizeof up, "%s/..", exe) < (int)sizeof up && has_data(up))
                return strdup(up);
            if (snprintf(up, sizeof up, "%s/../share/readyaudit", exe) < (int)sizeof up &&
                has_data(up))
                return strdup(up);
        }
    }
    return strdup(RA_DATADIR);
}

/* Closes standard output; a failed write turns success into an I/O failure, said once. */
static int close_stdout(const char *prog, int rc)
{
    int bad = ferror(stdout);
    bad |= fclose(stdout) != 0;
    if (bad && rc != RA_EXIT_IO) {
        fprintf(stderr, "%s: error writing standard output: %s\n", prog,
                strerror(errno ? errno : EIO));
        return RA_EXIT_IO;
    }
    return rc;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "C");
    /* A run is short and its memory peaks near its end: glibc's malloc
     * would map each block over 128 KiB on its own (a cache file read, a
     * table, a page's content) and unmap it when freed, and give the top
     * of the heap back each time it shrank, so the pages of the next
     * blocks were faulted in and zeroed again. Blocks up to 32 MiB come
     * from the heap, which grows 1 MiB at a time and is given back only
     * past 64 MiB free: about 90 fewer page faults in a regulated report
     * (1,469 to 1,378). */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 1 << 20);
    ra_diag_sink_t sink = {.fn = ra_cli_diag, .cap = 50};
    ra_env_t env = {.sink = &sink};
    ra_cli_t cli = {.prog = "readyaudit", .env = &env};
    sink.ctx = &cli;

    if (argc < 2) {
        print_usage(stderr, cli.prog);
        return RA_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("readyaudit %s\n", RA_VERSION);
        return close_stdout(cli.prog, RA_EXIT_OK);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_usage(stdout, cli.prog);
        return close_stdout(cli.prog, RA_EXIT_OK);
    }
    const command_t *cmd = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, "%s: unknown command '%s'\n", cli.prog, argv[1]);
        print_usage(stderr, cli.prog);
        return RA_EXIT_USAGE;
    }
    cli.command = cmd->name;
    int rc = parse_options(&cli, cmd, argc - 1, argv + 1);
    if (rc >= 0)
        return close_stdout(cli.prog, rc);
    /* What the process knows, read once for the whole run. */
    char *datadir = find_datadir();
    const char *font_dir = getenv("READYAUDIT_FONT_DIR");
    env.datadir = datadir;
    env.font_dir = font_dir;
    env.hyph_dir = getenv("READYAUDIT_HYPH_DIR");
    /* A malformed SOURCE_DATE_EPOCH is an error where it would date the
     * output, and of no concern elsewhere. */
    const char *epoch = getenv("SOURCE_DATE_EPOCH"), *why = NULL;
    if (ra_env_set_epoch(&env, epoch, &why) != RA_OK && cmd->uses_epoch) {
        fprintf(stderr, "%s %s: SOURCE_DATE_EPOCH '%s' %s\n", cli.prog, cmd->name, epoch, why);
        free(datadir);
        return RA_EXIT_USAGE;
    }
    /* What an allocation failure inside libxml2 or libharu says on its way out. */
    static char nomem_line[160];
    snprintf(nomem_line, sizeof nomem_line, "%s %s: out of memory\n", cli.prog, cmd->name);
    ra_cleanup_on_nomem(nomem_line, RA_EXIT_IO);
    if (!datadir || ra_loader_new(datadir, &sink, &env.loader) != RA_OK) {
        fprintf(stderr, "%s: out of memory\n", cli.prog);
        free(datadir);
        return RA_EXIT_IO;
    }
    ra_loader_set_verbose(env.loader, cli.opts.verbose);
    /* Where the user's cache is (the XDG base directories): which font
     * files earlier runs read whole and found as the chain lists them,
     * which checklists and templates matched their schema, the words
     * reports shaped and the break opportunities they found. */
    ra_buf_t cache = RA_BUF_INIT, valid = RA_BUF_INIT, words = RA_BUF_INIT, breaks = RA_BUF_INIT,
             subsets = RA_BUF_INIT;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        ra_buf_printf(&cache, "%s/readyaudit/", xdg);
    else if (home && home[0] == '/')
        ra_buf_printf(&cache, "%s/.cache/readyaudit/", home);
    if (cache.len && ra_buf_printf(&valid, "%svalid-documents", cache.data) == RA_OK &&
        ra_buf_printf(&words, "%sshaped-words", cache.data) == RA_OK &&
        ra_buf_printf(&breaks, "%sbreak-opportunities", cache.data) == RA_OK &&
        ra_buf_printf(&subsets, "%sfont-subsets", cache.data) == RA_OK &&
        ra_buf_puts(&cache, "verified-fonts") == RA_OK) {
        env.verified_fonts = cache.data;
        /* The files of the words reports shaped and the break
         * opportunities they found are report's alone: what they say is
         * drawn, so verify must not rest on them, and batch workers share
         * a specimen's instead (what the files hold would be in each
         * one's memory). */
        if (cmd->fn == ra_cmd_report) {
            env.shaped_words = words.data;
            env.break_memo = breaks.data;
            env.font_subsets = subsets.data;
        }
        if (ra_loader_set_cache(env.loader, valid.data) != RA_OK)
            env.verified_fonts = env.shaped_words = env.break_memo = env.font_subsets =
                NULL; /* no cache at all */
    }
    /* A signal removes the temporary files it would leave (cleanup.h). */
    ra_cleanup_install();
    rc = cmd->fn(&cli);
    ra_pdf_fonts_free(cli.fonts);
    ra_loader_free(env.loader);
    ra_buf_free(&cache);
    ra_buf_free(&valid);
    ra_buf_free(&words);
    ra_buf_free(&breaks);
    ra_buf_free(&subsets);
    free(datadir);
    return close_stdout(cli.prog, rc);
}
