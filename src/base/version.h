/* version.h - the tool version printed by --version and stamped into reports. */
#ifndef RA_VERSION_H
#define RA_VERSION_H

#define RA_VERSION "0.4.0"
#define RA_TOOL "readyaudit " RA_VERSION

#endif
