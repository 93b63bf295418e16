// The commit this build was made from, fixed at compile time (see CBuildInfo.c).
#ifndef CUSTODY_CBUILDINFO_H
#define CUSTODY_CBUILDINFO_H

/// `git describe --always --dirty` of the checkout the binaries were built from, or "unknown".
const char *CBuildInfo_commit(void);

#endif
