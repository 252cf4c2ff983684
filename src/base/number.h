/* number.h - numbers written for machines: the shortest form that reads back exactly. */
#ifndef RA_NUMBER_H
#define RA_NUMBER_H

/* Writes v in its shortest "%g" form (no exponent) that strtod reads back as
 * exactly v, into out (C locale: the process runs under it). */
void ra_number_shortest(double v, char out[32]);

#endif
