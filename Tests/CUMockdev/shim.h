// Shim over the umockdev library (tests only): a testbed of fake sysfs/dev entries and uevents, used
// under umockdev-wrapper (LD_PRELOAD) so libusb and libudev in the test process see the fake devices.
#ifndef CUSTODY_CUMOCKDEV_SHIM_H
#define CUSTODY_CUMOCKDEV_SHIM_H

#include <umockdev.h>

/// Frees a GError (g_clear_error takes a GError **; a wrapper keeps Swift away from GLib macros).
static inline void CUMockdev_clear_error(GError **error) {
    g_clear_error(error);
}

/// Releases the testbed (g_object_unref), which removes its directory.
static inline void CUMockdev_unref(UMockdevTestbed *testbed) {
    g_object_unref(testbed);
}

#endif
