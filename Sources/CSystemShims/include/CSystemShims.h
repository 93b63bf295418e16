// Linux calls that Glibc's Swift overlay does not export because they need _GNU_SOURCE.
#ifndef CUSTODY_CSYSTEMSHIMS_H
#define CUSTODY_CSYSTEMSHIMS_H

/// syncfs(2): flush every dirty page and inode of the filesystem that holds `fd`.
int CSystemShims_syncfs(int fd);

#endif
