/*
 * Example and test vector generator for karana_imu_frame.h: reads lines of integers from stdin and writes
 * KIMU frames to stdout (what firmware would write to its UART). Built and run by test/hal/serial.
 *   I tick_hz rate_millihz format flags gyro_scale accel_scale mag_scale name   -> INFO frame
 *   S ticks gx gy gz ax ay az [mx my mz]                                         -> SAMPLE frame
 * MIT License (see karana_imu_frame.h).
 */
#include <stdio.h>
#include <string.h>
#include "karana_imu_frame.h"

int main(void)
{
    char line[256];
    uint8_t buf[KIMU_MAX_FRAME];
    uint16_t seq = 0;
    kimu_info_t info;
    memset(&info, 0, sizeof info);
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t n = 0;
        if (line[0] == 'I') {
            unsigned long tick_hz, rate, format, flags;
            char name[9] = {0};
            if (sscanf(line + 1, "%lu %lu %lu %lu %f %f %f %8s", &tick_hz, &rate, &format, &flags, &info.gyro_scale,
                       &info.accel_scale, &info.mag_scale, name) != 8) return 2;
            info.tick_hz = (uint32_t)tick_hz;
            info.rate_millihz = (uint32_t)rate;
            info.sample_format = (uint8_t)format;
            info.flags = (uint8_t)flags;
            memset(info.name, 0, sizeof info.name);
            memcpy(info.name, name, strlen(name));
            n = kimu_encode_info(buf, seq++, &info);
        } else if (line[0] == 'S') {
            unsigned long ticks;
            long v[9] = {0};
            int got = sscanf(line + 1, "%lu %ld %ld %ld %ld %ld %ld %ld %ld %ld", &ticks, &v[0], &v[1], &v[2], &v[3], &v[4],
                             &v[5], &v[6], &v[7], &v[8]);
            int has_mag = (info.flags & KIMU_FLAG_MAG) != 0;
            if (got != (has_mag ? 10 : 7)) return 3;
            if (info.sample_format == KIMU_FORMAT_INT16) {
                int16_t g[3], a[3], m[3];
                int i;
                for (i = 0; i < 3; i++) { g[i] = (int16_t)v[i]; a[i] = (int16_t)v[3 + i]; m[i] = (int16_t)v[6 + i]; }
                n = kimu_encode_sample_i16(buf, seq++, (uint32_t)ticks, g, a, has_mag ? m : NULL);
            } else {
                int32_t g[3], a[3], m[3];
                int i;
                for (i = 0; i < 3; i++) { g[i] = (int32_t)v[i]; a[i] = (int32_t)v[3 + i]; m[i] = (int32_t)v[6 + i]; }
                n = kimu_encode_sample_i32(buf, seq++, (uint32_t)ticks, g, a, has_mag ? m : NULL);
            }
        }
        if (n > 0 && fwrite(buf, 1, n, stdout) != n) return 4;
    }
    return 0;
}
