#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/resource.h>
#include <string.h>
#include <sys/ioctl.h>
#include <scsi/sg.h>
#include <unistd.h>
#include <fcntl.h>
#include "CSystemShims.h"

int CSystemShims_syncfs(int fd) { return syncfs(fd); }

int CSystemShims_setDirectIO(int fd, int on) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, on ? (flags | O_DIRECT) : (flags & ~O_DIRECT));
}

int CSystemShims_disableCoreDumps(void) {
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0) return -1;
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int CSystemShims_isDumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

int CSystemShims_sgIO(
    int fd, const unsigned char *cdb, unsigned char cdbLength, int direction, void *data, unsigned int dataLength,
    unsigned char *sense, unsigned char senseCapacity, unsigned int timeoutMilliseconds,
    CSystemShims_SGResult *result) {
    sg_io_hdr_t header;
    memset(&header, 0, sizeof header);
    header.interface_id = 'S';
    header.cmdp = (unsigned char *)cdb;
    header.cmd_len = cdbLength;
    header.dxfer_direction = direction == 1 ? SG_DXFER_FROM_DEV : direction == 2 ? SG_DXFER_TO_DEV : SG_DXFER_NONE;
    header.dxferp = dataLength > 0 ? data : NULL;
    header.dxfer_len = dataLength;
    header.sbp = sense;
    header.mx_sb_len = senseCapacity;
    header.timeout = timeoutMilliseconds;
    int status = ioctl(fd, SG_IO, &header);
    if (status >= 0 && result != NULL) {
        result->status = header.status;
        result->hostStatus = header.host_status;
        result->driverStatus = header.driver_status;
        result->senseLength = header.sb_len_wr;
        result->residual = header.resid;
    }
    return status;
}

int CSystemShims_sgVersion(int fd) {
    int version = 0;
    return ioctl(fd, SG_GET_VERSION_NUM, &version) < 0 ? -1 : version;
}
