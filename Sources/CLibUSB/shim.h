// Shim over libusb-1.0: the synchronous bulk API, device enumeration, string descriptors and hotplug.
// Macros that Swift cannot import become prefixed static inline functions.
#ifndef CUSTODY_CLIBUSB_SHIM_H
#define CUSTODY_CLIBUSB_SHIM_H

#include <libusb.h>

/// LIBUSB_HOTPLUG_MATCH_ANY is a macro (-1); Swift sees it as an untyped literal.
static inline int CLibUSB_hotplug_match_any(void) {
    return LIBUSB_HOTPLUG_MATCH_ANY;
}

/// True when this libusb supports hotplug on this platform (libusb_has_capability with a macro).
static inline int CLibUSB_has_hotplug(void) {
    return libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG);
}

#endif
