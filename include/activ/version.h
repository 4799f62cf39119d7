/* version.h -- the version of activ, printed by `activd --version` and in the startup log */
#ifndef ACTIV_VERSION_H
#define ACTIV_VERSION_H

/* Semantic versioning; keep the string and the numbers in step. */
#define ACTIV_VERSION "0.1.0"

enum { ACTIV_VERSION_MAJOR = 0, ACTIV_VERSION_MINOR = 1, ACTIV_VERSION_PATCH = 0 };

#endif
