/* cmd_manifest.c - `readyaudit manifest merge`: the manifests of sharded batches as one. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "pack/manifest.h"

int ra_cmd_manifest(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs < 2 || strcmp(o->args[0], "merge") != 0 || !o->output) {
        fprintf(stderr, "%s manifest: usage: %s manifest merge MANIFEST... -o OUT.csv|OUT.json\n",
                cli->prog, cli->prog);
        return RA_EXIT_USAGE;
    }
    /* The merged manifest may not be written over one it reads. */
    ra_cli_file_t files[o->nargs];
    files[0] = (ra_cli_file_t){"-o", o->output, true};
    for (int i = 1; i < o->nargs; i++)
        files[i] = (ra_cli_file_t){"the manifest", o->args[i], false};
    if (strcmp(o->output, "-") != 0 && ra_cli_check_clashes(cli, files, (size_t)o->nargs) != RA_OK)
        return RA_EXIT_USAGE;
    size_t n = 0;
    ra_status_t st = ra_manifest_merge((const char *const *)o->args + 1, (size_t)o->nargs - 1,
                                       o->output, &n, cli->env->sink);
    if (st == RA_OK && !o->quiet && !ra_cli_is_stdout(o->output))
        printf("%s: %zu rows from %d manifests\n", o->output, n, o->nargs - 1);
    return ra_cli_exit(cli, st);
}
