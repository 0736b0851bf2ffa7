/* version: GAS's release, printed by gas --version and gasd --version. */
#ifndef GAS_VERSION_H
#define GAS_VERSION_H

#define GAS_VERSION "0.2.0"

#endif
