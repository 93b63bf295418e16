// Shim over FFmpeg's libavformat, libavcodec and libavutil (FFmpeg 5.1 on Debian 12): the demuxing
// and metadata entry points MediaProbe uses. Macros Swift cannot import become prefixed functions.
#ifndef CUSTODY_CAVFORMAT_SHIM_H
#define CUSTODY_CAVFORMAT_SHIM_H

#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>

/// AVERROR(e): a POSIX errno as an FFmpeg error code.
static inline int CAVFormat_averror(int posixError) { return AVERROR(posixError); }

/// AVERROR_EOF.
static inline int CAVFormat_averror_eof(void) { return AVERROR_EOF; }

/// AV_NOPTS_VALUE: "no timestamp".
static inline int64_t CAVFormat_nopts_value(void) { return (int64_t)AV_NOPTS_VALUE; }

/// AV_TIME_BASE: the unit of AVFormatContext.duration, per second.
static inline int64_t CAVFormat_time_base(void) { return AV_TIME_BASE; }

/// The text of an FFmpeg error code.
static inline void CAVFormat_error_string(int code, char *buffer, size_t size) {
    av_strerror(code, buffer, size);
}

#endif
