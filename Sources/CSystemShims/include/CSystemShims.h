// Linux calls that Glibc's Swift overlay does not export because they need _GNU_SOURCE.
#ifndef CUSTODY_CSYSTEMSHIMS_H
#define CUSTODY_CSYSTEMSHIMS_H

/// syncfs(2): flush every dirty page and inode of the filesystem that holds `fd`.
int CSystemShims_syncfs(int fd);

/// Turns O_DIRECT on (`on` nonzero) or off for an open file: reads and writes then bypass the page
/// cache. Returns 0, or -1 with errno set (EINVAL where the filesystem cannot do direct I/O).
int CSystemShims_setDirectIO(int fd, int on);

/// No core dump, ever: RLIMIT_CORE 0 and prctl(PR_SET_DUMPABLE, 0), which also keeps other processes
/// of the same user from reading this one's memory through ptrace or /proc/PID/mem. prctl is
/// variadic, so Swift cannot call it directly. Returns 0, or -1 with errno set.
int CSystemShims_disableCoreDumps(void);

/// prctl(PR_GET_DUMPABLE): 0 when core dumps are off.
int CSystemShims_isDumpable(void);
/// What one SG_IO command came back with (the fields of sg_io_hdr_t a caller needs).
typedef struct {
    unsigned char status;        // SCSI status (0 good, 2 check condition)
    unsigned short hostStatus;   // the adapter's: DID_NO_CONNECT (1) when the device is gone
    unsigned short driverStatus;
    unsigned char senseLength;   // sense bytes written
    int residual;                // bytes asked for but not transferred
} CSystemShims_SGResult;

/// One SCSI command through the SG_IO ioctl (sg or block node). `direction`: 0 none, 1 from the
/// device, 2 to the device. Returns the ioctl's result (-1 and errno on failure).
int CSystemShims_sgIO(
    int fd, const unsigned char *cdb, unsigned char cdbLength, int direction, void *data, unsigned int dataLength,
    unsigned char *sense, unsigned char senseCapacity, unsigned int timeoutMilliseconds,
    CSystemShims_SGResult *result);

/// SG_GET_VERSION_NUM: the sg driver's version (30000 or more), or -1 when the node does not take SG_IO.
int CSystemShims_sgVersion(int fd);

#endif
