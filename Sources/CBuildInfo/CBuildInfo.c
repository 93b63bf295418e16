// The commit comes in as a C define because SwiftPM offers no other build-time value without a plugin:
// `make release` passes -Xcc -DCUSTODY_BUILD_COMMIT="\"$(git describe ...)\"". A plain `swift build`
// (or a build outside a git checkout) leaves it undefined, and the binaries say "unknown" rather than
// guess.
#include "CBuildInfo.h"

#ifndef CUSTODY_BUILD_COMMIT
#define CUSTODY_BUILD_COMMIT "unknown"
#endif

const char *CBuildInfo_commit(void) { return CUSTODY_BUILD_COMMIT; }
