/* number.c - the shortest exact decimal form of a double. */
#include "base/number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ra_number_shortest(double v, char out[32])
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        if (!strchr(out, 'e') && strtod(out, NULL) == v)
            return;
    }
    snprintf(out, 32, "%.17g", v);
}
