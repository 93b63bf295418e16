// Linux calls that Glibc's Swift overlay does not export because they need _GNU_SOURCE.
#ifndef CUSTODY_CSYSTEMSHIMS_H
#define CUSTODY_CSYSTEMSHIMS_H

/// syncfs(2): flush every dirty page and inode of the filesystem that holds `fd`.
int CSystemShims_syncfs(int fd);

/// No core dump, ever: RLIMIT_CORE 0 and prctl(PR_SET_DUMPABLE, 0), which also keeps other processes
/// of the same user from reading this one's memory through ptrace or /proc/PID/mem. prctl is
/// variadic, so Swift cannot call it directly. Returns 0, or -1 with errno set.
int CSystemShims_disableCoreDumps(void);

/// prctl(PR_GET_DUMPABLE): 0 when core dumps are off.
int CSystemShims_isDumpable(void);

#endif
