// Shim over libudev: device lookup by syspath, parent walking, enumeration and the udev monitor.
// libudev has no function-like macros Custody needs; the header is included as is.
#ifndef CUSTODY_CLIBUDEV_SHIM_H
#define CUSTODY_CLIBUDEV_SHIM_H

#include <libudev.h>

#endif
