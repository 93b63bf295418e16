#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include "CSystemShims.h"

int CSystemShims_syncfs(int fd) { return syncfs(fd); }

int CSystemShims_disableCoreDumps(void) {
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0) return -1;
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int CSystemShims_isDumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }
