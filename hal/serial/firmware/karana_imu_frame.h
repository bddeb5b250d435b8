/*
 * karana_imu_frame.h - KIMU v1 frame encoder for IMU firmware (one header, no allocation, C99).
 *
 * Spec: docs/serial-protocol.md of Karana Edge. Frame, little-endian:
 *   sync 0xA5 0x5A | version 1 | type | seq u16 | len u8 (<= 240) | payload | CRC-16 u16
 * CRC-16/CCITT-FALSE (CRC-16/IBM-3740): poly 0x1021, init 0xFFFF, no reflection, xorout 0,
 * check("123456789") = 0x29B1, over version..payload.
 *
 * Usage: send an INFO frame at start-up, every second, and when a frame of type KIMU_TYPE_INFO_REQUEST
 * arrives; then one SAMPLE frame per IMU reading. Every frame sent takes the next sequence number.
 *
 *   uint8_t buf[KIMU_MAX_FRAME];
 *   size_t n = kimu_encode_sample_i16(buf, seq++, micros(), gyro, accel, NULL);
 *   uart_write(buf, n);
 *
 * MIT License. Copyright (c) 2025 the Karana Edge authors.
 * Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
 * associated documentation files (the "Software"), to deal in the Software without restriction, including
 * without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
 * following conditions: The above copyright notice and this permission notice shall be included in all
 * copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY
 * KIND, EXPRESS OR IMPLIED.
 */
#ifndef KARANA_IMU_FRAME_H
#define KARANA_IMU_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define KIMU_SYNC0 0xA5u
#define KIMU_SYNC1 0x5Au
#define KIMU_VERSION 1u
#define KIMU_MAX_PAYLOAD 240u
#define KIMU_MAX_FRAME (7u + KIMU_MAX_PAYLOAD + 2u)

#define KIMU_TYPE_INFO 0x01u
#define KIMU_TYPE_SAMPLE 0x02u
#define KIMU_TYPE_TEXT 0x03u
#define KIMU_TYPE_INFO_REQUEST 0x10u

#define KIMU_FORMAT_INT16 1u
#define KIMU_FORMAT_INT32 2u
#define KIMU_FLAG_MAG 0x01u

/* What a SAMPLE means. Scales are the SI value of one LSB. */
typedef struct {
    uint32_t tick_hz;        /* device timestamp ticks per second, e.g. 1000000 (microseconds) */
    uint32_t rate_millihz;   /* nominal sample rate x 1000 */
    uint8_t sample_format;   /* KIMU_FORMAT_INT16 or KIMU_FORMAT_INT32 */
    uint8_t flags;           /* KIMU_FLAG_MAG when samples carry a magnetometer triple */
    float gyro_scale;        /* rad/s per LSB */
    float accel_scale;       /* m/s^2 per LSB */
    float mag_scale;         /* uT per LSB, 0 without magnetometer */
    char name[8];            /* ASCII, NUL-padded */
} kimu_info_t;

static inline uint16_t kimu_crc16(const uint8_t *data, size_t len)
{
    uint16_t crc = 0xFFFFu;
    size_t i;
    int bit;
    for (i = 0; i < len; i++) {
        crc = (uint16_t)(crc ^ ((uint16_t)data[i] << 8));
        for (bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
        }
    }
    return crc;
}

static inline void kimu_put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

static inline void kimu_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static inline void kimu_put_f32(uint8_t *p, float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits); /* IEEE-754 binary32, sent little-endian */
    kimu_put_u32(p, bits);
}

/* Wraps `len` payload bytes already at out + 7; returns the frame size, or 0 when len > 240. */
static inline size_t kimu_finish_frame(uint8_t *out, uint8_t type, uint16_t seq, size_t len)
{
    uint16_t crc;
    if (len > KIMU_MAX_PAYLOAD) return 0;
    out[0] = KIMU_SYNC0;
    out[1] = KIMU_SYNC1;
    out[2] = KIMU_VERSION;
    out[3] = type;
    kimu_put_u16(out + 4, seq);
    out[6] = (uint8_t)len;
    crc = kimu_crc16(out + 2, 5u + len);
    kimu_put_u16(out + 7 + len, crc);
    return 7u + len + 2u;
}

/* INFO frame (41 bytes) into out[KIMU_MAX_FRAME]. */
static inline size_t kimu_encode_info(uint8_t *out, uint16_t seq, const kimu_info_t *info)
{
    uint8_t *p = out + 7;
    memset(p, 0, 32);
    kimu_put_u32(p + 0, info->tick_hz);
    kimu_put_u32(p + 4, info->rate_millihz);
    p[8] = info->sample_format;
    p[9] = info->flags;
    kimu_put_f32(p + 12, info->gyro_scale);
    kimu_put_f32(p + 16, info->accel_scale);
    kimu_put_f32(p + 20, info->mag_scale);
    memcpy(p + 24, info->name, 8);
    return kimu_finish_frame(out, KIMU_TYPE_INFO, seq, 32);
}

/* SAMPLE frame with int16 values; mag may be NULL (then INFO must not set KIMU_FLAG_MAG). */
static inline size_t kimu_encode_sample_i16(uint8_t *out, uint16_t seq, uint32_t ticks, const int16_t gyro[3],
                                            const int16_t accel[3], const int16_t *mag)
{
    uint8_t *p = out + 7;
    size_t n = 4;
    int i;
    kimu_put_u32(p, ticks);
    for (i = 0; i < 3; i++, n += 2) kimu_put_u16(p + n, (uint16_t)gyro[i]);
    for (i = 0; i < 3; i++, n += 2) kimu_put_u16(p + n, (uint16_t)accel[i]);
    if (mag != NULL) {
        for (i = 0; i < 3; i++, n += 2) kimu_put_u16(p + n, (uint16_t)mag[i]);
    }
    return kimu_finish_frame(out, KIMU_TYPE_SAMPLE, seq, n);
}

/* SAMPLE frame with int32 values; mag may be NULL. */
static inline size_t kimu_encode_sample_i32(uint8_t *out, uint16_t seq, uint32_t ticks, const int32_t gyro[3],
                                            const int32_t accel[3], const int32_t *mag)
{
    uint8_t *p = out + 7;
    size_t n = 4;
    int i;
    kimu_put_u32(p, ticks);
    for (i = 0; i < 3; i++, n += 4) kimu_put_u32(p + n, (uint32_t)gyro[i]);
    for (i = 0; i < 3; i++, n += 4) kimu_put_u32(p + n, (uint32_t)accel[i]);
    if (mag != NULL) {
        for (i = 0; i < 3; i++, n += 4) kimu_put_u32(p + n, (uint32_t)mag[i]);
    }
    return kimu_finish_frame(out, KIMU_TYPE_SAMPLE, seq, n);
}

/* True when `frame` (len bytes) is a valid INFO_REQUEST from the host. */
static inline int kimu_is_info_request(const uint8_t *frame, size_t len)
{
    uint16_t crc;
    if (len < 9u || frame[0] != KIMU_SYNC0 || frame[1] != KIMU_SYNC1 || frame[2] != KIMU_VERSION) return 0;
    if (frame[3] != KIMU_TYPE_INFO_REQUEST || frame[6] != 0u) return 0;
    crc = (uint16_t)(frame[7] | (frame[8] << 8));
    return crc == kimu_crc16(frame + 2, 5u);
}

#endif /* KARANA_IMU_FRAME_H */
