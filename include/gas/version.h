/* version: GAS's release, printed by gas --version and gasd --version. */
#ifndef GAS_VERSION_H
#define GAS_VERSION_H

#define GAS_VERSION "0.2.0"
/* what --version prints after the release: the annotation engine's version, the one each
 * result's ##GAS_annotation header and the count log's JSON name (ANNOT_ENGINE_VERSION) */
#define GAS_VERSION_ENGINE_NOTE                                                                    \
    "(annotation engine %s: the version results name in ##GAS_annotation)"

#endif
