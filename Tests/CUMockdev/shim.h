// Shim over the umockdev library (tests only): a testbed of fake sysfs/dev entries and uevents, used
// under umockdev-wrapper (LD_PRELOAD) so libusb and libudev in the test process see the fake devices.
#ifndef CUSTODY_CUMOCKDEV_SHIM_H
#define CUSTODY_CUMOCKDEV_SHIM_H

#include <errno.h>
#include <scsi/sg.h>
#include <stddef.h>
#include <string.h>
#include <umockdev.h>

/// Frees a GError (g_clear_error takes a GError **; a wrapper keeps Swift away from GLib macros).
static inline void CUMockdev_clear_error(GError **error) {
    g_clear_error(error);
}

/// Releases the testbed (g_object_unref), which removes its directory.
static inline void CUMockdev_unref(UMockdevTestbed *testbed) {
    g_object_unref(testbed);
}

/// A simulated SCSI unit's answer to one command: returns the SCSI status (0 good, 2 check
/// condition), or -1 for a unit that is gone (host status DID_NO_CONNECT). `data` holds what the host
/// sent (direction 2) or receives what the unit sends (direction 1, `*transferred` bytes).
typedef int (*CUMockdev_SCSIHandler)(
    void *context, const unsigned char *cdb, int cdbLength, int direction, unsigned char *data, int dataLength,
    int *transferred, unsigned char *sense, int senseCapacity, int *senseLength);

typedef struct {
    CUMockdev_SCSIHandler handler;
    void *context;
} CUMockdev_SCSIUnit;

/// Serves SG_GET_VERSION_NUM and SG_IO for a device node from a simulated unit: the caller's
/// sg_io_hdr_t, CDB, data and sense buffers are resolved into local copies and synced back on completion.
static inline gboolean CUMockdev_handleSCSI(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user) {
    (void)base;
    CUMockdev_SCSIUnit *unit = user;
    gulong request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
    if (request == SG_GET_VERSION_NUM) {
        UMockdevIoctlData *version = umockdev_ioctl_data_resolve(arg, 0, sizeof(int), NULL);
        if (version == NULL) {
            umockdev_ioctl_client_complete(client, -1, EFAULT);
            return TRUE;
        }
        *(int *)version->data = 30527;
        umockdev_ioctl_client_complete(client, 0, 0);
        g_object_unref(version);
        return TRUE;
    }
    if (request != SG_IO) return FALSE;
    UMockdevIoctlData *header = umockdev_ioctl_data_resolve(arg, 0, sizeof(sg_io_hdr_t), NULL);
    if (header == NULL) {
        umockdev_ioctl_client_complete(client, -1, EFAULT);
        return TRUE;
    }
    sg_io_hdr_t *h = (sg_io_hdr_t *)header->data;
    int cdbLength = h->cmd_len;
    int dataLength = (int)h->dxfer_len;
    int senseCapacity = h->mx_sb_len;
    int direction = h->dxfer_direction == SG_DXFER_FROM_DEV ? 1 : h->dxfer_direction == SG_DXFER_TO_DEV ? 2 : 0;
    UMockdevIoctlData *cdb = umockdev_ioctl_data_resolve(header, offsetof(sg_io_hdr_t, cmdp), cdbLength, NULL);
    UMockdevIoctlData *data = NULL;
    if (direction != 0 && dataLength > 0)
        data = umockdev_ioctl_data_resolve(header, offsetof(sg_io_hdr_t, dxferp), dataLength, NULL);
    UMockdevIoctlData *sense = NULL;
    if (senseCapacity > 0) sense = umockdev_ioctl_data_resolve(header, offsetof(sg_io_hdr_t, sbp), senseCapacity, NULL);
    if (cdb == NULL || (direction != 0 && dataLength > 0 && data == NULL)) {
        umockdev_ioctl_client_complete(client, -1, EFAULT);
        if (cdb) g_object_unref(cdb);
        if (data) g_object_unref(data);
        if (sense) g_object_unref(sense);
        g_object_unref(header);
        return TRUE;
    }
    h = (sg_io_hdr_t *)header->data;
    int transferred = 0;
    int senseLength = 0;
    int status = unit->handler(
        unit->context, cdb->data, cdbLength, direction, data ? data->data : NULL, data ? dataLength : 0, &transferred,
        sense ? sense->data : NULL, sense ? senseCapacity : 0, &senseLength);
    h->host_status = status < 0 ? 0x01 : 0;
    h->status = status < 0 ? 0 : (unsigned char)status;
    h->masked_status = h->status >> 1;
    h->driver_status = senseLength > 0 ? 0x08 : 0;
    h->sb_len_wr = (unsigned char)senseLength;
    h->resid = direction == 1 ? dataLength - transferred : 0;
    umockdev_ioctl_client_complete(client, 0, 0);
    g_object_unref(cdb);
    if (data) g_object_unref(data);
    if (sense) g_object_unref(sense);
    g_object_unref(header);
    return TRUE;
}

/// Attaches a simulated SCSI unit to `devnode` (`/dev/sdb`); the unit must outlive the testbed.
static inline gboolean CUMockdev_attachSCSI(
    UMockdevTestbed *testbed, const char *devnode, CUMockdev_SCSIUnit *unit, GError **error) {
    UMockdevIoctlBase *handler = umockdev_ioctl_base_new();
    g_signal_connect(handler, "handle-ioctl", G_CALLBACK(CUMockdev_handleSCSI), unit);
    // The handler lives as long as the process: the testbed's ioctl thread may still call it.
    return umockdev_testbed_attach_ioctl(testbed, devnode, handler, error);
}

#endif
